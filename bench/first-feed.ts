/**
 * Issue 14's first row: the time from spawning `npm start` (and `node
 * dist/main.js`) until GET /wirtschaft/feed.xml answers 200, over the
 * bundled articles, site.yaml and media of the repository, with the service's
 * defaults (its metrics listener on, on a free port here). Part of `npm run
 * bench` (bench/run.ts).
 *
 * Each round starts every variant once, in turn, fresh; the table gives the
 * median over the rounds, and beside it the CPU (user + system) the started
 * process tree had used by then: on a shared machine the wall time depends
 * on the neighbours, the CPU far less. BENCH_BEFORE (another build's
 * dist/main.js, e.g. the one before a change) is started the same way in
 * the same rounds, from this repository's folder, so it serves the same
 * articles. Each build restarts with its own STATE_DIR, warmed by one start
 * that is not counted.
 *
 * Options: BENCH_START_ROUNDS (default 7; 0 skips the row), BENCH_MAIN (the
 * build measured; default dist/main.js), BENCH_BEFORE (none by default).
 */
import { owned, removeFolder, tempFolder, untilServing } from './children.js'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../tests/helpers/free-port.js'
import { SERVICE_NODE_ENV, serviceArgs, serviceCommand } from './service-flags.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const FEED = '/wirtschaft/feed.xml'
/** The site's address in every start here: the feeds' links, not where they are fetched. */
const SITE_URL = 'http://127.0.0.1:8080/'

export interface FirstFeedOptions {
  readonly rounds: number
  /** The service's entry point measured. */
  readonly main: string
  /** Another build's entry point, measured beside it. */
  readonly before: string | undefined
}

/** BENCH_START_ROUNDS, BENCH_MAIN and BENCH_BEFORE, with their defaults. */
export function firstFeedOptions(env: NodeJS.ProcessEnv): FirstFeedOptions {
  return {
    rounds: Number(env.BENCH_START_ROUNDS ?? 7),
    main: path.resolve(env.BENCH_MAIN ?? path.join(ROOT, 'dist/main.js')),
    before: env.BENCH_BEFORE ? path.resolve(env.BENCH_BEFORE) : undefined,
  }
}

/** The peak resident memory of process `pid` so far (VmHWM), MB. */
export const peakRss = (pid: number | undefined): number => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024

/** Milliseconds of CPU (user + system, ended children included) used by `pid` and every process under it. */
function treeCpuMs(pid: number): number {
  let fields: string[]
  try {
    fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  } catch {
    return 0
  }
  // utime, stime, cutime, cstime: fields 14-17 of proc(5), in clock ticks of 1/100 s.
  let ms = [11, 12, 13, 14].reduce((sum, field) => sum + Number(fields[field] ?? 0) * 10, 0)
  const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
  for (const child of children.split(' ').filter(Boolean)) ms += treeCpuMs(Number(child))
  return ms
}

/** Where and how firstFeed starts a build. */
export interface StartOptions {
  /** The articles (default: the bundled ones). */
  readonly articlesDir?: string | undefined
  /** Added to the service's environment. */
  readonly env?: Record<string, string>
  /** How long after the first feed its peak RSS is read (VmHWM of the process started: `node`, not `npm`); none without. */
  readonly settleMs?: number
}

/**
 * Starts `command` in a process group of its own, waits for the first feed (and `settleMs`), then ends the group:
 * the time to the first feed, the CPU used by then, and the peak RSS `settleMs` later.
 */
