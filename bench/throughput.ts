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
 * Both are started fresh, side by side, and measured interleaved (the order
 * alternating each round) with wrk on loopback: on a shared machine only a
 * ratio within one run means anything. The CPU each process spent per
 * request (/proc, user + system) is shown beside it: it does not depend on
 * how much of a core the neighbours left, so on a busy machine it is the
 * steadier figure of the two.
 *
 * Options: BENCH_ROUNDS (default 4), BENCH_SECONDS per wrk run (default 3),
 * BENCH_CONNECTIONS (default 32,256), BENCH_MAIN (another build of the
 * service, e.g. the one before a change; default dist/main.js).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { freePort } from '../tests/helpers/free-port.js'
import { generateCorpus } from './generate-corpus.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BARE = path.join(ROOT, 'bench/bare-server.mjs')
const FEED = '/wirtschaft/feed.xml'

export interface ThroughputOptions {
  readonly rounds: number
  readonly seconds: number
  readonly connections: readonly number[]
  /** The service's entry point. */
  readonly main: string
}

/** BENCH_ROUNDS, BENCH_SECONDS, BENCH_CONNECTIONS and BENCH_MAIN, with their defaults. */
export function throughputOptions(env: NodeJS.ProcessEnv): ThroughputOptions {
  return {
    rounds: Number(env.BENCH_ROUNDS ?? 4),
    seconds: Number(env.BENCH_SECONDS ?? 3),
    connections: (env.BENCH_CONNECTIONS ?? '32,256').split(',').filter(Boolean).map(Number),
    main: path.resolve(env.BENCH_MAIN ?? path.join(ROOT, 'dist/main.js')),
  }
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

/** Seconds of CPU (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  // After the command: state is field 3, utime 14 and stime 15 (proc(5)), in clock ticks of 1/100 s.
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** Starts `node args…` and waits until `ready` answers 200. */
async function start(args: string[], env: Record<string, string>, port: number, ready: string): Promise<Process> {
  const base = `http://127.0.0.1:${port}`
  const child: ChildProcess = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`)
    if (await fetch(`${base}${ready}`).then((r) => r.ok, () => false)) break
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
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

/** Requests per second wrk measured. */
function wrk(url: string, connections: number, seconds: number, headers: Record<string, string>): number {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), url]
  const run = spawnSync('wrk', args, { encoding: 'utf8' })
  if (run.error) throw new Error("wrk not found: install Debian's wrk (apt-get install wrk)")
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1]
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(run.stdout)
  if (!rate) throw new Error(`wrk printed no rate:\n${run.stdout}${run.stderr}`)
  if (errors) throw new Error(`wrk saw errors: ${errors[0]}`)
  return Number(rate)
}

/** Requests per second and CPU microseconds per request of one wrk run against `server`. */
function measure(server: Process, connections: number, seconds: number, headers: Record<string, string>) {
  const before = cpuSeconds(server.pid)
  const rate = wrk(`${server.base}${FEED}`, connections, seconds, headers)
  const cpu = cpuSeconds(server.pid) - before
  return { rate, cpuPerRequest: (cpu / (rate * seconds)) * 1e6 }
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

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

/** The throughput table: one row per connection count and request. */
export async function throughput(options: ThroughputOptions): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-feed-'))
  const running: Process[] = []
  try {
    generateCorpus(path.join(dir, 'articles'), 50)
    const [port, metricsPort, barePort] = [await portBelow60000(), await freePort(), await freePort()]
    const service = await start(
      [options.main],
      { PORT: String(port), METRICS_PORT: String(metricsPort), SITE_URL: `http://127.0.0.1:${port}`, ARTICLES_DIR: path.join(dir, 'articles'), WEBSUB_HUB: '' },
      port,
      FEED,
    )
    running.push(service)
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
    const bare = await start([BARE, String(barePort), answersFile], {}, barePort, FEED)
    running.push(bare)
    const headerBytes = (answer: Answer) => Object.entries(answer.headers).reduce((sum, [k, v]) => sum + k.length + v.length + 4, 0)
    console.log(
      `RSS feed: 50 items, ${plain.body.length} bytes (${gzip.body.length} gzip), ${headerBytes(plain)} bytes of headers (${headerBytes(answers.plainNotModified)} on a 304), the same from both servers`,
    )
    console.log(`wrk -t1 -d${options.seconds}s, ${options.rounds} rounds, interleaved; service: ${options.main.startsWith(ROOT) ? path.relative(ROOT, options.main) : options.main}`)
    const scenarios: Scenario[] = [
      { name: 'GET plain', headers: { 'Accept-Encoding': 'identity' }, target: 0.95 },
      { name: 'GET gzip', headers: { 'Accept-Encoding': 'gzip' }, target: 0.9 },
      { name: '304 revalidation', headers: { 'Accept-Encoding': 'identity', 'If-None-Match': etag }, target: 0.85 },
    ]
    console.log('| connections | request | service req/s | bare node:http req/s | ratio (median of rounds) | CPU µs per request, service / bare (ratio) | target |')
    console.log('|---|---|---|---|---|---|---|')
    for (const connections of options.connections) {
      for (const { name, headers, target } of scenarios) {
        // Warm both up for as long as a round (JIT, connection setup) before anything counts:
        // after one second the service's path of a 304 was still getting faster.
        measure(service, connections, options.seconds, headers)
        measure(bare, connections, options.seconds, headers)
        const ratios: number[] = []
        const ours: ReturnType<typeof measure>[] = []
        const theirs: ReturnType<typeof measure>[] = []
        for (let round = 0; round < options.rounds; round++) {
          // The order alternates: whichever runs second is not always the one a neighbour's burst hits.
          let a: ReturnType<typeof measure>
          let b: ReturnType<typeof measure>
          if (round % 2 === 0) {
            a = measure(service, connections, options.seconds, headers)
            b = measure(bare, connections, options.seconds, headers)
          } else {
            b = measure(bare, connections, options.seconds, headers)
            a = measure(service, connections, options.seconds, headers)
          }
          ours.push(a)
          theirs.push(b)
          ratios.push(a.rate / b.rate)
        }
        const ratio = median(ratios)
        const cpuOurs = median(ours.map((m) => m.cpuPerRequest))
        const cpuTheirs = median(theirs.map((m) => m.cpuPerRequest))
        console.log(
          `| ${connections} | ${name} | ${Math.round(median(ours.map((m) => m.rate)))} | ${Math.round(median(theirs.map((m) => m.rate)))} | ` +
            `${ratio.toFixed(2)} (${ratios.map((r) => r.toFixed(2)).join(', ')}) | ${cpuOurs.toFixed(0)} / ${cpuTheirs.toFixed(0)} (${(cpuTheirs / cpuOurs).toFixed(2)}) | ` +
            `≥ ${target} ${ratio >= target ? '✓' : '✗'} |`,
        )
      }
    }
  } finally {
    // Stopped on failure too: an orphaned server would hold the port.
    await Promise.all(running.map((process) => process.stop()))
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
