/**
 * Throughput of the RSS feed (50 full items) — plain GET, gzip GET and a 304
 * revalidation — against a bare node:http server (bench/bare-server.mjs)
 * answering the same bytes from memory, at 32 and at 256 connections. Part
 * of `npm run bench` (bench/run.ts); alone: `BENCH_SIZES= npx tsx bench/run.ts`.
 *
 * Same bytes, same headers: the bare server is handed the status, the
 * headers (names as sent) and the body the service sent to each of the
 * three requests, and sends them back with one writeHead and one end, so
 * the two differ only in the work done to choose them. Node adds Date,
 * Connection and Keep-Alive to both. The service runs as `npm start`
 * does, with its metrics listener on (the default; on a free port here)
 * and the access log off (the default).
 *
 * A measurement that decides on a shared 2-core machine: the servers are
 * started fresh, side by side, and measured in many short rounds, one wrk
 * run against each per round, the order rotating (ABAB…, BABA…), so a
 * neighbour's burst lasting seconds hits both of a round about equally.
 * Each round gives one ratio of rates, and one of capacities (what each
 * server would serve with a core to itself: the inverse of its CPU per
 * request, which does not depend on how much of a core the neighbours left
 * it). A row reports the median of each with a 95 % interval of the median
 * and the extremes, and calls the target met only when the capacity ratio's
 * interval lies at or above it, missed only when below, and undecided
 * otherwise. On a quiet machine, where each server has a core, the two
 * ratios agree; on a busy one only the second means anything. Beside them:
 * the CPU each server spent per request (user + system, all threads, /proc schedstat),
 * the share of one core each server was busy (a server that is the limit is
 * near 1.0; far below, something else held it back: wrk, or the neighbours),
 * and wrk's own CPU per request (on 2 cores the load generator needs the
 * other one: when it is near a full core it is the limit of both).
 *
 * Options: BENCH_ROUNDS (rounds per row, default 15), BENCH_SECONDS per wrk
 * run (whole seconds, default 1), BENCH_CONNECTIONS (default 32,256),
 * BENCH_MAIN (the service, default dist/main.js), BENCH_THROUGHPUT_BASE (an
 * older build's dist/main.js, e.g. the one before a change: measured in the
 * same rounds, a third server), BENCH_PIN=1 (wrk on the first core, the
 * servers on the second: the load generator never takes a server's core,
 * but on a busy machine a server then shares one core with the neighbours;
 * off by default, which spread less in trials at load 13–21),
 * BENCH_CONTROL=0 (no control: by default a second bare server is measured
 * in the same rounds, and a row whose control is told apart from the first
 * bare server gets no verdict; at load 24–31 two identical servers were up to
 * 50 % apart for a whole row).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { freePort } from '../tests/helpers/free-port.js'
import { generateCorpus } from './generate-corpus.js'
import { owned, removeFolder, stopRequested, tempFolder, untilServing } from './children.js'
import { SERVICE_NODE_ENV, serviceArgs } from './service-flags.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BARE = path.join(ROOT, 'bench/bare-server.mjs')
const FEED = '/wirtschaft/feed.xml'

export interface ThroughputOptions {
  readonly rounds: number
  readonly seconds: number
  readonly connections: readonly number[]
  /** The service's entry point. */
  readonly main: string
  /** Another build of the service, measured in the same rounds. */
  readonly base: string | undefined
  readonly pin: boolean
  readonly control: boolean
}

/** BENCH_ROUNDS, BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_MAIN, BENCH_THROUGHPUT_BASE, BENCH_PIN and BENCH_CONTROL, with their defaults. */
export function throughputOptions(env: NodeJS.ProcessEnv): ThroughputOptions {
  return {
    rounds: Number(env.BENCH_ROUNDS ?? 15),
    seconds: Math.max(1, Math.round(Number(env.BENCH_SECONDS ?? 1))),
    connections: (env.BENCH_CONNECTIONS ?? '32,256').split(',').filter(Boolean).map(Number),
    main: path.resolve(env.BENCH_MAIN ?? path.join(ROOT, 'dist/main.js')),
    base: env.BENCH_THROUGHPUT_BASE ? path.resolve(env.BENCH_THROUGHPUT_BASE) : undefined,
    pin: env.BENCH_PIN === '1',
    control: env.BENCH_CONTROL !== '0',
  }
}

