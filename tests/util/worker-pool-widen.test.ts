/** WorkerPool.widen() (util/worker-pool.ts): tasks queued when the pool widens. */
import { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { WorkerPool } from '../../src/util/worker-pool.js'

const entry = new URL('../fixtures/workers/tasks.mjs', import.meta.url)
type Request = { kind: 'spin'; ms: number }
type Answer = { spun?: number; threadId: number }
let pool: WorkerPool<Request, Answer> | undefined
afterEach(async () => {
  await pool?.close()
  pool = undefined
})

describe('widen', () => {
  it('gives a task queued behind the one worker to the worker widen() starts, not after the running task ends', async () => {
    const early = [new Worker(entry)]
    pool = new WorkerPool({ entry, size: 2, sizeAtFirst: 1, started: early })
    pool.start()
    const running = pool.run({ kind: 'spin', ms: 800 })
    const queued = pool.run({ kind: 'spin', ms: 50 })
    pool.widen(true)
    const answer = await queued
    const first = await running
    expect(answer.threadId).not.toBe(first.threadId)
  })
})
