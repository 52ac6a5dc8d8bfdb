import zlib from 'node:zlib'
import { describe, expect, it, vi } from 'vitest'
import { LARGE_BODY } from '../helpers/large-documents.js'
import { loadConfig } from '../../src/config.js'
import { createApp } from '../../src/http/app.js'
import { Operations } from '../../src/ops/operations.js'
import { PollLimiter } from '../../src/ops/poll-limit.js'
import { holdsBytes } from '../../src/site/inflated-identity.js'
import type { Resource } from '../../src/site/resource.js'
import { ContentStore } from '../../src/store/content-store.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'
import { gc } from '../helpers/collected.js'

const START = new Date('2026-01-01T00:00:00Z').getTime()

/** The app with POLL_MIN_INTERVAL set and a clock the test moves. */
async function limitedApp(env: Record<string, string> = { POLL_MIN_INTERVAL: '300' }, body?: string) {
  const config = loadConfig({ SITE_URL: 'https://www.example.de/', ...env })
  const files = new Map([['a.md', articleText({ title: 'A', date: '2025-03-01T10:00:00+01:00', category: 'wirtschaft' }, body)]])
  const clock = { now: START }
  const store = new ContentStore({ config, source: memorySource(files, config), clock: () => new Date(clock.now), logger: { info: () => {}, warn: () => {} } })
  await store.load()
  store.close()
  const ops = new Operations({ siteName: config.siteName, pollMinIntervalMs: config.pollMinIntervalMs, logger: { info: () => {}, warn: () => {} }, now: () => clock.now })
  const app = createApp({ config, store, now: () => clock.now, traffic: ops })
  /** A GET as it arrives from a client: its address and headers, as @hono/node-server hands them over. */
  const get = (path: string, address: string, headers: Record<string, string> = {}) => {
    const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))
    return app.request(path, { headers }, { incoming: { headers: lower, socket: { remoteAddress: address } } })
  }
  return { get, clock, ops, app, store }
}

