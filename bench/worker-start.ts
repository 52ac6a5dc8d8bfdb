/**
 * `npx tsx bench/worker-start.ts` (after `npm run build`): how long starting
 * a render worker holds the event loop, three ways, alternating in one run:
 * - from its file (dist/render-worker.js);
 * - from the module held in memory (util/held-module.ts, as the service
 *   holds it), its `data:` URL made at this start (before the 37th round, at
 *   every start);
 * - from the held module whose URL was made before (from the 37th round, at
 *   every start but the first).
 * Only the synchronous part is counted (`new Worker` returns before the
 * worker loads its module, on its own thread). Each figure is the median of
 * BENCH_WORKER_ROUNDS (default 8) rounds, each worker ended before the next.
 */
import fs from 'node:fs'
import { Worker } from 'node:worker_threads'
import { entryUrl, heldModule } from '../src/util/held-module.js'

const ROUNDS = Number(process.env.BENCH_WORKER_ROUNDS ?? 8)
const file = new URL('../dist/render-worker.js', import.meta.url)
if (!fs.existsSync(file)) throw new Error('no dist/render-worker.js: run `npm run build` first')
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN
const held = () => heldModule(file, (url) => fs.readFileSync(url))
const madeBefore = held()
entryUrl(madeBefore)

/** Each way, prepared before the clock starts (the service reads the file at its start): what gives the URL to start from. */
const ways: Record<string, () => () => URL> = {
  'from the file': () => () => file,
  'held, URL made now': () => {
    const entry = held()
    return () => entryUrl(entry)
  },
  'held, URL made before': () => () => entryUrl(madeBefore),
}
const times: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((way) => [way, []]))
for (let round = 0; round < ROUNDS; round++) {
  for (const [way, prepare] of Object.entries(ways)) {
    const url = prepare()
    const started = performance.now()
    const worker = new Worker(url(), { workerData: { lowPriority: true } })
    times[way]?.push(performance.now() - started)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await worker.terminate()
  }
}
const base = median(times['from the file'] ?? [])
for (const [way, values] of Object.entries(times)) {
  console.log(`${way.padEnd(24)} ${median(values).toFixed(1).padStart(6)} ms (min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)}), ${(median(values) / base).toFixed(1)} times the file's`)
}