export async function firstFeed(command: string, args: readonly string[], stateDir: string, { articlesDir, env: extraEnv = {}, settleMs }: StartOptions = {}): Promise<{ wallMs: number; cpuMs: number; peakMb?: number }> {
  const port = await freePort()
  const metrics = await freePort()
  const base = `http://127.0.0.1:${port}`
  // One SITE_URL whatever the port: the index snapshot holds for one SITE_URL, and with the port in it every start
  // here read and parsed every file (50,000: 5.6-6.9 s where a restart takes 1.6-2).
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...SERVICE_NODE_ENV, PORT: String(port), HOST: '127.0.0.1', SITE_URL, METRICS_PORT: String(metrics), STATE_DIR: stateDir, ...(articlesDir ? { ARTICLES_DIR: articlesDir } : {}), ...extraEnv }
  const started = performance.now()
  const child = owned(spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'], detached: true }), true)
  const pid = child.pid as number
  try {
    await untilServing(child, `${base}${FEED}`, 'serving ', `${command} ${args.join(' ')}`)
    const figures = { wallMs: performance.now() - started, cpuMs: treeCpuMs(pid) }
    if (settleMs === undefined) return figures
    await new Promise((resolve) => setTimeout(resolve, settleMs))
    return { ...figures, peakMb: peakRss(pid) }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    if (child.exitCode === null) process.kill(-pid, 'SIGTERM')
    await exited
  }
}

/** What each start took (firstFeed), one entry a round; `peak` with settleMs. */
export interface StartFigures {
  readonly wall: number[]
  readonly cpu: number[]
  readonly peak: number[]
}

/**
 * Each command (a build) started once unmeasured, then once a round in turn
 * (firstFeed, with `options`): a restart, each build with its own STATE_DIR under `states`,
 * holding the index snapshot the unmeasured start left (in one shared folder
 * every build would find the other's snapshot, and parse every file again).
 * Every other round takes them in the reverse order, so that none always
 * comes right after the same one.
 */
export async function startsInTurn(commands: readonly (readonly [string, readonly string[]])[], rounds: number, states: string, options: StartOptions = {}): Promise<StartFigures[]> {
  const figures = commands.map((): StartFigures => ({ wall: [], cpu: [], peak: [] }))
  const stateOf = (index: number) => path.join(states, String(index))
  for (const [index, [command, args]] of commands.entries()) await firstFeed(command, args, stateOf(index), { ...options, settleMs: undefined })
  for (let round = 0; round < rounds; round++) {
    const order = [...commands.entries()]
    if (round % 2 === 1) order.reverse()
    for (const [index, [command, args]] of order) {
      const { wallMs, cpuMs, peakMb } = await firstFeed(command, args, stateOf(index), options)
      figures[index]?.wall.push(wallMs)
      figures[index]?.cpu.push(cpuMs)
      if (peakMb !== undefined) figures[index]?.peak.push(peakMb)
    }
  }
  return figures
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

/** Prints the row: `npm start` and `node dist/main.js` to the first feed, and the build before beside them. */
export async function firstFeedBeside(options: FirstFeedOptions): Promise<void> {
  const variants: [string, string, string[]][] = [
    ['`npm start`', 'npm', ['start']],
    [`\`${serviceCommand(path.relative(ROOT, options.main))}\``, process.execPath, serviceArgs(options.main)],
  ]
  if (options.before) variants.push([`before: \`${serviceCommand(options.before)}\``, process.execPath, serviceArgs(options.before)])
  const states = tempFolder('bench-first-feed-')
  let figures: StartFigures[]
  try {
    figures = await startsInTurn(
      variants.map(([, command, args]) => [command, args] as const),
      options.rounds,
      states,
    )
  } finally {
    removeFolder(states)
  }
  console.log('')
  console.log(`| start → first feed, bundled articles (median of ${options.rounds}) | wall | CPU used by then |`)
  console.log('|---|---|---|')
  for (const [index, [name]] of variants.entries()) {
    const { wall, cpu } = figures[index] as { wall: number[]; cpu: number[] }
    console.log(`| ${name} | ${(median(wall) / 1000).toFixed(2)} s (${(Math.min(...wall) / 1000).toFixed(2)}–${(Math.max(...wall) / 1000).toFixed(2)}) | ${(median(cpu) / 1000).toFixed(2)} s |`)
  }
}
