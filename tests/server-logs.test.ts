/**
 * The built service's log lines, as an operator's log shipper reads them:
 * LOG_FORMAT=json, ACCESS_LOG=1, a refused article, a WebSub hub whose URL
 * holds a secret.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from './helpers/free-port.js'
import { startHub } from './helpers/hub-stand-in.js'
import { startServer, type RunningServer } from './helpers/server-process.js'
import { articleText, makeTempDir } from './helpers/temp-dir.js'

const SECRET = 'geheim-7f3a'

let temp: ReturnType<typeof makeTempDir>
let hub: Awaited<ReturnType<typeof startHub>>
let server: RunningServer
let lines: Record<string, unknown>[]
let metricsPort: number

let states: ReturnType<typeof makeTempDir>[] = []
/** A STATE_DIR of its own for each server (the subscriber history), removed after. */
const stateDir = (): string => {
  const state = makeTempDir('logs-state-')
  states.push(state)
  return state.dir
}

/** Every line of a stopped server's output, each parsed as JSON (a plain-text line throws). */
const jsonLines = (output: string): Record<string, unknown>[] =>
  output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)

/** Waits (at most 8 s) until `check` holds. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  for (const started = Date.now(); !(await check()); await new Promise((resolve) => setTimeout(resolve, 20))) {
    if (Date.now() - started > 8000) throw new Error(`timed out:\n${server.output()}`)
  }
}

beforeAll(async () => {
  temp = makeTempDir('logs-')
  temp.write('gut.md', articleText({ title: 'Gut', date: '2025-01-01T10:00:00Z', category: 'wirtschaft' }))
  temp.write('kaputt.md', articleText({ date: '2025-01-01T10:00:00Z', category: 'wirtschaft' }))
  // The first notification fails once (500), so a retry is logged with its attempt.
  hub = await startHub([500])
  metricsPort = await freePort()
  server = await startServer({
    ARTICLES_DIR: temp.dir,
    METRICS_PORT: String(metricsPort),
    STATE_DIR: stateDir(),
    LOG_FORMAT: 'json',
    ACCESS_LOG: '1',
    RESCAN_INTERVAL: '0',
    WEBSUB_HUB: `${hub.url}?token=${SECRET}`,
  })
  const agents = ['Feedly/1.0 (+http://www.feedly.com/fetcher.html; 52 subscribers; )', 'curl/8.5.0', '']
  for (const agent of agents) await (await fetch(`${server.base}/wirtschaft/feed.xml`, { headers: { 'User-Agent': agent } })).arrayBuffer()
  await (await fetch(`${server.base}/wirtschaft/plus/${SECRET}/feed.xml`)).arrayBuffer()
  await (await fetch(`${server.base}/wirtschaft/feed.json?tag=KI`)).arrayBuffer()
  await (await fetch(`${server.base}/wirtschaft/feed.json?token=${SECRET}`)).arrayBuffer()
  // A change: the hub is told, fails once, then succeeds.
  temp.write('neu.md', articleText({ title: 'Neu', date: '2025-02-01T10:00:00Z', category: 'wirtschaft' }))
  // At the load 3 topics are told at once and the fourth after its retry; after the change at least 3 again.
  await until(() => server.output().split('"msg":"websub: notified').length - 1 >= 7)
  expect(await server.stop()).toBe(0)
  lines = jsonLines(server.output())
}, 30_000)

afterAll(async () => {
  await server?.stop()
  await hub?.close()
  temp?.rm()
  states.forEach((state) => state.rm())
  states = []
})

describe('LOG_FORMAT=json', () => {
  it('writes every line as one JSON object with level, time and msg', () => {
    expect(lines.length).toBeGreaterThan(10)
    for (const line of lines) {
      expect(['info', 'warn', 'error']).toContain(line.level)
      expect(typeof line.msg).toBe('string')
      expect(new Date(line.time as string).toISOString()).toBe(line.time)
    }
    expect(lines.map((line) => line.msg)).toEqual(expect.arrayContaining(['stopped', 'SIGTERM: finishing requests in flight, then stopping']))
  })

  it('gives an article refusal its file, field and problem as fields, with the text line as msg', () => {
    const refusal = lines.find((line) => line.file === 'kaputt.md')
    expect(refusal).toEqual({
      level: 'warn',
      time: refusal?.time,
      msg: 'skipped kaputt.md: title: is required',
      file: 'kaputt.md',
      field: 'title',
      problem: 'is required',
    })
  })

  it('gives WebSub events their target, hub and attempt, with the hub secret redacted', () => {
    const events = lines.filter((line) => String(line.msg).startsWith('websub:'))
    const hubShown = `${hub.url}?[redacted]`
    const failed = events.find((line) => line.level === 'warn')
    expect(failed).toMatchObject({ hub: hubShown, attempt: 1 })
    const target = failed?.target as string
    expect(target.startsWith(`${server.base}/wirtschaft/`)).toBe(true)
    expect(failed?.msg).toBe(`websub: notifying ${hubShown} of ${target} failed (hub answered 500); retry in 1000 ms`)
    expect(events).toContainEqual(expect.objectContaining({ level: 'info', msg: `websub: notified ${hubShown} of ${target}`, target, hub: hubShown, attempt: 2 }))
  })

  it('logs each request with ACCESS_LOG=1: method, route family, status, bytes, duration and User-Agent family', () => {
    const access = lines.filter((line) => String(line.msg).startsWith('request: '))
    expect(access.map(({ method, route, status, agent }) => [method, route, status, agent])).toEqual([
      ['GET', 'feed', 200, 'feedly'],
      ['GET', 'feed', 200, 'curl'],
      ['GET', 'feed', 200, 'none'],
      ['GET', 'plus', 404, 'node'],
      ['GET', 'view', 200, 'node'],
      // A query without a filter parameter is no view.
      ['GET', 'feed', 200, 'node'],
    ])
    const first = access[0] as Record<string, unknown>
    expect(first.msg).toBe(`request: GET feed 200, ${String(first.bytes)} bytes, ${String(first.durationMs)} ms, feedly`)
    for (const line of access) {
      expect(Object.keys(line).sort()).toEqual(['agent', 'bytes', 'durationMs', 'level', 'method', 'msg', 'route', 'status', 'time'])
      expect(line.bytes).toBeGreaterThan(100)
      expect(line.durationMs).toBeGreaterThanOrEqual(0)
    }
  })

  it('says where the metrics listener is as a JSON line with its host and port', () => {
    const where = `127.0.0.1:${metricsPort}`
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'info', msg: `metrics on http://${where}/metrics, readers on http://${where}/stats`, host: '127.0.0.1', port: metricsPort }),
    )
  })

  it('warns of a metrics port already taken as a JSON line with its host and port, and serves the feeds', async () => {
    const taken = net.createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const port = (taken.address() as net.AddressInfo).port
    const second = await startServer({ ARTICLES_DIR: temp.dir, LOG_FORMAT: 'json', RESCAN_INTERVAL: '0', METRICS_PORT: String(port), STATE_DIR: stateDir() })
    try {
      await until(() => second.output().includes('METRICS_PORT'))
      expect((await fetch(`${second.base}/wirtschaft/feed.xml`)).status).toBe(200)
      expect(await second.stop()).toBe(0)
      expect(jsonLines(second.output())).toContainEqual({
        level: 'warn',
        time: expect.any(String),
        msg: `warning METRICS_PORT: cannot listen on 127.0.0.1:${port} (EADDRINUSE); feeds are served without /metrics and /stats`,
        host: '127.0.0.1',
        port,
      })
    } finally {
      await second.stop()
      await new Promise((resolve) => taken.close(resolve))
    }
  })

  it('never shows a secret token: not the hub query, not a plus-feed path', () => {
    expect(server.output()).not.toContain(SECRET)
    expect(lines.length).toBeGreaterThan(0)
  })
})
