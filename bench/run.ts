/**
 * `npm run bench`: the figures behind the performance claims, each measured
 * side by side in one run (these machines are shared and noisy), never a
 * timed unit test.
 *
 * 1. Throughput of the RSS feed (50 full items) — plain GET, gzip GET and a
 *    304 revalidation — against a bare node:http server answering the same
 *    bytes and headers from memory, at 32 and 256 connections
 *    (bench/throughput.ts says how).
 * 2. Start-up time, peak memory (at the first feed, and 8 s after a restart) and the time for one edit to become visible
 *    in the RSS feed while a client polls it every 5 ms, and the heap held
 *    per article (bench/edits.ts), at 1,000, 10,000 and 50,000 generated articles.
 * 3. The periodic rescan at the same sizes: its time, and the longest pause
 *    it gives requests, beside a synchronous walk over the same files.
 * 4. The static export beside Hugo on the same corpus (bench/export.ts), at
 *    BENCH_EXPORT_SIZES (default 50000; empty skips it).
 * 5. `npm start` and `node dist/main.js` to the first feed over the bundled
 *    articles, beside BENCH_BEFORE (bench/first-feed.ts; BENCH_START_ROUNDS=0 skips it).
 *
 * Options: BENCH_ROUNDS (throughput rounds per row, default 15), BENCH_SECONDS per wrk run (default 1),
 * BENCH_SIZES (default 1000,10000,50000), BENCH_EDITS per size (default 5).
 * BENCH_CONNECTIONS and BENCH_MAIN: bench/throughput.ts. BENCH_BASE: a baseline build's dist/main.js for the start columns and the edits (on the same copy of the corpus).
 * BENCH_ROUNDS=0 skips the throughput part; BENCH_SIZES= (empty) skips the scale part. BENCH_SERVICE_ENV: `KEY=VALUE`
 * words given to every service the scale part starts, this build's and the baseline's (docs/operations.md, memory).
 * BENCH_WARM_ROUNDS: warm restarts of this build and the baseline in turn at each size, to the first feed and the peak RSS
 * 8 s later (default 3; 0 skips them).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { stampArticleFiles } from '../src/content/load-articles.js'
import { freePort } from '../tests/helpers/free-port.js'
import { owned, removeFolder, stopAll, tempFolder, untilServing } from './children.js'
import { exportBeside } from './export.js'
import { firstFeedBeside, firstFeedOptions, median, peakRss, startsInTurn, type StartFigures } from './first-feed.js'
import { BENCH_SERVICE_ENV, SERVICE_NODE_ENV, serviceArgs, serviceCommand } from './service-flags.js'
import { benchCorpus } from './generate-corpus.js'
import { heapPerArticle, measureEdits, type EditFigures } from './edits.js'
import { throughput, throughputOptions } from './throughput.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const MAIN = path.join(ROOT, 'dist/main.js')
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1)
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,50000').split(',').filter(Boolean).map(Number)
const EDITS = Number(process.env.BENCH_EDITS ?? 5)


interface Running {
  readonly child: ChildProcess
  readonly base: string
  stop(): Promise<void>
}

/** Starts the service and waits until it serves `ready` (a URL answering 200) itself (children.ts untilServing). */
async function start(args: string[], env: Record<string, string>, ready: (base: string) => string, port: number): Promise<Running> {
  const base = `http://127.0.0.1:${port}`
  const child = owned(spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...SERVICE_NODE_ENV, ...BENCH_SERVICE_ENV, ...env }, stdio: ['ignore', 'pipe', 'inherit'] }))
  await untilServing(child, ready(base), 'serving ', args.join(' '))
  return {
    child,
    base,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** "median / max ms" of a list of milliseconds. */
const medianMax = (values: number[]) => `${Math.round(median(values))} / ${Math.round(Math.max(...values))} ms`

/** A corpus of `count` articles, generated once and kept between runs. */
const corpus = benchCorpus

/** The baseline build for the start columns (BENCH_BASE, a dist/main.js; default /tmp/base/dist/main.js when there). */
const BASE = process.env.BENCH_BASE ?? (fs.existsSync('/tmp/base/dist/main.js') ? '/tmp/base/dist/main.js' : '')

/** Warm restarts of each build in turn at each size, beside the table's one of each (BENCH_WARM_ROUNDS; 0 skips them). */
const WARM_ROUNDS = Number(process.env.BENCH_WARM_ROUNDS ?? 3)

/** What a restart does in its first seconds after the first feed: the parts loaded after 1 s (main.ts), the index snapshot written after 5 s (ms). */
const SETTLE_MS = 8000

/**
 * Starts `main` until the RSS feed answers, and stops it (once it wrote its index snapshot, with `snapshot`): the seconds it took,
 * its peak RSS then, and (with `settle`) its peak RSS SETTLE_MS later.
 */
async function startOnce(main: string, env: Record<string, string>, port: number, snapshot = false, settle = false): Promise<{ seconds: number; rss: number; settled?: number; rewrote?: boolean }> {
  const [started, since] = [performance.now(), Date.now()]
  const written = () => (env.STATE_DIR ? fs.statSync(path.join(env.STATE_DIR, 'index-snapshot.v8'), { throwIfNoEntry: false })?.mtimeMs : undefined)
  const before = written()
  const service = await start(serviceArgs(main), env, (base) => `${base}/wirtschaft/feed.xml`, port)
  const seconds = (performance.now() - started) / 1000
  const rss = peakRss(service.child.pid)
  if (snapshot && env.STATE_DIR) await snapshotWritten(env.STATE_DIR, since)
  if (settle) await sleep(SETTLE_MS)
  const settled = settle ? peakRss(service.child.pid) : undefined
  // A warm start that wrote the snapshot again (a file it had to read) has the encoding in its peak: 50-70 MB at 50,000 files.
  const rewrote = settle ? written() !== before : undefined
  await service.stop()
  return { seconds, rss, settled, rewrote }
}

/** Waits until the index snapshot under `stateDir` was written after `since` (ms), at most a minute. */
async function snapshotWritten(stateDir: string, since: number): Promise<void> {
  const file = path.join(stateDir, 'index-snapshot.v8')
  for (let waited = 0; waited < 60_000; waited += 100) {
    if ((fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) > since) return
    await sleep(100)
  }
}

async function scale(): Promise<void> {
  console.log('')
  console.log(`Start: cold = no index snapshot in STATE_DIR, warm = the snapshot the cold start left; baseline = ${BASE || 'none (BENCH_BASE)'}, cold, then warm.`)
  console.log('| articles | start to first feed (cold / warm / baseline cold, warm) | peak RSS after start (cold / warm / baseline cold, warm) | peak RSS 8 s after a warm start (this build / baseline) | edit visible (median of ' + EDITS + ') | edit visible (max) | edit sent as Brotli (median / max) | RSS polls every 5 ms meanwhile and 9 s after (the snapshot write) | heap per article after GC (total; with PURGE; baseline) | edit visible, baseline (median / max; as Brotli; slowest poll) |')
  console.log('|---|---|---|---|---|---|---|---|---|---|')
  const inTurn: string[] = []
  for (const count of SIZES) {
    // The edits write to a copy: the corpus is shared, and read-only.
    const dir = tempFolder(`bench-corpus-${count}-`)
    fs.cpSync(corpus(count), dir, { recursive: true })
    // Every file read once first: the first of the three starts must not be the one that fills the page cache.
    for (const file of (await stampArticleFiles(dir)).files.keys()) fs.readFileSync(path.join(dir, file))
    const port = await freePort()
    // A STATE_DIR of its own: the cold start finds no snapshot, the warm one the snapshot it left.
    const stateDir = tempFolder('bench-state-')
    const env = { PORT: String(port), SITE_URL: `http://127.0.0.1:${port}`, ARTICLES_DIR: dir, STATE_DIR: stateDir }
    const started = performance.now()
    const service = await start(serviceArgs(MAIN), env, (base) => `${base}/wirtschaft/feed.xml`, port)
    const startup = performance.now() - started
    let memory = 0
    let edits: EditFigures
    try {
      memory = peakRss(service.child.pid)
      // Settled: the index snapshot written after the load (5 s later; in one go, 0.6–0.75 s of the event loop at 50,000 files before the thirty-first round) is not what the edits measure.
      await snapshotWritten(stateDir, performance.timeOrigin + started)
      edits = await measureEdits(service.base, dir, count, EDITS)
      await snapshotWritten(stateDir, Date.now())
    } finally {
      await service.stop()
    }
    // Before the baseline's edits, which change files of the same copy: after them this build's warm start read those
    // files and wrote its snapshot again within its "8 s later" column, and the baseline's warm start follows no edit.
    const warm = await startOnce(MAIN, env, port, false, true)
    const baseEdits = BASE ? await editsOf(BASE, { ...env, STATE_DIR: tempFolder('bench-state-') }, dir, count) : undefined
    removeFolder(stateDir)
    const baseDir = tempFolder('bench-state-')
    const base = BASE ? await startOnce(BASE, { ...env, STATE_DIR: baseDir }, port, true) : undefined
    const baseWarm = BASE ? await startOnce(BASE, { ...env, STATE_DIR: baseDir }, port, false, true) : undefined
    removeFolder(baseDir)
    const both = (cold: string, warmer: string, baseline: string | undefined) => `${cold} / ${warmer} / ${baseline ?? '–'}`
    const pair = (a: string | undefined, b: string | undefined) => a && `${a}, ${b}`
    const { latencies } = edits
    const held = heapPerArticle(ROOT, dir, count)
    // The baseline's own harness and dist/ (BENCH_BASE is its dist/main.js).
    const baseFigures = BASE ? heapPerArticle(path.resolve(BASE, '../..'), dir, count) : undefined
    const bytes = (value: number | undefined): string => (value === undefined ? '–' : `${Math.round(value)} B`)
    const baseHeld = baseFigures ? `${bytes(baseFigures.bytes)}; with PURGE's key versions +${bytes(baseFigures.keys)}, +${bytes(baseFigures.afterChange)} after a change` : '–'
    if (BASE && WARM_ROUNDS > 0) inTurn.push(await warmInTurn(count, dir))
    removeFolder(dir)
    const baseline = baseEdits ? `${medianMax(baseEdits.latencies)}; ${medianMax(baseEdits.brotli)} (slowest poll ${Math.round(baseEdits.slowestPoll)} ms)` : '–'
    console.log(
      `| ${count.toLocaleString('en')} | ${both(`${(startup / 1000).toFixed(2)} s`, `${warm.seconds.toFixed(2)} s`, pair(base && `${base.seconds.toFixed(2)} s`, baseWarm && `${baseWarm.seconds.toFixed(2)} s`))} | ${both(`${Math.round(memory)} MB`, `${Math.round(warm.rss)} MB`, pair(base && `${Math.round(base.rss)} MB`, baseWarm && `${Math.round(baseWarm.rss)} MB`))} | ${settledRss(warm)} / ${baseWarm ? settledRss(baseWarm) : '–'} | ${Math.round(median(latencies))} ms | ${Math.round(Math.max(...latencies))} ms | ${medianMax(edits.brotli)} | ${edits.polls} (slowest ${Math.round(edits.slowestPoll)} ms) | ${Math.round(held.bytes)} B (${Math.round(held.heapMb)} MB), with PURGE's key versions +${bytes(held.keys)}, +${bytes(held.afterChange)} after a change (baseline ${baseHeld}) | ${baseline} |`,
    )
  }
  if (inTurn.length === 0) return
  console.log('')
  console.log(`Warm restarts in turn (each build once unmeasured, then ${WARM_ROUNDS} rounds, every other one in the reverse order): start to first feed and the CPU used by then, and the peak RSS ${SETTLE_MS / 1000} s later; medians (range).`)
  console.log('| articles | this build: first feed | this build: peak RSS | baseline: first feed | baseline: peak RSS | this ÷ baseline (wall; CPU) |')
  console.log('|---|---|---|---|---|---|')
  for (const row of inTurn) console.log(row)
}

/**
 * The row of `count` articles (the copy `dir`) for the warm restarts in turn: the table's warm start is one of each,
 * which at 50,000 differed by -0.14 to +0.28 s between two builds of the same code (seven runs).
 */
async function warmInTurn(count: number, dir: string): Promise<string> {
  const states = tempFolder('bench-warm-')
  try {
    const commands = [MAIN, BASE].map((main) => [process.execPath, serviceArgs(main)] as const)
    const [own, base] = (await startsInTurn(commands, WARM_ROUNDS, states, { articlesDir: dir, env: BENCH_SERVICE_ENV, settleMs: SETTLE_MS })) as [StartFigures, StartFigures]
    const seconds = (ms: number) => (ms / 1000).toFixed(2)
    const range = (values: number[], say: (value: number) => string) => `${say(median(values))} (${say(Math.min(...values))}–${say(Math.max(...values))})`
    const figures = ({ wall, cpu, peak }: StartFigures) => `${range(wall, seconds)} s, CPU ${seconds(median(cpu))} s | ${range(peak, (mb) => String(Math.round(mb)))} MB`
    return `| ${count.toLocaleString('en')} | ${figures(own)} | ${figures(base)} | ${(median(own.wall) / median(base.wall)).toFixed(2)}; ${(median(own.cpu) / median(base.cpu)).toFixed(2)} |`
  } finally {
    removeFolder(states)
  }
}

/** The peak RSS SETTLE_MS after a warm start, marked when that start wrote the index snapshot again. */
const settledRss = (start: { settled?: number; rewrote?: boolean }) => `${Math.round(start.settled ?? 0)} MB${start.rewrote ? ' (snapshot written again)' : ''}`

/** The edit figures of another build (`main`) on the same copy, started and settled as this build's. */
async function editsOf(main: string, env: Record<string, string>, dir: string, count: number): Promise<EditFigures> {
  const started = performance.now()
  const service = await start(serviceArgs(main), env, (base) => `${base}/wirtschaft/feed.xml`, Number(env.PORT))
  try {
    await snapshotWritten(env.STATE_DIR as string, performance.timeOrigin + started)
    return await measureEdits(service.base, dir, count, EDITS)
  } finally {
    await service.stop()
    removeFolder(env.STATE_DIR as string)
  }
}

/** Every `*.md` file under `dir` stat'ed in one go: what a rescan that never yields would cost. */
function statAllAtOnce(dir: string): number {
  let files = 0
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue
      const absolute = path.join(folder, entry.name)
      if (entry.isDirectory()) walk(absolute)
      else if (entry.name.endsWith('.md')) {
        fs.statSync(absolute)
        files += 1
      }
    }
  }
  walk(dir)
  return files
}