describe('POLL_MIN_INTERVAL', () => {
  it('answers 429 with Retry-After to a client that fetches the same feed unconditionally too soon, and lets it in after the interval', async () => {
    const { get, clock } = await limitedApp()
    const ua = { 'User-Agent': 'python-requests/2.32.3' }
    expect((await get('/wirtschaft/feed.xml', '192.0.2.1', ua)).status).toBe(200)
    clock.now += 100_000
    const refused = await get('/wirtschaft/feed.xml', '192.0.2.1', ua)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('Retry-After')).toBe('200')
    expect(refused.headers.get('Cache-Control')).toBe('no-store')
    expect(await refused.text()).toBe('Too many requests: fetch this feed at most once per interval, or send If-None-Match; retry in 200 s\n')
    // Another feed, another address or another program is another client.
    expect((await get('/wirtschaft/atom.xml', '192.0.2.1', ua)).status).toBe(200)
    expect((await get('/wirtschaft/feed.xml', '192.0.2.2', ua)).status).toBe(200)
    expect((await get('/wirtschaft/feed.xml', '192.0.2.1', { 'User-Agent': 'curl/8.5.0' })).status).toBe(200)
    clock.now += 200_000
    expect((await get('/wirtschaft/feed.xml', '192.0.2.1', ua)).status).toBe(200)
  })

  it("never limits a browser's top-level navigation, which gets the feed's page, nor counts it against the feed", async () => {
    const { get, clock } = await limitedApp()
    const browser = { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate' }
    for (let i = 0; i < 3; i++) {
      // A hard reload: no validators.
      const page = await get('/wirtschaft/feed.xml', '192.0.2.1', browser)
      expect([page.status, page.headers.get('Content-Type')]).toEqual([200, 'text/html; charset=utf-8'])
      clock.now += 1000
    }
    // The same address and program fetching the feed itself right after: its first full body, not a 429.
    const { 'Sec-Fetch-Dest': _dest, 'Sec-Fetch-Mode': _mode, ...sameProgram } = browser
    expect((await get('/wirtschaft/feed.xml', '192.0.2.1', sameProgram)).status).toBe(200)
    clock.now += 1000
    expect((await get('/wirtschaft/feed.xml', '192.0.2.1', sameProgram)).status).toBe(429)
  })

  it('never limits conditional requests', async () => {
    const { get, clock } = await limitedApp()
    const ua = { 'User-Agent': 'python-requests/2.32.3' }
    const first = await get('/wirtschaft/feed.xml', '192.0.2.1', ua)
    const etag = first.headers.get('ETag') as string
    for (let i = 0; i < 5; i++) {
      clock.now += 1000
      expect((await get('/wirtschaft/feed.xml', '192.0.2.1', { ...ua, 'If-None-Match': etag })).status).toBe(304)
      expect((await get('/wirtschaft/feed.xml', '192.0.2.1', { ...ua, 'If-Modified-Since': first.headers.get('Last-Modified') as string })).status).toBe(304)
    }
  })

  it('limits a full body sent again within the interval even when the request carried validators that did not match', async () => {
    const { get, clock } = await limitedApp()
    const ua = { 'User-Agent': 'python-requests/2.32.3' }
    const validators: Record<string, string>[] = [{ 'If-None-Match': '"nope"' }, { 'If-Modified-Since': 'garbage' }]
    for (const validator of validators) {
      expect((await get('/wirtschaft/feed.xml', '192.0.2.1', { ...ua, ...validator })).status).toBe(200)
      clock.now += 1000
      const refused = await get('/wirtschaft/feed.xml', '192.0.2.1', { ...ua, ...validator })
      expect([refused.status, refused.headers.get('Retry-After')]).toEqual([429, '299'])
      clock.now += 300_000
    }
  })

  it('does not count HEAD as a fetch, nor limit it', async () => {
    const { get, app } = await limitedApp()
    const head = () => app.request('/wirtschaft/feed.xml', { method: 'HEAD', headers: { 'User-Agent': 'curl/8.5.0' } }, { incoming: { headers: { 'user-agent': 'curl/8.5.0' }, socket: { remoteAddress: '192.0.2.1' } } })
    expect((await head()).status).toBe(200)
    expect((await get('/wirtschaft/feed.xml', '192.0.2.1', { 'User-Agent': 'curl/8.5.0' })).status).toBe(200)
    expect((await head()).status).toBe(200)
    expect((await get('/wirtschaft/feed.xml', '192.0.2.1', { 'User-Agent': 'curl/8.5.0' })).status).toBe(429)
  })

  it('limits a filtered view per canonical view: every spelling of it is the same view, another view another', async () => {
    const { get } = await limitedApp()
    const ua = { 'User-Agent': 'curl/8.5.0' }
    expect((await get('/wirtschaft/feed.json?limit=1&tag=KI', '192.0.2.1', ua)).status).toBe(200)
    const refused = await get('/wirtschaft/feed.json?tag=KI&limit=1', '192.0.2.1', ua)
    expect([refused.status, refused.headers.get('Retry-After')]).toEqual([429, '300'])
    expect((await get('/wirtschaft/feed.json?limit=2&tag=KI', '192.0.2.1', ua)).status).toBe(200)
    expect((await get('/wirtschaft/feed.json', '192.0.2.1', ua)).status).toBe(200)
  })

  it('never limits documented aggregators and podcast apps', async () => {
    const { get } = await limitedApp()
    for (const agent of ['Feedly/1.0 (+http://www.feedly.com/fetcher.html; 52 subscribers; )', 'Inoreader/1.0 (+http://www.inoreader.com/feed-fetcher; 3 subscribers; )', 'AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4 like Mac OS X; de_de)']) {
      for (let i = 0; i < 3; i++) expect((await get('/wirtschaft/podcast.xml', '192.0.2.9', { 'User-Agent': agent })).status, agent).not.toBe(429)
      for (let i = 0; i < 3; i++) expect((await get('/wirtschaft/feed.xml', '192.0.2.9', { 'User-Agent': agent })).status, agent).toBe(200)
    }
  })

  it('is off by default: the same unconditional fetch ten times in a row is answered ten times', async () => {
    const { get } = await limitedApp({})
    for (let i = 0; i < 10; i++) expect((await get('/wirtschaft/feed.xml', '192.0.2.1', { 'User-Agent': 'curl/8.5.0' })).status).toBe(200)
  })

  it('refuses before the body: a 429 counts no bytes sent (http_response_bytes_total), and inflates no identity bytes held compressed', async () => {
    // A feed of 600 KB: its identity bytes are held as Brotli once compressed, and inflated for a client without gzip.
    const { get, clock, ops, store } = await limitedApp(undefined, LARGE_BODY)
    while (holdsBytes((store.resource('/wirtschaft/feed.xml') as Resource).identity)) await new Promise((resolve) => setTimeout(resolve, 10))
    const sent = vi.spyOn(ops, 'sent')
    const inflate = vi.spyOn(zlib, 'brotliDecompress')
    try {
      // Read in a function of its own: the Response keeps its body's bytes, and with them the copy answers share.
      const [status, length] = await (async () => {
        const first = await get('/wirtschaft/feed.xml', '192.0.2.1', { 'User-Agent': 'curl/8.5.0' })
        return [first.status, (await first.arrayBuffer()).byteLength]
      })()
      expect([status, length > 512 * 1024, sent.mock.calls, inflate.mock.calls.length]).toEqual([200, true, [['identity', length]], 1])
      // The first answer's copy let go: a second full body would inflate again.
      inflate.mockClear()
      await new Promise((resolve) => setImmediate(resolve))
      gc()
      clock.now += 100_000
      const refused = await get('/wirtschaft/feed.xml', '192.0.2.1', { 'User-Agent': 'curl/8.5.0' })
      expect([refused.status, sent.mock.calls.length, inflate.mock.calls.length]).toEqual([429, 1, 0])
    } finally {
      sent.mockRestore()
      inflate.mockRestore()
    }
  })

  it('limits only the current feeds: pages and archives are never refused', async () => {
    const { get } = await limitedApp()
    for (let i = 0; i < 3; i++) expect((await get('/wirtschaft/a.html', '192.0.2.1', { 'User-Agent': 'curl/8.5.0' })).status).toBe(200)
  })
})

describe('PollLimiter', () => {
  it('remembers a bounded number of clients, forgetting the least recently seen first', () => {
    const clock = { now: 0 }
    const limiter = new PollLimiter({ intervalMs: 60_000, maxClients: 100, now: () => clock.now })
    for (let i = 0; i < 1000; i++) expect(limiter.check('/feed.xml', `client-${i}`)).toBeUndefined()
    expect(limiter.size).toBe(100)
    // The newest are still remembered; the oldest were forgotten (and may fetch again).
    expect(limiter.check('/feed.xml', 'client-999')).toBe(60)
    expect(limiter.check('/feed.xml', 'client-0')).toBeUndefined()
  })
})