/** Which cores wrk and the servers run on (taskset -c lists). */
interface Pinning {
  readonly load: string
  readonly servers: string
}

interface Scenario {
  readonly name: string
  readonly headers: Record<string, string>
  readonly target: number
}

interface Answer {
  readonly status: number
  /** As sent, names in the service's spelling; without the ones Node adds to every response. */
  readonly headers: Record<string, string>
  readonly body: Buffer
}

interface Process {
  readonly pid: number
  readonly base: string
  stop(): Promise<void>
}

/**
 * Seconds a process's threads have run so far (user + system): the sum of
 * their /proc schedstat run times, in nanoseconds, where /proc/<pid>/stat
 * counts in clock ticks (10 ms: a tenth of a 1 s run when the neighbours
 * leave a server a tenth of a core).
 */
export function cpuSeconds(pid: number): number {
  let ns = 0
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0])
    } catch {
      // A thread that ended between the listing and the read: its time is gone with it (none of Node's do under load).
    }
  }
  return ns / 1e9
}

/** The kernel's clock ticks per second (getconf CLK_TCK), in which /proc/<pid>/stat counts wrk's CPU time. */
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100

/** Starts `node args…` and waits until `ready` answers 200. */
async function start(args: string[], env: Record<string, string>, port: number, ready: string, pin: Pinning | undefined): Promise<Process> {
  const base = `http://127.0.0.1:${port}`
  const [command, ...rest] = pin ? ['taskset', '-c', pin.servers, process.execPath, ...args] : [process.execPath, ...args]
  const child: ChildProcess = owned(spawn(command as string, rest, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] }))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  // The service says `serving …` once it listens, bare-server.mjs `ready`.
  await untilServing(child, `${base}${ready}`, args[0] === BARE ? 'ready' : 'serving ', args.join(' '))
  return {
    pid: child.pid as number,
    base,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}

/** One request, the body as sent (not decoded) and the headers as spelt. */
function rawGet(url: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => {
          const sent: Record<string, string> = {}
          const raw = response.rawHeaders
          for (let i = 0; i < raw.length; i += 2) {
            const name = raw[i] as string
            if (!/^(date|connection|keep-alive)$/i.test(name)) sent[name] = raw[i + 1] as string
          }
          resolve({ status: response.statusCode ?? 0, headers: sent, body: Buffer.concat(chunks) })
        })
      })
      .on('error', reject)
  })
}

/** What one wrk run measured: its rate, and the CPU it and the server spent (seconds, user + system). */
interface Run {
  readonly rate: number
  readonly requests: number
  readonly wall: number
  readonly serverCpu: number
  readonly wrkCpu: number
}

/**
 * One wrk run against `server`. wrk runs under a shell that prints its own
 * /proc stat after wrk exits: the children's CPU fields then hold wrk's
 * (proc(5): cutime, cstime), so the load generator's cost is measured too.
 */
function measure(server: Process, connections: number, seconds: number, headers: Record<string, string>, pin: Pinning | undefined): Run {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), `${server.base}${FEED}`]
  const wrapped = ['sh', '-c', 'wrk "$@"; status=$?; cat /proc/$$/stat; exit $status', 'sh', ...args]
  const command = pin ? ['taskset', '-c', pin.load, ...wrapped] : wrapped
  const before = cpuSeconds(server.pid)
  const started = performance.now()
  const run = spawnSync(command[0] as string, command.slice(1), { encoding: 'utf8' })
  const wall = (performance.now() - started) / 1000
  const serverCpu = cpuSeconds(server.pid) - before
  if (run.error) throw new Error(`${command[0]} could not start: ${run.error.message}`)
  if (!/Requests\/sec/.test(run.stdout) && /not found/.test(run.stderr)) throw new Error("wrk not found: install Debian's wrk (apt-get install wrk)")
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1]
  const requests = /(\d+) requests in/.exec(run.stdout)?.[1]
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(run.stdout)
  if (!rate || !requests) throw new Error(`wrk printed no rate:\n${run.stdout}${run.stderr}`)
  if (errors) throw new Error(`wrk saw errors: ${errors[0]}`)
  const stat = run.stdout.trim().split('\n').at(-1)?.split(') ')[1]?.split(' ') ?? []
  // cutime and cstime: fields 16 and 17, the 14th and 15th after the command.
  const wrkCpu = (Number(stat[13]) + Number(stat[14])) / CLOCK_TICKS
  return { rate: Number(rate), requests: Number(requests), wall, serverCpu, wrkCpu }
}

