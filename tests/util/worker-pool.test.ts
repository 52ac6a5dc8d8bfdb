import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { WorkerEndsError, WorkerStartError, WorkerTimeoutError } from '../../src/util/worker-errors.js'
import { WorkerPool } from '../../src/util/worker-pool.js'
import { startLoopProbe } from '../helpers/loop-delay.js'

const entry = new URL('../fixtures/workers/tasks.mjs', import.meta.url)
type Request = { kind: 'echo'; value: string } | { kind: 'spin'; ms: number } | { kind: 'fail' } | { kind: 'exit' }
type Answer = { echo?: string; spun?: number; threadId: number }

let pool: WorkerPool<Request, Answer> | undefined

/**
 * Runs `script` (an ES module, which may import the built pool, `builtPool`: npm test builds first) in a node
 * process of its own, which must end by itself: what it printed, how it ended, and how long it took.
 */
function runAlone(script: string): { stdout: string; stderr: string; status: number | null; signal: NodeJS.Signals | null; ms: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pool-'))
  fs.writeFileSync(path.join(dir, 'run.mjs'), script)
  const started = performance.now()
  const result = spawnSync(process.execPath, [path.join(dir, 'run.mjs')], { encoding: 'utf8', timeout: 10_000 })
  fs.rmSync(dir, { recursive: true, force: true })
  return { stdout: result.stdout, stderr: result.stderr, status: result.status, signal: result.signal, ms: performance.now() - started }
}
const builtPool = new URL('../../dist/util/worker-pool.js', import.meta.url).href
afterEach(async () => {
  vi.useRealTimers()
  await pool?.close()
  pool = undefined
})

