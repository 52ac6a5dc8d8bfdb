/**
 * What a request costs the metrics and /stats: counted in plain fields on
 * the way (ops/traffic.ts, ops/readers.ts), turned into prom-client series
 * only when /metrics is scraped. No prom-client metric is touched per
 * request, on the listener's fast path or through Hono.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createHttp } from '../../src/http/app.js'
import { Operations } from '../../src/ops/operations.js'
import { listenAsMain, type Listening } from '../helpers/in-process-server.js'
import { articleText } from '../helpers/temp-dir.js'
import { testApp } from '../helpers/test-app.js'
import { rawRequest } from '../helpers/both-ways.js'
import { parseExposition, sampleValue } from './prometheus-parse.js'

const NOW = new Date('2026-01-01T00:00:00Z')
const files = { 'zins.md': articleText({ title: 'Zinswende', date: '2025-06-05T14:45:00+02:00', category: 'wirtschaft' }, 'Die EZB senkt die Zinsen.') }

const open: Listening[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  await Promise.all(open.splice(0).map((server) => server.close()))
})

/** A prototype with the methods prom-client's types leave out. */
const unexported = (prototype: object) => prototype as Record<string, (...args: unknown[]) => unknown>

/** Every way a prom-client metric is changed or looked up by its labels, but for garbage collections. */
function spyOnPromClient(): () => number {
  const spies = [
    // Counter's inc and Histogram's observe are these, taken by each metric when it is made: spied on before.
    vi.spyOn(unexported(Counter.prototype), 'incWithoutExemplar'),
    vi.spyOn(unexported(Counter.prototype), 'incWithExemplar'),
    vi.spyOn(Counter.prototype, 'labels'),
    vi.spyOn(Gauge.prototype, 'set'),
    vi.spyOn(Gauge.prototype, 'inc'),
    vi.spyOn(Gauge.prototype, 'labels'),
    vi.spyOn(unexported(Histogram.prototype), 'observeWithoutExemplar'),
    vi.spyOn(unexported(Histogram.prototype), 'observeWithExemplar'),
    vi.spyOn(Histogram.prototype, 'startTimer'),
    vi.spyOn(Histogram.prototype, 'labels'),
    vi.spyOn(Registry.prototype, 'getSingleMetric'),
  ]
  // Node's GC histogram (collectDefaultMetrics) is observed when a collection happens, not per request.
  const perRequest = (context: unknown) => (context as { name?: string } | undefined)?.name !== 'nodejs_gc_duration_seconds'
  return () => spies.reduce((sum, spy) => sum + spy.mock.contexts.filter(perRequest).length, 0)
}

describe('the metrics on the hot path', () => {
  it('touches no prom-client metric per request, and /metrics and /stats count every request all the same', async () => {
    const { store, config } = await testApp(files, {}, NOW)
    const calls = spyOnPromClient()
    const operations = new Operations({ siteName: config.siteName, pollMinIntervalMs: 0, logger: { info: () => {}, warn: () => {} }, now: () => NOW.getTime() })
    const http = createHttp({ config, store, now: () => NOW.getTime(), traffic: operations })
    const server = await listenAsMain(http)
    open.push(server)
    const first = await rawRequest(server.base, '/wirtschaft/feed.xml', { headers: { 'Accept-Encoding': 'identity', 'User-Agent': 'newsboat/2.38' } })
    const before = calls()
    for (let i = 0; i < 20; i++) {
      // The fast path (a document rendered ahead) and Hono (a filtered view, a 404).
      expect((await rawRequest(server.base, '/wirtschaft/feed.xml', { headers: { 'Accept-Encoding': 'identity', 'If-None-Match': first.headers.etag as string, 'User-Agent': 'newsboat/2.38' } })).status).toBe(304)
      expect((await rawRequest(server.base, '/wirtschaft/feed.xml', { headers: { 'Accept-Encoding': 'gzip', 'User-Agent': 'newsboat/2.38' } })).status).toBe(200)
      expect((await rawRequest(server.base, '/wirtschaft/feed.xml?tag=ezb')).status).toBe(200)
      expect((await rawRequest(server.base, '/wirtschaft/gibt-es-nicht.html')).status).toBe(404)
    }
    expect(calls() - before).toBe(0)
    // The spies do see prom-client at work: a WebSub notification is counted on its Counter.
    operations.websub.attempt()
    expect(calls() - before).toBe(1)
    const samples = parseExposition(await operations.metrics())
    expect(sampleValue(samples, 'wirtschaft_feeds_http_requests_total', { family: 'feed', method: 'GET', status: '304' })).toBe(20)
    expect(sampleValue(samples, 'wirtschaft_feeds_http_requests_total', { family: 'feed', method: 'GET', status: '200' })).toBe(21)
    expect(sampleValue(samples, 'wirtschaft_feeds_http_requests_total', { family: 'view', method: 'GET', status: '200' })).toBe(20)
    expect(sampleValue(samples, 'wirtschaft_feeds_http_requests_total', { family: 'page', method: 'GET', status: '404' })).toBe(20)
    expect(sampleValue(samples, 'wirtschaft_feeds_http_request_duration_seconds_count', { family: 'feed' })).toBe(41)
    expect(sampleValue(samples, 'wirtschaft_feeds_feed_polls_total', { aggregator: 'direct', conditional: 'yes' })).toBe(20)
    expect(sampleValue(samples, 'wirtschaft_feeds_feed_polls_total', { aggregator: 'direct', conditional: 'no' })).toBe(21)
    expect(sampleValue(samples, 'wirtschaft_feeds_direct_pollers', { feed: '/wirtschaft/feed.xml', day: 'today' })).toBe(1)
    expect(operations.readers.polls()).toEqual([{ kind: 'direct', polls: 41, conditional: 20 }])
  }, 30_000)
})
