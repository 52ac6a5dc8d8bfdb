/**
 * A bounded load test on loopback: many connections mixing GET, conditional
 * GET and HEAD across every feed, while articles are added, edited and
 * deleted every 100 ms. Every response is checked: status 200 or 304, the
 * whole body, and an ETag that is the hash of exactly those bytes (a feed
 * torn between two states of the site could not match). Used by
 * `npm run loadtest` (bench/load-test-cli.ts, 30 s) and, shorter, by
 * tests/hardening/faults.test.ts.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { articleSource } from './generate-corpus.js'

export interface LoadTestOptions {
  /** Where the service answers, e.g. http://127.0.0.1:3000 */
  readonly base: string
  /** The service's process, for its memory. */
  readonly pid: number
  /** The folder the service watches; files are added, edited and deleted there. */
  readonly articlesDir: string
  readonly durationMs: number
  readonly connections: number
  /** Time to wait after the load for memory to settle. */
  readonly settleMs?: number
}

export interface LoadTestResult {
  readonly requests: number
  readonly failures: number
  readonly failureSamples: readonly string[]
  readonly byStatus: Readonly<Record<string, number>>
  readonly changes: number
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number }
  readonly rssMb: { readonly before: number; readonly peak: number; readonly after: number }
  readonly requestsPerSecond: number
}

const PATHS = ['/wirtschaft/feed.xml', '/wirtschaft/atom.xml', '/wirtschaft/feed.json', '/', '/wirtschaft/archiv/1/feed.xml']

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024

function request(agent: http.Agent, base: string, method: string, target: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = http.request(`${base}${target}`, { method, headers, agent }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }))
      response.on('error', reject)
    })
    req.on('error', reject)
    req.setTimeout(10_000, () => req.destroy(new Error('timed out')))
    req.end()
  })
}

/** Adds, edits and deletes articles in turn, one every `everyMs`. */
function startMutations(dir: string, everyMs: number): { stop: () => number } {
  let step = 0
  const added: string[] = []
  const timer = setInterval(() => {
    step += 1
    const kind = step % 3
    if (kind === 1 || added.length === 0) {
      const file = path.join(dir, `last-${step}.md`)
      fs.writeFileSync(file, articleSource(900_000 + step, `Lastartikel ${step}`))
      added.push(file)
    } else if (kind === 2) {
      const file = added[added.length - 1] as string
      fs.writeFileSync(file, articleSource(900_000 + step, `Lastartikel ${step}, bearbeitet`))
    } else {
      fs.rmSync(added.shift() as string, { force: true })
    }
  }, everyMs)
  return {
    stop: () => {
      clearInterval(timer)
      for (const file of added) fs.rmSync(file, { force: true })
      return step
    },
  }
}

export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections })
  const before = rssMb(options.pid)
  let peak = before
  const latencies: number[] = []
  const byStatus: Record<string, number> = {}
  const failureSamples: string[] = []
  let failures = 0
  let requests = 0
  const fail = (problem: string): void => {
    failures += 1
    if (failureSamples.length < 10) failureSamples.push(problem)
  }
  const lastEtag = new Map<string, string>()
  const memory = setInterval(() => (peak = Math.max(peak, rssMb(options.pid))), 200)
  const mutations = startMutations(options.articlesDir, 100)
  const started = performance.now()
  const deadline = started + options.durationMs

  const worker = async (id: number): Promise<void> => {
    for (let n = 0; performance.now() < deadline; n++) {
      const target = PATHS[(id + n) % PATHS.length] as string
      const mode = (id + n) % 3 // 0 GET, 1 conditional GET, 2 HEAD
      const method = mode === 2 ? 'HEAD' : 'GET'
      const headers: Record<string, string> = { 'Accept-Encoding': 'identity' }
      const known = lastEtag.get(target)
      if (mode === 1 && known) headers['If-None-Match'] = known
      const sent = performance.now()
      requests += 1
      try {
        const response = await request(agent, options.base, method, target, headers)
        latencies.push(performance.now() - sent)
        byStatus[response.status] = (byStatus[response.status] ?? 0) + 1
        const etag = String(response.headers.etag ?? '')
        if (response.status === 304) {
          if (response.body.length !== 0) fail(`${target}: 304 with a body`)
          continue
        }
        if (response.status !== 200) {
          fail(`${method} ${target}: status ${response.status}`)
          continue
        }
        if (method === 'HEAD') {
          if (response.body.length !== 0) fail(`HEAD ${target}: body`)
          continue
        }
        if (Number(response.headers['content-length']) !== response.body.length) fail(`${target}: body cut short`)
        const hash = `"${createHash('sha256').update(response.body).digest('base64url').slice(0, 27)}"`
        if (etag !== hash) fail(`${target}: ETag ${etag} is not the hash of the body`)
        if (target.endsWith('.json')) JSON.parse(response.body.toString('utf8'))
        else if (!/<\/(rss|feed|html)>\n?$/.test(response.body.toString('utf8'))) fail(`${target}: incomplete document`)
        lastEtag.set(target, etag)
      } catch (error) {
        fail(`${method} ${target}: ${(error as Error).message}`)
      }
    }
  }
  await Promise.all(Array.from({ length: options.connections }, (_, id) => worker(id)))
  const elapsed = performance.now() - started
  const changes = mutations.stop()
  clearInterval(memory)
  agent.destroy()
  await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 3000))
  const after = rssMb(options.pid)
  latencies.sort((a, b) => a - b)
  const at = (q: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0) * 10) / 10
  return {
    requests,
    failures,
    failureSamples,
    byStatus,
    changes,
    latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: Math.round((latencies[latencies.length - 1] ?? 0) * 10) / 10 },
    rssMb: { before: Math.round(before), peak: Math.round(peak), after: Math.round(after) },
    requestsPerSecond: Math.round((requests / elapsed) * 1000),
  }
}
