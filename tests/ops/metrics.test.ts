/**
 * The metrics listener of the built service (dist/main.js, as `npm start`
 * runs it), scraped after requests this test makes and read back with
 * Prometheus's own text-format parser.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../helpers/free-port.js'
import { startServer, startServerWithMetrics, type RunningServer } from '../helpers/server-process.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'
import { parseExposition, sampleValue, type ParsedSample } from './prometheus-parse.js'

const FEEDLY = 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 52 subscribers; )'
const INOREADER = 'Inoreader/1.0 (+http://www.inoreader.com/feed-fetcher; 3 subscribers; )'
const temp = makeTempDir('metrics-test-')
let server: RunningServer & { readonly metricsPort: number }
let metricsBase: string

const article = (title: string, date: string) => articleText({ title: JSON.stringify(title), date, category: 'wirtschaft' })

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

const scrape = async (): Promise<ParsedSample[]> => {
  const response = await fetch(`${metricsBase}/metrics`)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
  return parseExposition(await response.text())
}

beforeAll(async () => {
  temp.write('articles/erster.md', article('Erster Artikel', '2025-11-03T07:30:00+01:00'))
  // A hub nobody listens on: every notification fails, and is counted.
  const deadHub = await freePort()
  server = await startServerWithMetrics({
    ARTICLES_DIR: `${temp.dir}/articles`,
    MEDIA_DIR: `${temp.dir}/media`,
    STATE_DIR: `${temp.dir}/state`,
    WEBSUB_HUB: `http://127.0.0.1:${deadHub}/`,
    RESCAN_INTERVAL: '1',
  })
  metricsBase = `http://127.0.0.1:${server.metricsPort}`
}, 30_000)

afterAll(async () => {
  await server?.stop()
  temp.rm()
})

describe('/metrics', () => {
  it('serves the series the issue names, counted from real requests, with aggregator subscriber counts', async () => {
    const base = server.base
    expect((await fetch(`${base}/wirtschaft/feed.xml`, { headers: { 'User-Agent': FEEDLY } })).status).toBe(200)
    const atom = await fetch(`${base}/wirtschaft/atom.xml`, { headers: { 'User-Agent': INOREADER, 'Accept-Encoding': 'br' } })
    expect(atom.headers.get('content-encoding')).toBe('br')
    const etag = atom.headers.get('etag') as string
    await atom.arrayBuffer()
    expect((await fetch(`${base}/wirtschaft/atom.xml`, { headers: { 'User-Agent': INOREADER, 'Accept-Encoding': 'br', 'If-None-Match': etag } })).status).toBe(304)
    for (const agent of ['newsboat/2.38.0', 'curl/8.5.0', 'newsboat/2.38.0']) {
      await (await fetch(`${base}/wirtschaft/feed.json`, { headers: { 'User-Agent': agent, 'Accept-Encoding': 'gzip' } })).arrayBuffer()
    }
    await (await fetch(`${base}/wirtschaft/feed.xml?limit=1`)).arrayBuffer()
    await (await fetch(`${base}/wirtschaft/erster.html`)).arrayBuffer()
    await (await fetch(`${base}/gibt-es-nicht`)).arrayBuffer()
    await (await fetch(`${base}/assets/site.css`)).arrayBuffer()

    // A new article: the site changes, the hub is notified (and fails), the publish delay is measured.
    temp.write('articles/zweiter.md', article('Zweiter Artikel', '2025-11-04T07:30:00+01:00'))
    await until(async () => (await (await fetch(`${base}/wirtschaft/feed.xml`)).text()).includes('Zweiter Artikel'), 'the new article')
    await until(async () => sampleValue(await scrape(), 'wirtschaft_feeds_websub_failures_total') >= 1, 'a failed WebSub notification')

    const samples = await scrape()
    const value = (name: string, labels: Record<string, string> = {}) => sampleValue(samples, name, labels)
    expect(value('wirtschaft_feeds_subscribers', { aggregator: 'feedly', feed: '/wirtschaft/feed.xml' })).toBe(52)
    expect(value('wirtschaft_feeds_subscribers', { aggregator: 'inoreader', feed: '/wirtschaft/atom.xml' })).toBe(3)
    expect(value('wirtschaft_feeds_subscribers_age_seconds', { aggregator: 'feedly', feed: '/wirtschaft/feed.xml' })).toBeGreaterThanOrEqual(0)
    expect(samples.find((s) => s.name === 'wirtschaft_feeds_subscribers')?.type).toBe('gauge')
    expect(value('wirtschaft_feeds_direct_pollers', { feed: '/wirtschaft/feed.json', day: 'today' })).toBe(2)
    expect(value('wirtschaft_feeds_feed_polls_total', { aggregator: 'inoreader', conditional: 'yes' })).toBe(1)
    expect(value('wirtschaft_feeds_feed_polls_total', { aggregator: 'inoreader', conditional: 'no' })).toBe(1)
    expect(value('wirtschaft_feeds_feed_polls_total', { aggregator: 'direct', conditional: 'no' })).toBeGreaterThanOrEqual(3)

    expect(value('wirtschaft_feeds_http_requests_total', { family: 'feed', method: 'GET', status: '304' })).toBe(1)
    expect(value('wirtschaft_feeds_http_requests_total', { family: 'view', method: 'GET', status: '200' })).toBe(1)
    expect(value('wirtschaft_feeds_http_requests_total', { family: 'page', method: 'GET', status: '200' })).toBe(1)
    expect(value('wirtschaft_feeds_http_requests_total', { family: 'other', method: 'GET', status: '404' })).toBe(1)
    expect(value('wirtschaft_feeds_http_requests_total', { family: 'asset', method: 'GET', status: '200' })).toBe(1)
    expect(samples.find((s) => s.name === 'wirtschaft_feeds_http_requests_total')?.type).toBe('counter')
    expect(value('wirtschaft_feeds_http_response_bytes_total', { encoding: 'br' })).toBeGreaterThan(100)
    expect(value('wirtschaft_feeds_http_response_bytes_total', { encoding: 'gzip' })).toBeGreaterThan(100)
    expect(value('wirtschaft_feeds_http_request_duration_seconds_count', { family: 'feed' })).toBeGreaterThanOrEqual(6)
    expect(value('wirtschaft_feeds_http_request_duration_seconds_bucket', { family: 'feed', le: '+Inf' })).toBe(
      value('wirtschaft_feeds_http_request_duration_seconds_count', { family: 'feed' }),
    )
    expect(samples.find((s) => s.name === 'wirtschaft_feeds_http_request_duration_seconds_bucket')?.type).toBe('histogram')

    expect(value('wirtschaft_feeds_articles', { state: 'published' })).toBe(2)
    expect(value('wirtschaft_feeds_articles', { state: 'refused' })).toBe(0)
    expect(value('wirtschaft_feeds_articles', { state: 'held' })).toBe(0)
    const now = Date.now() / 1000
    expect(Math.abs(value('wirtschaft_feeds_last_load_timestamp_seconds') - now)).toBeLessThan(120)
    expect(value('wirtschaft_feeds_last_change_timestamp_seconds')).toBeGreaterThanOrEqual(value('wirtschaft_feeds_last_load_timestamp_seconds') - 120)
    expect(value('wirtschaft_feeds_rebuild_duration_seconds_count')).toBeGreaterThanOrEqual(2)
    expect(value('wirtschaft_feeds_publish_delay_seconds_count')).toBe(1)
    expect(value('wirtschaft_feeds_publish_delay_seconds_sum')).toBeGreaterThanOrEqual(0)
    expect(value('wirtschaft_feeds_websub_attempts_total')).toBeGreaterThanOrEqual(1)
    expect(value('wirtschaft_feeds_purge_attempts_total')).toBe(0)
    expect(value('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0)
    expect(value('process_resident_memory_bytes')).toBeGreaterThan(0)

    // Bounded labels: no raw path, query, User-Agent or address anywhere.
    const labelValues = samples.flatMap((s) => Object.values(s.labels))
    for (const leaked of ['erster', 'gibt-es-nicht', 'limit', 'newsboat', 'curl', '127.0.0.1']) expect(labelValues.join(' ')).not.toContain(leaked)
  }, 60_000)

  it('is not on the public port', async () => {
    expect((await fetch(`${server.base}/metrics`)).status).toBe(404)
    expect((await fetch(`${metricsBase}/anderes`)).status).toBe(404)
  })

  it('warns, naming the port, when it is taken, and the feeds are served all the same', async () => {
    const blocker = net.createServer()
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)))
    const second = await startServer({ ARTICLES_DIR: `${temp.dir}/articles`, STATE_DIR: `${temp.dir}/state2`, METRICS_PORT: String(port) })
    try {
      await until(async () => second.output().includes('warning METRICS_PORT'), 'the warning')
      expect(second.output()).toContain(`warning METRICS_PORT: cannot listen on 127.0.0.1:${port} (EADDRINUSE); feeds are served without /metrics and /stats`)
      expect((await fetch(`${second.base}/wirtschaft/feed.xml`)).status).toBe(200)
    } finally {
      await second.stop()
      blocker.close()
    }
  }, 30_000)

  // The tests' own servers: a port free a moment before was once taken by another test's server, and a test read its
  // /metrics (tests/plus/log-hygiene.test.ts, on Node 24 in CI). startServerWithMetrics starts the server again.
  it('is read from the test\'s own server when its port was taken meanwhile (startServerWithMetrics)', async () => {
    const blocker = net.createServer()
    const taken = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)))
    const offered = [taken]
    const own = await startServerWithMetrics({ ARTICLES_DIR: `${temp.dir}/articles`, STATE_DIR: `${temp.dir}/state3` }, async () => offered.shift() ?? freePort())
    try {
      expect(own.metricsPort).not.toBe(taken)
      expect(await (await fetch(`http://127.0.0.1:${own.metricsPort}/metrics`)).text()).toContain('wirtschaft_feeds_http_requests_total')
    } finally {
      await own.stop()
      blocker.close()
    }
  }, 30_000)
})