describe('WorkerPool', () => {
  it('answers tasks in worker threads, with the value the worker sends', async () => {
    pool = new WorkerPool({ entry })
    const answer = await pool.run({ kind: 'echo', value: 'hallo' })
    expect(answer.echo).toBe('hallo')
    expect(answer.threadId).toBeGreaterThan(0)
    expect(pool.pending).toBe(0)
  })

  it('runs at most `size` tasks at once, the rest in order, while the event loop stays free', async () => {
    pool = new WorkerPool({ entry, size: 2 })
    const probe = startLoopProbe()
    const started = performance.now()
    const answers = await Promise.all([300, 300, 300, 300].map((ms) => pool!.run({ kind: 'spin', ms })))
    const elapsed = performance.now() - started
    const delay = probe.stop()
    expect(answers.map((a) => a.spun)).toEqual([300, 300, 300, 300])
    expect(new Set(answers.map((a) => a.threadId)).size).toBe(2)
    // Two at a time: at least two rounds of 300 ms.
    expect(elapsed).toBeGreaterThanOrEqual(590)
    // 1.2 s of work, none of it on this thread (the margin is for a loaded machine).
    expect(delay).toBeLessThan(100)
  })

  it('takes the workers its caller started before it starts any, and replaces one that stopped meanwhile', async () => {
    const early = [new Worker(entry), new Worker(entry)]
    await early[1]!.terminate()
    pool = new WorkerPool({ entry, size: 2, started: early })
    const ids = new Set((await Promise.all([300, 300].map((ms) => pool!.run({ kind: 'spin', ms })))).map((answer) => answer.threadId))
    // The live one answers; the stopped one (threadId -1 once it exited) is replaced by a new worker, not handed a task it would never answer.
    expect(ids.has(early[0]!.threadId)).toBe(true)
    expect(ids.size).toBe(2)
    await pool.close()
    pool = undefined
    // Closed, the pool stops the workers it was given, taken or not.
    expect(early[0]!.threadId).toBe(-1)
  })

  it('runs on `sizeAtFirst` workers until widen(), then on `size`, started at once when eager', async () => {
    const early = [new Worker(entry)]
    pool = new WorkerPool({ entry, size: 2, sizeAtFirst: 1, started: early })
    pool.start()
    const first = await Promise.all([200, 200].map((ms) => pool!.run({ kind: 'spin', ms })))
    // One at a time on the worker its caller started: no second thread exists yet.
    expect(first.map((answer) => answer.threadId)).toEqual([early[0]!.threadId, early[0]!.threadId])
    pool.widen(true)
    // Long enough for the second to load on a loaded machine (300 ms was not, on 2 cores at a load of 7): it takes the second task once ready.
    const second = await Promise.all([1500, 1500].map((ms) => pool!.run({ kind: 'spin', ms })))
    expect(new Set(second.map((answer) => answer.threadId)).size).toBe(2)
    expect(second.map((answer) => answer.threadId)).toContain(early[0]!.threadId)
  })

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

  it('starts another worker when a task finds every one busy, and gives it tasks only once it is ready: the task goes to whichever is free first', async () => {
    const early = [new Worker(entry)]
    // Workers the pool starts take 1.5 s to load; the caller's is loaded.
    pool = new WorkerPool({ entry, size: 2, sizeAtFirst: 1, started: early, workerData: { loadMs: 1500 } })
    pool.start()
    pool.widen(false)
    const before = await pool.run({ kind: 'echo', value: 'a' })
    const running = pool.run({ kind: 'spin', ms: 300 })
    const started = performance.now()
    // Waits behind the spin: a second worker starts, but the first, free again after 300 ms, takes it.
    const queued = await pool.run({ kind: 'echo', value: 'b' })
    expect(queued.threadId).toBe(before.threadId)
    expect(performance.now() - started).toBeLessThan(1400)
    await running
    // Once loaded, the second takes tasks beside the first.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const pair = await Promise.all([300, 300].map((ms) => pool!.run({ kind: 'spin', ms })))
    expect(new Set(pair.map((answer) => answer.threadId)).size).toBe(2)
  })

  it('starts no worker beside a busy one until a task waits, and none again once one could not load, said once: the tasks run on the first', async () => {
    const starts: number[] = []
    const count = (worker: Worker) => void starts.push(worker.threadId)
    const failures: string[] = []
    process.on('worker', count)
    try {
      const early = [new Worker(entry)]
      pool = new WorkerPool({ entry, size: 2, sizeAtFirst: 1, started: early, workerData: { failToLoad: true }, onSpareFailed: (error) => void failures.push(error.message) })
      pool.start()
      pool.widen(false)
      await pool.run({ kind: 'spin', ms: 50 })
      // One at a time: nothing waited, so nothing else started.
      expect(starts).toHaveLength(1)
      const answers = await Promise.all([200, 200, 200, 200].map((ms) => pool!.run({ kind: 'spin', ms })))
      expect(new Set(answers.map((answer) => answer.threadId))).toEqual(new Set([early[0]!.threadId]))
      // One tried beside it, which could not load; none after it (no start after start while tasks wait).
      expect(starts).toHaveLength(2)
      expect(failures).toEqual(['cannot load'])
      // Not said again when the pool closes.
      await pool.close()
      pool = undefined
      expect(failures).toEqual(['cannot load'])
    } finally {
      process.off('worker', count)
    }
  })

  it('stops the workers its caller started when it is closed before it took them', async () => {
    const early = [new Worker(entry)]
    pool = new WorkerPool({ entry, started: early })
    await pool.close()
    pool = undefined
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(early[0]!.threadId).toBe(-1)
  })

  it('rejects a task that runs past its time limit, stops its worker, and runs the next task in a new one', async () => {
    pool = new WorkerPool({ entry, size: 1 })
    const first = await pool.run({ kind: 'echo', value: 'a' })
    const slow = pool.run({ kind: 'spin', ms: 5000 }, 200)
    const next = pool.run({ kind: 'echo', value: 'b' })
    await expect(slow).rejects.toThrow(new WorkerTimeoutError(200))
    await expect(slow).rejects.toBeInstanceOf(WorkerTimeoutError)
    const second = await next
    expect(second.echo).toBe('b')
    expect(second.threadId).not.toBe(first.threadId)
  })

  it("rejects with the worker's message when a task fails, and replaces a worker that exits", async () => {
    pool = new WorkerPool({ entry, size: 1 })
    await expect(pool.run({ kind: 'fail' })).rejects.toThrow('kaputt')
    await expect(pool.run({ kind: 'exit' })).rejects.toThrow('worker stopped with exit code 3')
    expect((await pool.run({ kind: 'echo', value: 'weiter' })).echo).toBe('weiter')
  })

  /** A pool of `size` whose workers start until threadsGone(), when `new Worker` throws as Node 20 does with no thread left. */
  function untilThreadsGone(size: number) {
    let threads = true
    const failures: string[] = []
    const entryUntilGone = () => {
      if (!threads) throw new Error('Worker initialization failure: EAGAIN')
      return entry
    }
    const made = new WorkerPool<Request, Answer>({ entry: entryUntilGone, size, onSpareFailed: (error) => void failures.push(error.message) })
    pool = made
    return { pool: made, failures, threadsGone: () => void (threads = false), threadsBack: () => void (threads = true) }
  }

  it('fails its tasks with WorkerStartError when no thread can be made (new Worker throws: EAGAIN), and ends no process', async () => {
    // What Node 20 throws at once, in `new Worker`, when the host's limit of threads is reached.
    const eagain = () => {
      throw Object.assign(new Error('Worker initialization failure: EAGAIN'), { code: 'ERR_WORKER_INIT_FAILED' })
    }
    pool = new WorkerPool({ entry: eagain, size: 1 })
    const failed = pool.run({ kind: 'echo', value: 'a' })
    await expect(failed).rejects.toBeInstanceOf(WorkerStartError)
    await expect(failed).rejects.toThrow('cannot start a worker: Worker initialization failure: EAGAIN')
    expect(pool.pending).toBe(0)
  })

  it('replaces a worker stopped by its time limit when no thread can be made: the waiting task fails, the process lives on', async () => {
    const { pool, failures, threadsGone, threadsBack } = untilThreadsGone(1)
    await pool.run({ kind: 'echo', value: 'a' })
    threadsGone()
    // Before: the replacement's start threw in the time limit's timer, and the process ended (an uncaught exception).
    const slow = pool.run({ kind: 'spin', ms: 3000 }, 200)
    const next = pool.run({ kind: 'echo', value: 'b' })
    await expect(slow).rejects.toBeInstanceOf(WorkerTimeoutError)
    await expect(next).rejects.toBeInstanceOf(WorkerStartError)
    expect(pool.startFailure?.message).toBe('cannot start a worker: Worker initialization failure: EAGAIN')
    // Threads again: no start until the pause after the failed one is over (1 s), then one, and tasks run there.
    threadsBack()
    await expect(pool.run({ kind: 'echo', value: 'c' })).rejects.toBeInstanceOf(WorkerStartError)
    await vi.waitFor(() => expect(pool.startFailure).toBeUndefined(), { timeout: 5000 })
    expect((await pool.run({ kind: 'echo', value: 'c' })).echo).toBe('c')
    expect(failures).toEqual([])
  })

  it('lets a task wait for the busy worker when a second cannot be made, and says so once', async () => {
    const { pool, failures, threadsGone } = untilThreadsGone(2)
    await pool.run({ kind: 'echo', value: 'a' })
    threadsGone()
    const answers = await Promise.all([pool.run({ kind: 'spin', ms: 300 }), pool.run({ kind: 'echo', value: 'b' })])
    expect(answers[1].echo).toBe('b')
    expect(failures).toEqual(['Worker initialization failure: EAGAIN'])
  })

  it('does not take a spare whose module could not load for a pool whose workers cannot start, once the worker beside it ended', async () => {
    const spares: string[] = []
    pool = new WorkerPool<Request, Answer>({ entry, size: 2, onSpareFailed: (error) => void spares.push(error.message) })
    await pool.run({ kind: 'echo', value: 'a' })
    // Workers started from now on cannot load: a spare started as two tasks wait fails after the first worker answered both.
    pool.notify({}, { failToLoad: true })
    await Promise.all([pool.run({ kind: 'echo', value: 'b' }), pool.run({ kind: 'echo', value: 'c' })])
    await vi.waitFor(() => expect(spares).toEqual(['cannot load']), { timeout: 5000 })
    // The one worker ends on a task.
    await expect(pool.run({ kind: 'exit' })).rejects.toThrow('worker stopped with exit code 3')
    // Before: 'cannot start a worker: cannot load' (so /healthz answered 503) until a task came, though no worker the
    // pool needed had failed to start: the spare's failure is onSpareFailed's.
    expect(pool.startFailure).toBeUndefined()
  })

  it('tells a worker that could not start (WorkerStartError, startFailure) from one that ended on a task, until one starts', async () => {
    pool = new WorkerPool({ entry, size: 1, workerData: { failToLoad: true } })
    const failed = pool.run({ kind: 'echo', value: 'a' })
    await expect(failed).rejects.toBeInstanceOf(WorkerStartError)
    await expect(failed).rejects.toThrow('cannot start a worker: cannot load')
    expect(pool.startFailure?.message).toBe('cannot start a worker: cannot load')
    // Workers that load again (workerData given to those started from now on), once the pause after the failed start is
    // over (1 s): one that ends on its task did start.
    pool.notify({}, {})
    await vi.waitFor(() => expect(pool!.startFailure).toBeUndefined(), { timeout: 5000 })
    const ended = pool.run({ kind: 'exit' })
    await expect(ended).rejects.toThrow('worker stopped with exit code 3')
    await expect(ended).rejects.not.toBeInstanceOf(WorkerStartError)
    expect(pool.startFailure).toBeUndefined()
  })

  it('starts no worker for 1 s after one could not start, failing its tasks at once, then one to try, 2 s after that one failed too; one that loads is used as before', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    let starts = 0
    const started: string[] = []
    const counted = () => ((starts += 1), entry)
    pool = new WorkerPool<Request, Answer>({ entry: counted, size: 2, workerData: { failToLoad: true }, onStarted: () => void started.push('started') })
    await expect(pool.run({ kind: 'echo', value: 'a' })).rejects.toThrow('cannot start a worker: cannot load')
    // Before: each task started a worker of its own (the render pool's 200 bodies made 401 starts in 52 s).
    const outcomes = await Promise.allSettled(Array.from({ length: 200 }, (_, n) => pool!.run({ kind: 'echo', value: String(n) })))
    expect(outcomes.filter((outcome) => outcome.status === 'rejected' && outcome.reason instanceof WorkerStartError)).toHaveLength(200)
    expect(starts).toBe(1)
    vi.advanceTimersByTime(999)
    expect(starts).toBe(1)
    // The pause is over: one worker is started to try, by itself; a task waits for it, and fails with it.
    vi.advanceTimersByTime(1)
    expect(starts).toBe(2)
    await expect(pool.run({ kind: 'echo', value: 'b' })).rejects.toBeInstanceOf(WorkerStartError)
    // Failed again: 2 s now. Workers started from then on load.
    pool.notify({}, {})
    vi.advanceTimersByTime(1999)
    await expect(pool.run({ kind: 'echo', value: 'c' })).rejects.toBeInstanceOf(WorkerStartError)
    expect([starts, started]).toEqual([2, []])
    vi.advanceTimersByTime(1)
    expect(starts).toBe(3)
    expect((await pool.run({ kind: 'echo', value: 'd' })).echo).toBe('d')
    expect([pool.startFailure, started]).toEqual([undefined, ['started']])
    // As before the failures: a second worker is started when a task finds the first busy.
    await Promise.all([300, 300].map((ms) => pool!.run({ kind: 'spin', ms })))
    expect(starts).toBe(4)
  })

  it('takes three workers in a row that end on their first task for broken workers (WorkerEndsError): paused and probed as after a failed start, working again once the probe answers its check', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    let starts = 0
    const started: string[] = []
    pool = new WorkerPool<Request, Answer>({ entry: () => ((starts += 1), entry), size: 1, check: { kind: 'echo', value: 'check' }, onStarted: () => void started.push('started') })
    // Two that end on their first task are the tasks' doing (a hostile body ends two: its HTML, its plain text).
    for (const _ of [1, 2]) await expect(pool.run({ kind: 'exit' })).rejects.toThrow(new Error('worker stopped with exit code 3'))
    expect(pool.startFailure).toBeUndefined()
    // The third: the workers are broken, that task fails as the next ones do, at once, and none is started for 1 s.
    const third = pool.run({ kind: 'exit' })
    await expect(third).rejects.toBeInstanceOf(WorkerEndsError)
    await expect(third).rejects.toThrow('every worker ends on its first task (worker stopped with exit code 3)')
    await expect(pool.run({ kind: 'echo', value: 'a' })).rejects.toBeInstanceOf(WorkerEndsError)
    expect(starts).toBe(3)
    // The probe loads: not enough. It answers the check, given it before any task: workers work again.
    vi.advanceTimersByTime(1000)
    expect(starts).toBe(4)
    await vi.waitFor(() => expect(pool!.startFailure).toBeUndefined(), { timeout: 5000 })
    expect(started).toEqual(['started'])
    expect((await pool.run({ kind: 'echo', value: 'b' })).echo).toBe('b')
    expect(starts).toBe(4)
  })

  it('keeps a worker that loaded but has not answered its check from clearing WorkerEndsError, and pauses twice as long when the probe ends on it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    let starts = 0
    pool = new WorkerPool<Request, Answer>({ entry: () => ((starts += 1), entry), size: 1, check: { kind: 'exit' } })
    for (const _ of [1, 2, 3]) await pool.run({ kind: 'exit' }).catch(() => undefined)
    vi.advanceTimersByTime(1000)
    // The probe is loaded (it answers nothing: its check ends it), and the pool still says why no worker can run a task.
    await expect(pool.run({ kind: 'echo', value: 'a' })).rejects.toBeInstanceOf(WorkerEndsError)
    expect([starts, pool.startFailure?.message]).toEqual([4, 'every worker ends on its first task (worker stopped with exit code 3)'])
    vi.advanceTimersByTime(1999)
    expect(starts).toBe(4)
    vi.advanceTimersByTime(1)
    expect(starts).toBe(5)
  })

  it('starts a second worker beside the first again once workers start after a time none could, though one failed as a spare then', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    let starts = 0
    const spares: string[] = []
    pool = new WorkerPool<Request, Answer>({ entry: () => ((starts += 1), entry), size: 2, workerData: { failToLoad: true }, onSpareFailed: (error) => void spares.push(error.message) })
    // Two tasks at once: the first worker and a spare beside it, both failing.
    const failed = await Promise.allSettled([pool.run({ kind: 'echo', value: 'a' }), pool.run({ kind: 'echo', value: 'b' })])
    expect([failed.map((outcome) => outcome.status), starts, spares]).toEqual([['rejected', 'rejected'], 2, ['cannot load']])
    pool.notify({}, {})
    vi.advanceTimersByTime(1000)
    expect((await pool.run({ kind: 'echo', value: 'c' })).echo).toBe('c')
    // Before: none was started beside the first again, and the pool rendered on one until the process ended.
    await Promise.all([300, 300].map((ms) => pool!.run({ kind: 'spin', ms })))
    expect(starts).toBe(4)
  })

  it('pauses its starts after `new Worker` throws (EAGAIN) as after a worker that cannot load', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { pool, threadsGone, threadsBack } = untilThreadsGone(1)
    threadsGone()
    await expect(pool.run({ kind: 'echo', value: 'a' })).rejects.toBeInstanceOf(WorkerStartError)
    threadsBack()
    await expect(pool.run({ kind: 'echo', value: 'b' })).rejects.toThrow('cannot start a worker: Worker initialization failure: EAGAIN')
    vi.advanceTimersByTime(1000)
    expect((await pool.run({ kind: 'echo', value: 'c' })).echo).toBe('c')
    expect(pool.startFailure).toBeUndefined()
  })

  it('keeps the pace of its pauses when workers fail again soon after they worked again, so that a flapping start is not recovered from every second; afresh after a minute', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    let threads = true
    let starts = 0
    const made = () => {
      starts += 1
      if (!threads) throw new Error('Worker initialization failure: EAGAIN')
      return entry
    }
    let now = 0
    pool = new WorkerPool<Request, Answer>({ entry: made, size: 1, now: () => now })
    const pauses: number[] = []
    for (let round = 0; round < 5; round++) {
      // A worker that works (from the second round on, the probe), then ends; no thread for the next, then threads again.
      expect((await pool.run({ kind: 'echo', value: String(round) })).echo).toBe(String(round))
      // The fifth: workers that worked for a minute since they recovered, whose next failed start is paused 1 s again.
      if (round === 4) now += 60_000
      await expect(pool.run({ kind: 'exit' })).rejects.toThrow('worker stopped with exit code 3')
      threads = false
      await expect(pool.run({ kind: 'echo', value: 'b' })).rejects.toBeInstanceOf(WorkerStartError)
      threads = true
      const before = starts
      let waited = 0
      while (starts === before) {
        vi.advanceTimersByTime(250)
        waited += 250
      }
      pauses.push(waited)
    }
    // Before: 1 s each time (the pace started again at each recovery), and each recovery rendered everything again and
    // purged the CDN (Renderer.onRecovered), about every 2 s while the start flapped.
    expect(pauses).toEqual([1000, 2000, 4000, 8000, 1000])
  })

  it('rejects what waits when it is closed, and every task after', async () => {
    pool = new WorkerPool({ entry, size: 1 })
    const outcomes = Promise.allSettled([pool.run({ kind: 'spin', ms: 2000 }), pool.run({ kind: 'echo', value: 'x' })])
    await pool.close()
    expect((await outcomes).map((outcome) => outcome.status === 'rejected' && (outcome.reason as Error).message)).toEqual([
      'worker pool closed',
      'worker pool closed',
    ])
    await expect(pool.run({ kind: 'echo', value: 'y' })).rejects.toThrow('worker pool closed')
  })

  it('keeps no process alive when idle, and keeps it alive while a task runs', () => {
    const result = runAlone(`
      import { WorkerPool } from ${JSON.stringify(builtPool)}
      const pool = new WorkerPool({ entry: new URL(${JSON.stringify(entry.href)}) })
      pool.run({ kind: 'spin', ms: 300 }).then((answer) => console.log('answered', answer.spun))
    `)
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe('answered 300\n')
    expect(result.status).toBe(0)
    // Well inside the spawn timeout: an idle pool must not hold the process open.
    expect(result.ms).toBeLessThan(5_000)
  })

  it('keeps no process alive once idle when a worker it started beside another became ready without ever taking a task', () => {
    const result = runAlone(`
      import { Worker } from 'node:worker_threads'
      import { WorkerPool } from ${JSON.stringify(builtPool)}
      const entry = new URL(${JSON.stringify(entry.href)})
      const early = new Worker(entry)
      early.unref()
      await new Promise((resolve) => early.once('message', resolve))
      // Workers the pool starts take 500 ms to load: the second task starts one, but the first worker, free again after
      // 50 ms, takes it; the new one becomes ready with nothing to do (a listener added to a worker refs it again).
      const pool = new WorkerPool({ entry, size: 2, started: [early], workerData: { loadMs: 500 } })
      const answers = await Promise.all([pool.run({ kind: 'spin', ms: 50 }), pool.run({ kind: 'echo', value: 'b' })])
      console.log('answered', answers.length)
    `)
    expect(result.stdout).toBe('answered 2\n')
    expect([result.status, result.signal]).toEqual([0, null])
    expect(result.ms).toBeLessThan(5_000)
  })

  it('gives a waiting task a new worker at once when its only ready worker is stopped while the other still loads', async () => {
    const early = new Worker(entry)
    await new Promise((resolve) => early.once('message', resolve))
    // A worker the pool starts never finishes loading here (a hung module load: 60 s).
    pool = new WorkerPool({ entry, size: 3, started: [early], workerData: { loadMs: 60_000 } })
    const first = pool.run({ kind: 'spin', ms: 5000 }, 300)
    // Waits: a spare starts beside the busy worker, which its time limit then stops.
    const second = pool.run({ kind: 'spin', ms: 10 }, 1000)
    await expect(first).rejects.toThrow(new WorkerTimeoutError(300))
    // No ready worker left: one started in its place is given the task (its time limit runs from then), not left waiting for the spare.
    await expect(second).rejects.toThrow(new WorkerTimeoutError(1000))
    expect(pool.pending).toBe(0)
  })
})
