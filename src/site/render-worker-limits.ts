import type { ResourceLimits } from 'node:worker_threads'

/**
 * The heap a render worker may hold (worker_threads' resourceLimits). A body
 * that runs away ends its worker (ERR_WORKER_OUT_OF_MEMORY): it is published
 * as plain text (bodyOrPlainText) and another worker takes its place, rather
 * than the worker taking the machine's memory (V8's own limit is a quarter of
 * it up to 4 GB, for each worker: 16 padded tables, 25 KB, took 1 GB).
 * Measured, the smallest limit a worker answers under (Node 20): 2 MiB bodies
 * of prose 44 MB, of links 72 MB, nested tags 128 MB, a list of links or a
 * 20-column table 144 MB, runs of `**_` (the slowest Markdown found) 504 MB;
 * an RSS feed of 50 items of 2 MiB bodies 215 MB. The margin is wide on
 * purpose: a worker that reaches the limit while it makes one long string (a
 * feed's text) can end the whole process instead (nodejs/node#47224; the feed
 * above under 207 MB did; so did, on Node 24 in CI, a 2 MiB list of links
 * under 48 MB: its test was removed, as it could end the test run). Here,
 * importing nothing: early-workers.ts starts
 * a worker with it before the service's other modules are evaluated.
 */
export const RENDER_WORKER_LIMITS: ResourceLimits = Object.freeze({ maxOldGenerationSizeMb: 1024 })
