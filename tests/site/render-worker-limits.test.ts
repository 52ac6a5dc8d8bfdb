/**
 * The render workers' heap limit (site/render-worker-limits.ts): every worker
 * that renders bodies starts with it, the one main.ts starts before its own
 * modules too, so that one runaway body ends its worker, not the machine's memory.
 */
import type { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import type { RenderPool } from '../../src/site/render-pool.js'
import { RENDER_WORKER_LIMITS } from '../../src/site/render-worker-limits.js'
import { builtRenderPool } from '../helpers/render-pool.js'

let pool: RenderPool | undefined
const limits: (number | undefined)[] = []
// Read as the worker starts ('worker' follows its constructor): once it has ended, it has none.
const seen = (worker: Worker): void => void limits.push(worker.resourceLimits?.maxOldGenerationSizeMb)

afterEach(async () => {
  process.off('worker', seen)
  limits.length = 0
  await pool?.close()
  pool = undefined
})

describe('RENDER_WORKER_LIMITS', () => {
  it('is a heap of 1024 MB, twice what the slowest 2 MiB body found needs (504 MB)', () => {
    expect(RENDER_WORKER_LIMITS).toEqual({ maxOldGenerationSizeMb: 1024 })
  })

  it('is what the render pool starts each of its workers with', async () => {
    process.on('worker', seen)
    pool = builtRenderPool({ size: 2, eager: true })
    expect(await pool.body('Eins.', 'https://www.example.de/a.html', 'https://www.example.de/')).toMatchObject({ html: '<p>Eins.</p>' })
    expect(limits).toEqual([1024, 1024])
  })

  it('is what the worker started before the service’s modules starts with (site/early-workers.ts)', async () => {
    // From src/ its worker's module is not there: it ends soon (its error heard by the module), and then has no limits to read.
    const { earlyRenderWorkers } = await import('../../src/site/early-workers.js')
    expect(earlyRenderWorkers.map((worker) => worker.resourceLimits?.maxOldGenerationSizeMb)).toEqual([1024])
  })
})
