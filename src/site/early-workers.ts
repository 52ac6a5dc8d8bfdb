import { Worker } from 'node:worker_threads'
import type { RenderWorkerData } from './render-request.js'

/**
 * The render pool's size in the service (createRenderPool's default), and
 * below its workers' priority until the service serves (the process's own:
 * main.ts, lowPriority 'once serving'), written again rather than imported:
 * this module runs before any other of the service (launch.ts), so it
 * imports nothing whose evaluation could delay the workers.
 */
const RENDER_WORKERS = 2

/**
 * The service's render workers, started as this module is evaluated. launch.ts
 * (dist/main.js) imports it before the service, so each worker loads its modules (~0.35 s)
 * while the main thread still compiles and evaluates its own (~0.4 s), rather
 * than after (issue 14: `npm start` to the first feed). The render pool takes
 * them over (createRenderPool's `started`); one that fails to load has exited
 * by then and is replaced by the pool, which reports the error.
 */
export const earlyRenderWorkers: readonly Worker[] = Array.from({ length: RENDER_WORKERS }, () => {
  const worker = new Worker(new URL('./render-worker.js', import.meta.url), { workerData: { lowPriority: false } satisfies RenderWorkerData })
  worker.unref()
  worker.on('error', () => {})
  return worker
})
