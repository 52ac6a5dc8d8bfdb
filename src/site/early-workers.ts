import { Worker } from 'node:worker_threads'
import type { RenderWorkerData } from './render-request.js'
import { RENDER_WORKER_LIMITS } from './render-worker-limits.js'

/**
 * How many render workers start here: one, at the process's priority (main.ts,
 * lowPriority 'once serving'), written here rather than imported: this module
 * runs before any other of the service (launch.ts), so it imports nothing
 * whose evaluation could delay the workers. The pool renders the first site on
 * it, and once the service serves starts a second the first time a task finds
 * it busy (main.ts, oneUntilServing): a second heap of ~20 MB at a restart's
 * peak of memory, for no earlier feed (issue 14).
 */
const STARTED_EARLY = 1

/**
 * The service's render workers, started as this module is evaluated. launch.ts
 * (dist/main.js) imports it before the service, so each worker loads its modules (~0.35 s)
 * while the main thread still compiles and evaluates its own (~0.4 s), rather
 * than after (issue 14: `npm start` to the first feed). The render pool takes
 * them over (createRenderPool's `started`); one that fails to load has exited
 * by then and is replaced by the pool, which reports the error.
 */
export const earlyRenderWorkers: readonly Worker[] = Array.from({ length: STARTED_EARLY }).flatMap(() => {
  let worker: Worker
  try {
    worker = new Worker(new URL('./render-worker.js', import.meta.url), {
      workerData: { lowPriority: false } satisfies RenderWorkerData,
      resourceLimits: RENDER_WORKER_LIMITS,
    })
  } catch {
    // No thread could be made (EAGAIN: a host's limit of threads), thrown here as dist/main.js loaded, and the service
    // did not start. Now the pool tries one itself, and renders in the main thread meanwhile, saying why (/healthz).
    return []
  }
  worker.unref()
  worker.on('error', () => {})
  return [worker]
})