async function rescanCost(): Promise<void> {
  console.log('')
  console.log('| articles | rescan (no change) | its longest pause for requests | synchronous walk + stat (blocks throughout) |')
  console.log('|---|---|---|---|')
  for (const count of SIZES) {
    const dir = corpus(count)
    const pauses = monitorEventLoopDelay({ resolution: 1 })
    const times: number[] = []
    const blocked: number[] = []
    let longest = 0
    for (let round = 0; round < 3; round++) {
      let started = performance.now()
      statAllAtOnce(dir)
      blocked.push(performance.now() - started)
      pauses.reset()
      pauses.enable()
      started = performance.now()
      const stamps = await stampArticleFiles(dir)
      times.push(performance.now() - started)
      pauses.disable()
      if (stamps.files.size !== count) throw new Error(`rescan found ${stamps.files.size} files, not ${count}`)
      longest = Math.max(longest, pauses.max / 1e6)
    }
    console.log(
      `| ${count.toLocaleString('en')} | ${Math.round(median(times))} ms | ${longest.toFixed(1)} ms | ${Math.round(median(blocked))} ms |`,
    )
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(MAIN)) throw new Error('dist/main.js is missing: run npm run build')
  const cpus = os.cpus()
  console.log(`machine: ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`)
  // Every BENCH_ variable set, so that the line runs the same bench again.
  const set = Object.entries(process.env).filter(([name]) => name.startsWith('BENCH_')).sort(([a], [b]) => (a < b ? -1 : 1))
  console.log(`command: ${set.map(([name, value]) => `${name}=${/^[\w.,/:=-]*$/.test(value ?? '') ? value : `"${value}"`}`).join(' ')} npm run bench; services run as ${serviceCommand('dist/main.js')}, ${process.version}`)
  console.log('')
  const start = firstFeedOptions(process.env)
  const exportSizes = (process.env.BENCH_EXPORT_SIZES ?? '50000').split(',').filter(Boolean).map(Number)
  // Before minutes of other parts: a tool that is missing is said at once.
  for (const [tool, needed, install] of [['wrk', ROUNDS > 0, 'wrk'], ['hugo', exportSizes.length > 0, 'hugo']] as const) {
    if (needed && spawnSync(tool, ['--version']).error) throw new Error(`${tool} not found: install Debian's ${install} (apt-get install ${install})`)
  }
  if (start.rounds > 0) await firstFeedBeside(start)
  if (ROUNDS > 0) await throughput(throughputOptions(process.env))
  if (SIZES.length > 0) {
    await scale()
    await rescanCost()
  }
  if (exportSizes.length > 0) await exportBeside(exportSizes, corpus)
}

main().catch(async (error: unknown) => {
  console.error(error)
  await stopAll()
  process.exit(1)
})