/**
 * A free port below 60000, as a deployment's 3000 or 8080: @hono/node-server
 * checks a Host with a higher port by parsing the URL, and the fast path
 * leaves such requests to it (http/exchange.ts), so a port from the top of
 * the ephemeral range would measure the other path.
 */
async function portBelow60000(): Promise<number> {
  for (;;) {
    const port = await freePort()
    if (port < 60000) return port
  }
}

/** The q-quantile of `values`, linearly between the two nearest. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (sorted.length - 1) * q
  const low = sorted[Math.floor(at)] as number
  const high = sorted[Math.ceil(at)] as number
  return low + (high - low) * (at - Math.floor(at))
}
const median = (values: readonly number[]) => quantile(values, 0.5)

/**
 * A distribution-free 95 % confidence interval of the median of `values`:
 * the k-th smallest and k-th largest, k the largest with at most 2.5 % of
 * the binomial(n, ½) below it (n = 15: the 4th and the 12th). Independent
 * rounds are assumed; none for fewer than 6 values.
 */
export function medianInterval(values: readonly number[]): [number, number] | undefined {
  const n = values.length
  let below = 0
  let k = 0
  // P(X < k+1) for X ~ binomial(n, ½), grown one term at a time.
  for (let i = 0, term = 0.5 ** n; i < n; i++, term = (term * (n - i + 1)) / i) {
    if (below + term > 0.025) break
    below += term
    k = i + 1
  }
  if (k === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  return [sorted[k - 1] as number, sorted[n - k] as number]
}

/** Per-round ratios as "median [95 % interval of the median] (min–max)". */
function spread(ratios: readonly number[]): string {
  const f = (x: number) => x.toFixed(2)
  const interval = medianInterval(ratios)
  return `${f(median(ratios))} [${interval ? interval.map(f).join('–') : 'n/a'}] (${f(Math.min(...ratios))}–${f(Math.max(...ratios))})`
}

/**
 * Met when the 95 % interval of the rounds' median ratio lies at or above the
 * target, missed when below, else undecided. With a control (a second bare
 * server, whose ratio to the first should be 1), none when the control's own
 * interval leaves out 1: the run then told two identical servers apart, so
 * its intervals are narrower than what it can resolve.
 */
export function verdict(ratios: readonly number[], target: number, control?: readonly number[]): string {
  const interval = medianInterval(ratios)
  if (!interval) return '~ undecided (too few rounds)'
  const calibration = control && medianInterval(control)
  if (calibration && (calibration[0] > 1 || calibration[1] < 1)) return `~ unresolved (control ${median(control ?? []).toFixed(2)})`
  if (interval[0] >= target) return '✓ met'
  if (interval[1] < target) return '✗ missed'
  return '~ undecided'
}

/**
 * A short wait between two wrk runs (each blocks the event loop in spawnSync): a SIGTERM or Ctrl-C that came
 * meanwhile is heard there (children.ts stops the servers). Without it the part ran from its first run to its last
 * without one, and a run told to stop went on for minutes. 10 ms, not setImmediate or a 0 ms timer: with either, a
 * signal that came during spawnSync was heard only after the next run (measured on Node 20).
 */
const turn = async (): Promise<void> => {
  await new Promise((resolve) => setTimeout(resolve, 10))
  // Told to stop meanwhile: no other run starts while children.ts stops the servers (the exit follows).
  if (stopRequested()) await new Promise(() => {})
}

/** Fewer answers than this in a run: the neighbours starved it, and its round gives no ratio. */
const MIN_REQUESTS = 50

/** CPU µs a server spent per request in one run. */
const cpuPerRequest = (run: Run) => (run.serverCpu / run.requests) * 1e6

/**
 * Per round, the ratio of two servers' rates, and of what each would serve
 * with a whole core to itself (the inverse of its CPU per request): the
 * second does not depend on how much of a core the neighbours left either.
 */
function ratiosOf(runs: ReadonlyMap<string, readonly Run[]>, a: string, b: string) {
  const ours = runs.get(a) as readonly Run[]
  const theirs = runs.get(b) as readonly Run[]
  return {
    rate: ours.map((run, i) => run.rate / (theirs[i] as Run).rate),
    capacity: ours.map((run, i) => cpuPerRequest(theirs[i] as Run) / cpuPerRequest(run)),
  }
}

/** One server's runs in a row: the median rate, CPU per request and busy share, and wrk's CPU per request against it. */
function summary(runs: readonly Run[]) {
  return {
    rate: median(runs.map((r) => r.rate)),
    cpu: median(runs.map(cpuPerRequest)),
    busy: median(runs.map((r) => r.serverCpu / r.wall)),
    wrk: median(runs.map((r) => (r.wrkCpu / r.requests) * 1e6)),
  }
}

/** The throughput table: one row per connection count and request. */
export async function throughput(options: ThroughputOptions): Promise<void> {
  const dir = tempFolder('bench-feed-')
  const running: Process[] = []
  const pin: Pinning | undefined = options.pin ? { load: '0', servers: '1' } : undefined
  try {
    generateCorpus(path.join(dir, 'articles'), 50)
    // Every build of the service under one SITE_URL (the first one's port), so they send the same bytes and ETags; each its own state.
    let siteUrl: string | undefined
    const startService = async (main: string) => {
      const [port, metricsPort] = [await portBelow60000(), await freePort()]
      siteUrl ??= `http://127.0.0.1:${port}`
      const env = {
        ...SERVICE_NODE_ENV,
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        SITE_URL: siteUrl,
        ARTICLES_DIR: path.join(dir, 'articles'),
        STATE_DIR: path.join(dir, `state-${port}`),
        WEBSUB_HUB: '',
      }
      const service = await start(serviceArgs(main), env, port, FEED, pin)
      running.push(service)
      return service
    }
    const service = await startService(options.main)
    const feed = `${service.base}${FEED}`
    const plain = await rawGet(feed, { 'Accept-Encoding': 'identity' })
    const gzip = await rawGet(feed, { 'Accept-Encoding': 'gzip' })
    if (!gunzipSync(gzip.body).equals(plain.body)) throw new Error('gzip body does not decode to the feed')
    const etag = plain.headers.ETag as string
    const answers = {
      plain,
      gzip,
      plainNotModified: await rawGet(feed, { 'Accept-Encoding': 'identity', 'If-None-Match': etag }),
      gzipNotModified: await rawGet(feed, { 'Accept-Encoding': 'gzip', 'If-None-Match': gzip.headers.ETag as string }),
    }
    if (answers.plainNotModified.status !== 304 || answers.gzipNotModified.status !== 304) throw new Error('the service did not answer 304 to its own ETag')
    const answersFile = path.join(dir, 'answers.json')
    const encode = (answer: Answer) => ({ ...answer, body: answer.body.toString('base64') })
    fs.writeFileSync(answersFile, JSON.stringify(Object.fromEntries(Object.entries(answers).map(([name, answer]) => [name, encode(answer)]))))
    // Started now, beside the service: an old process measures slower.
    const startBare = async () => {
      const port = await freePort()
      const bare = await start([BARE, String(port), answersFile], {}, port, FEED, pin)
      running.push(bare)
      return bare
    }
    const bare = await startBare()
    const servers: { readonly name: string; readonly process: Process }[] = [
      { name: 'service', process: service },
      { name: 'bare', process: bare },
    ]
    if (options.base) {
      const base = await startService(options.base)
      const sameBody = (await rawGet(`${base.base}${FEED}`, { 'Accept-Encoding': 'identity' })).body.equals(plain.body)
      if (!sameBody) throw new Error(`${options.base} sends another feed than ${options.main}`)
      servers.push({ name: 'base', process: base })
    }
    if (options.control) servers.push({ name: 'control', process: await startBare() })
    const headerBytes = (answer: Answer) => Object.entries(answer.headers).reduce((sum, [k, v]) => sum + k.length + v.length + 4, 0)
    const shown = (main: string) => (main.startsWith(ROOT) ? path.relative(ROOT, main) : main)
    console.log(
      `RSS feed: 50 items, ${plain.body.length} bytes (${gzip.body.length} gzip), ${headerBytes(plain)} bytes of headers (${headerBytes(answers.plainNotModified)} on a 304), the same from both servers`,
    )
    console.log(
      `wrk -t1 -d${options.seconds}s, ${options.rounds} rounds per row, one run per server a round, the order rotating; ` +
        `${pin ? `wrk on core ${pin.load}, the servers on core ${pin.servers}` : 'not pinned'}; service: ${shown(options.main)}` +
        `${options.base ? `; base: ${shown(options.base)}` : ''}${options.control ? '; control: a second bare server' : ''}`,
    )
    const scenarios: Scenario[] = [
      { name: 'GET plain', headers: { 'Accept-Encoding': 'identity' }, target: 0.95 },
      { name: 'GET gzip', headers: { 'Accept-Encoding': 'gzip' }, target: 0.9 },
      { name: '304 revalidation', headers: { 'Accept-Encoding': 'identity', 'If-None-Match': etag }, target: 0.85 },
    ]
    const extra = [...(options.base ? ['base / bare', 'service / base'] : []), ...(options.control ? ['control / bare'] : [])]
    console.log(
      '| connections | request | req/s, service / bare | rate ratio: median of rounds [95 % interval] (min–max) | CPU µs per request, service / bare | ' +
        'capacity ratio (bare ÷ service CPU per request): median [95 % interval] (min–max) | busy share of a core, service / bare | wrk CPU µs per request | ' +
        `${extra.map((name) => `${name}: rate ratio; capacity ratio | `).join('')}target (capacity ratio) |`,
    )
    console.log(`|---|---|---|---|---|---|---|---|${extra.map(() => '---|').join('')}---|`)
    for (const connections of options.connections) {
      for (const { name, headers, target } of scenarios) {
        // Warm each up for as long as two rounds (JIT, connection setup) before anything counts:
        // the first seconds of a path are slower.
        for (const server of servers) {
          for (let i = 0; i < 2; i++) {
            measure(server.process, connections, options.seconds, headers, pin)
            await turn()
          }
        }
        const runs = new Map<string, Run[]>(servers.map((server) => [server.name, []]))
        let voided = 0
        for (let round = 0; round < options.rounds; round++) {
          // Rotating every second round and reversed every other one (ABBA for two): none always runs first,
          // and a load that grows or fades through a round favours neither on average.
          const order = servers.map((_, i) => servers[(i + Math.floor(round / 2)) % servers.length] as (typeof servers)[number])
          if (round % 2 === 1) order.reverse()
          const measured = new Map<string, Run>()
          for (const server of order) {
            measured.set(server.name, measure(server.process, connections, options.seconds, headers, pin))
            await turn()
          }
          // A run the neighbours starved (under MIN_REQUESTS answers in its second) gives no ratio: the round is left out.
          if ([...measured.values()].some((run) => run.requests < MIN_REQUESTS)) {
            voided += 1
            continue
          }
          for (const [name, run] of measured) runs.get(name)?.push(run)
        }
        if ((runs.get('service') as Run[]).length === 0) throw new Error(`every round of ${name} at ${connections} connections was starved`)
        const ours = summary(runs.get('service') as Run[])
        const theirs = summary(runs.get('bare') as Run[])
        const service = ratiosOf(runs, 'service', 'bare')
        const both = (ratios: { rate: number[]; capacity: number[] }) => `${spread(ratios.rate)}; ${spread(ratios.capacity)}`
        const columns = [
          ...(options.base ? [both(ratiosOf(runs, 'base', 'bare')), both(ratiosOf(runs, 'service', 'base'))] : []),
          ...(options.control ? [both(ratiosOf(runs, 'control', 'bare'))] : []),
        ]
        console.log(
          `| ${connections} | ${name}${voided > 0 ? ` (${voided} of ${options.rounds} rounds starved, left out)` : ''} | ${Math.round(ours.rate)} / ${Math.round(theirs.rate)} | ${spread(service.rate)} | ` +
            `${ours.cpu.toFixed(1)} / ${theirs.cpu.toFixed(1)} | ${spread(service.capacity)} | ${ours.busy.toFixed(2)} / ${theirs.busy.toFixed(2)} | ` +
            `${ours.wrk.toFixed(0)} / ${theirs.wrk.toFixed(0)} | ${columns.map((column) => `${column} | `).join('')}≥ ${target} ${verdict(service.capacity, target, options.control ? ratiosOf(runs, 'control', 'bare').capacity : undefined)} |`,
        )
      }
    }
  } finally {
    // Stopped on failure too: an orphaned server would hold the port.
    await Promise.all(running.map((process) => process.stop()))
    removeFolder(dir)
  }
}
