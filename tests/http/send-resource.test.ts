/**
 * createSender on its own: a tiny Hono app that sends resources made with
 * createResource, called with app.request() (no socket), every header of
 * every answer compared whole.
 */
import { setImmediate as nextTurn } from 'node:timers/promises'
import zlib, { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { Hono } from 'hono'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { CachePolicy } from '../../src/caching.js'
import { toResponse, viewOfContext, type Answer, type RequestView } from '../../src/http/exchange.js'
import { createSender, type SenderOptions } from '../../src/http/send-resource.js'
import { holdsBytes } from '../../src/site/inflated-identity.js'
import { createIdentityFirst, createResource, type Resource } from '../../src/site/resource.js'
import { createCdnHeaders } from '../../src/cdn/cdn-headers.js'
import { ConcurrencyLimit } from '../../src/util/concurrency-limit.js'
import { SITE } from '../helpers/feed-fixtures.js'
import { failingInflates, sitemapPartText } from '../helpers/large-documents.js'
import { collected, gc } from '../helpers/collected.js'

const NOW = new Date('2026-01-01T12:00:00Z')
const HUB = 'https://hub.example.org/'
const TOPIC = `${SITE}wirtschaft/feed.xml`
const CSP = "default-src 'none'; style-src 'self'"

const POLICY: CachePolicy = { maxAge: 300, staleWhileRevalidate: 60, staleIfError: 86400, archiveMaxAge: 86400, assetMaxAge: 3600, mediaMaxAge: 86400 }
const LIVE = 'public, max-age=300, stale-while-revalidate=60, stale-if-error=86400'

/** What a browser sends when it navigates to a URL (Firefox 128). */
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

const RSS_TEXT = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wirtschaft – Beispielzeitung</title>
${'<item><title>Börse: Anleger bleiben vorsichtig</title></item>\n'.repeat(20)}</channel></rss>
`
const JSON_TEXT = `${JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'Wirtschaft', items: Array(20).fill({ id: 'x', content_html: '<p>Zinsen</p>' }) }, null, 2)}\n`

let rss: Resource
let json: Resource
let page: Resource
let small: Resource

beforeAll(async () => {
  rss = await createResource(RSS_TEXT, {
    contentType: 'application/rss+xml; charset=utf-8',
    browserContentType: 'application/xml; charset=utf-8',
    lastModified: new Date('2025-06-05T15:00:00Z'),
    now: NOW,
  })
  json = await createResource(JSON_TEXT, { contentType: 'application/feed+json; charset=utf-8', lastModified: new Date('2025-06-05T15:00:00Z'), now: NOW })
  page = await createResource(`<!doctype html><title>Wirtschaft</title>${'<p>Text</p>'.repeat(60)}`, { contentType: 'text/html; charset=utf-8', now: NOW })
  small = await createResource('body{margin:0}\n', { contentType: 'text/css; charset=utf-8', cache: 'asset', now: NOW })
})

/** An app with one route per resource; the feed is a WebSub topic. */
function appWith(options: Partial<SenderOptions> = {}): Hono {
  const send = createSender({
    cache: POLICY,
    now: () => NOW.getTime(),
    nextPublication: () => undefined,
    contentSecurityPolicy: CSP,
    hub: HUB,
    ...options,
  })
  return new Hono()
    .get('/feed.xml', (c) => respond(send(viewOfContext(c), rss, { topic: TOPIC })))
    .get('/feed.json', (c) => respond(send(viewOfContext(c), json)))
    .get('/', (c) => respond(send(viewOfContext(c), page)))
    .get('/site.css', (c) => respond(send(viewOfContext(c), small)))
    .get('/fehlt', (c) => respond(send(viewOfContext(c), page, { status: 404 })))
}

/** The answer as Hono's route sends it (app.ts): made now, or once its identity bytes are inflated. */
const respond = (answer: Answer | Promise<Answer>): Response | Promise<Response> => (answer instanceof Promise ? answer.then(toResponse) : toResponse(answer))

function headersOf(response: Response): Record<string, string> {
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  return headers
}
/** What a 200 and a 304 of the RSS feed both carry: validators, caching, Vary, the WebSub Link, the common headers. */
const rssValidatorsAndCaching = (): Record<string, string> => ({
  etag: rss.identity.etag,
  'last-modified': 'Thu, 05 Jun 2025 15:00:00 GMT',
  'cache-control': LIVE,
  vary: 'Accept, Accept-Encoding',
  link: `<${HUB}>; rel="hub", <${TOPIC}>; rel="self"`,
  'x-content-type-options': 'nosniff',
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'ETag, Link',
})
const bytesOf = async (response: Response): Promise<Buffer> => Buffer.from(await response.arrayBuffer())

describe('createSender: a 200', () => {
  it('sends the identity bytes with every header, exactly, to a client that names no encoding', async () => {
    const response = await appWith().request('/feed.xml')
    expect(response.status).toBe(200)
    expect((await bytesOf(response)).toString('utf8')).toBe(RSS_TEXT)
    expect(headersOf(response)).toEqual({
      'content-type': 'application/rss+xml; charset=utf-8',
      'content-length': String(Buffer.byteLength(RSS_TEXT)),
      ...rssValidatorsAndCaching(),
    })
  })

  it('sends a document without a browser type with Vary: Accept-Encoding only, and no Link when it is no topic', async () => {
    const response = await appWith().request('/feed.json')
    expect(headersOf(response)).toEqual({
      'content-type': 'application/feed+json; charset=utf-8',
      'content-length': String(Buffer.byteLength(JSON_TEXT)),
      etag: json.identity.etag,
      'last-modified': 'Thu, 05 Jun 2025 15:00:00 GMT',
      'cache-control': LIVE,
      vary: 'Accept-Encoding',
      'x-content-type-options': 'nosniff',
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'ETag, Link',
    })
  })

  it('adds a Content-Security-Policy and a Referrer-Policy to HTML, and no Last-Modified when the page has none', async () => {
    const response = await appWith().request('/')
    const headers = headersOf(response)
    expect([headers['content-type'], headers['content-security-policy'], headers['referrer-policy'], headers['last-modified']]).toEqual([
      'text/html; charset=utf-8',
      CSP,
      'strict-origin-when-cross-origin',
      undefined,
    ])
  })

  it('sends the asset cache class of a stylesheet as its Cache-Control', async () => {
    const response = await appWith().request('/site.css')
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=3600, stale-while-revalidate=60, stale-if-error=86400')
  })

  it('keeps a live document fresh no longer than until the next scheduled article', async () => {
    const app = appWith({ nextPublication: () => NOW.getTime() + 90_500 })
    expect((await app.request('/feed.xml')).headers.get('Cache-Control')).toBe('public, max-age=90, stale-while-revalidate=60, stale-if-error=86400')
  })

  it('reads the clock only for a document whose freshness counts down: none while no article is scheduled', async () => {
    let reads = 0
    let next: number | undefined
    const now = () => (reads++, NOW.getTime())
    const app = appWith({ now, nextPublication: () => next })
    for (const path of ['/feed.xml', '/feed.json', '/', '/site.css']) expect((await app.request(path)).status, path).toBe(200)
    expect((await app.request('/feed.xml')).headers.get('Cache-Control')).toBe(LIVE)
    expect(reads).toBe(0)
    next = NOW.getTime() + 90_500
    expect((await app.request('/feed.xml')).headers.get('Cache-Control')).toBe('public, max-age=90, stale-while-revalidate=60, stale-if-error=86400')
    expect(reads).toBe(1)
    // A stylesheet's lifetime is fixed: no clock, scheduled article or not.
    expect((await app.request('/site.css')).headers.get('Cache-Control')).toBe('public, max-age=3600, stale-while-revalidate=60, stale-if-error=86400')
    expect(reads).toBe(1)
  })

  it('sends a 404 with the bytes it is given', async () => {
    const response = await appWith().request('/fehlt', { headers: { 'If-None-Match': page.identity.etag } })
    expect(response.status).toBe(404)
    expect((await bytesOf(response)).equals(Buffer.from(page.identity.body))).toBe(true)
  })
})

describe('createSender: content codings (RFC 9110 §12.5.3)', () => {
  it.each([
    ['gzip, deflate, br', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0.5, gzip;q=0.8', 'gzip'],
    ['gzip;q=0.5, br', 'br'],
    ['*', 'br'],
    ['x-gzip', 'gzip'],
  ])('answers Accept-Encoding "%s" with %s, its ETag and its length', async (acceptEncoding, coding) => {
    const response = await appWith().request('/feed.xml', { headers: { 'Accept-Encoding': acceptEncoding } })
    const encoded = rss.encodings[coding as 'br' | 'gzip']
    const body = await bytesOf(response)
    expect([response.headers.get('Content-Encoding'), response.headers.get('ETag'), response.headers.get('Content-Length')]).toEqual([
      coding,
      encoded?.etag,
      String(encoded?.body.byteLength),
    ])
    expect((coding === 'br' ? brotliDecompressSync(body) : gunzipSync(body)).toString('utf8')).toBe(RSS_TEXT)
  })

  it.each([['identity'], ['br;q=0, gzip;q=0'], ['deflate'], ['']])('sends identity bytes for Accept-Encoding "%s"', async (acceptEncoding) => {
    const response = await appWith().request('/feed.xml', { headers: { 'Accept-Encoding': acceptEncoding } })
    expect([response.headers.get('Content-Encoding'), response.headers.get('ETag')]).toEqual([null, rss.identity.etag])
    expect((await bytesOf(response)).toString('utf8')).toBe(RSS_TEXT)
  })

  it('sends identity bytes of a document too small to compress, whatever the client accepts', async () => {
    const response = await appWith().request('/site.css', { headers: { 'Accept-Encoding': 'br, gzip' } })
    expect([response.headers.get('Content-Encoding'), response.headers.get('ETag'), await response.text()]).toEqual([null, small.identity.etag, 'body{margin:0}\n'])
  })
})

describe('createSender: browsers', () => {
  it('sends a browser the feed as application/xml, under its own ETag', async () => {
    const response = await appWith().request('/feed.xml', { headers: { Accept: BROWSER } })
    expect([response.headers.get('Content-Type'), response.headers.get('ETag'), response.headers.get('Vary')]).toEqual([
      'application/xml; charset=utf-8',
      `${rss.identity.etag.slice(0, -1)}-view"`,
      'Accept, Accept-Encoding',
    ])
    expect((await bytesOf(response)).toString('utf8')).toBe(RSS_TEXT)
  })

  it('combines the browser view with the coding in the ETag', async () => {
    const response = await appWith().request('/feed.xml', { headers: { Accept: BROWSER, 'Accept-Encoding': 'gzip, deflate, br, zstd' } })
    expect([response.headers.get('Content-Encoding'), response.headers.get('ETag')]).toEqual(['br', `${rss.encodings.br?.etag.slice(0, -1)}-view"`])
  })

  it.each([['application/rss+xml, application/xml;q=0.9, */*;q=0.8'], ['*/*'], ['text/html;q=0.5, application/rss+xml']])(
    'sends a feed reader (Accept "%s") the feed type',
    async (accept) => {
      const response = await appWith().request('/feed.xml', { headers: { Accept: accept } })
      expect([response.headers.get('Content-Type'), response.headers.get('ETag')]).toEqual(['application/rss+xml; charset=utf-8', rss.identity.etag])
    },
  )

  it('sends a document without a browser type under its own type, even to a browser', async () => {
    const response = await appWith().request('/feed.json', { headers: { Accept: BROWSER } })
    expect([response.headers.get('Content-Type'), response.headers.get('ETag')]).toEqual(['application/feed+json; charset=utf-8', json.identity.etag])
  })
})

describe('createSender: conditional requests (RFC 9110 §13.2.2)', () => {
  it('answers a matching If-None-Match with 304: no body, the validators and caching headers, no content headers', async () => {
    const response = await appWith().request('/feed.xml', { headers: { 'If-None-Match': rss.identity.etag } })
    expect(response.status).toBe(304)
    expect(await response.text()).toBe('')
    expect(headersOf(response)).toEqual(rssValidatorsAndCaching())
  })

  it('answers 304 to the tag of the coding it sends, weakened by a proxy or among others', async () => {
    const br = rss.encodings.br?.etag ?? ''
    for (const ifNoneMatch of [br, `W/${br}`, `"other", ${br}`, '*']) {
      const response = await appWith().request('/feed.xml', { headers: { 'Accept-Encoding': 'br', 'If-None-Match': ifNoneMatch } })
      expect([response.status, response.headers.get('ETag')], ifNoneMatch).toEqual([304, br])
    }
  })

  it('answers 200 when the client holds the bytes of another coding', async () => {
    const response = await appWith().request('/feed.xml', { headers: { 'Accept-Encoding': 'br', 'If-None-Match': rss.encodings.gzip?.etag ?? '' } })
    expect([response.status, response.headers.get('ETag')]).toEqual([200, rss.encodings.br?.etag])
  })

  it('answers If-Modified-Since with 304 from Last-Modified on, and with 200 before', async () => {
    const at = (since: string) => appWith().request('/feed.xml', { headers: { 'If-Modified-Since': since } })
    expect((await at('Thu, 05 Jun 2025 15:00:00 GMT')).status).toBe(304)
    expect((await at('Thu, 05 Jun 2025 14:59:59 GMT')).status).toBe(200)
  })

  it('answers an If-Match that names another tag with 412', async () => {
    const response = await appWith().request('/feed.xml', { headers: { 'If-Match': '"veraltet"' } })
    expect([response.status, await response.text(), response.headers.get('ETag')]).toEqual([412, 'Precondition failed: the document has changed\n', rss.identity.etag])
  })
})

describe('createSender: HEAD', () => {
  it.each([
    ['no encoding', {}],
    ['Brotli, as a browser', { Accept: BROWSER, 'Accept-Encoding': 'br' }],
  ])('answers HEAD (%s) with no body and the headers of the GET', async (_, headers: Record<string, string>) => {
    const app = appWith()
    const get = await app.request('/feed.xml', { headers })
    const head = await app.request('/feed.xml', { method: 'HEAD', headers })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect(headersOf(head)).toEqual(headersOf(get))
  })
})

describe('createSender: WebSub discovery (WebSub §4)', () => {
  it('names the hub and the topic in a Link header on a topic', async () => {
    const response = await appWith().request('/feed.xml')
    expect(response.headers.get('Link')).toBe('<https://hub.example.org/>; rel="hub", <https://www.example.de/wirtschaft/feed.xml>; rel="self"')
  })

  it('sends no Link header without a hub', async () => {
    const response = await appWith({ hub: undefined }).request('/feed.xml')
    expect(response.headers.get('Link')).toBeNull()
  })
})

describe('createSender: identity bytes of 512 KiB or more (resource.ts: held as Brotli once compressed)', () => {
  it('sends the same bytes without gzip before and after compression, gzip after, and keeps no copy of the identity bytes', async () => {
    const text = sitemapPartText(3)
    const resource = await createIdentityFirst(text, { contentType: 'application/xml; charset=utf-8', now: NOW })
    const send = createSender({ cache: POLICY, now: () => NOW.getTime(), nextPublication: () => undefined, contentSecurityPolicy: CSP, hub: undefined })
    const app = new Hono().get('/sitemap.xml', (c) => respond(send(viewOfContext(c), resource)))
    const answer = async (headers: Record<string, string> = {}) => {
      const response = await app.request('/sitemap.xml', { headers })
      return { status: response.status, length: response.headers.get('Content-Length'), etag: response.headers.get('ETag'), coding: response.headers.get('Content-Encoding'), body: Buffer.from(await response.arrayBuffer()) }
    }
    const identity = { status: 200, length: String(Buffer.byteLength(text)), etag: resource.identity.etag, coding: null }
    // Before the compressed forms exist: the identity bytes, to a client that takes gzip too.
    const early = await answer({ 'Accept-Encoding': 'gzip' })
    expect({ ...early, body: early.body.toString() }).toEqual({ ...identity, body: text })
    const bytes = new WeakRef(resource.identity.body.buffer)
    await resource.compressed
    expect(holdsBytes(resource.identity)).toBe(false)
    const plain = await answer()
    expect({ ...plain, body: plain.body.toString() }).toEqual({ ...identity, body: text })
    const gzip = await answer({ 'Accept-Encoding': 'gzip' })
    expect([gzip.coding, gunzipSync(gzip.body).toString()]).toEqual(['gzip', text])
    expect((await app.request('/sitemap.xml', { headers: { 'If-None-Match': identity.etag } })).status).toBe(304)
    // The sender made its answers from the bytes as they were each time: none of its variants keeps the first ones.
    expect(await collected(bytes)).toBe(true)
  })
})

describe('createSender: identity bytes held compressed, inflated once for the answers that share them', () => {
  const request = (method: string): RequestView => ({ method, path: '/sitemap.xml', url: '/sitemap.xml', header: () => undefined, socket: undefined })

  it('answers two GETs without gzip with one inflating off this thread and one copy (slow readers share it), and a HEAD without inflating at all', async () => {
    const text = sitemapPartText(4)
    const resource = await createResource(text, { contentType: 'application/xml; charset=utf-8', now: NOW })
    const send = createSender({ cache: POLICY, now: () => NOW.getTime(), nextPublication: () => undefined, contentSecurityPolicy: CSP, hub: undefined })
    const inflateHere = vi.spyOn(zlib, 'brotliDecompressSync')
    const inflate = vi.spyOn(zlib, 'brotliDecompress')
    try {
      const head = send(request('HEAD'), resource) as Answer
      expect([head.status, head.headers['Content-Length'], (head.body as Uint8Array).byteLength, inflate.mock.calls.length]).toEqual([200, String(Buffer.byteLength(text)), 0, 0])
      // Asked while the bytes are inflated: both answers are made once the same inflating is done.
      const [first, second] = [send(request('GET'), resource), send(request('GET'), resource)]
      expect([first instanceof Promise, second instanceof Promise]).toEqual([true, true])
      const [firstBytes, secondBytes] = (await Promise.all([first, second])).map((answer) => answer.body)
      expect(Buffer.from(firstBytes as Uint8Array).toString()).toBe(text)
      expect(secondBytes?.buffer).toBe(firstBytes?.buffer)
      // Asked while an answer still holds them: the same copy, at once.
      const third = send(request('GET'), resource) as Answer
      expect((third.body as Uint8Array).buffer).toBe(firstBytes?.buffer)
      expect([inflate.mock.calls.length, inflateHere.mock.calls.length]).toEqual([1, 0])
    } finally {
      inflate.mockRestore()
      inflateHere.mockRestore()
    }
  })

  it('hands a GET the bytes a slow reader’s answer still holds after a collection (no second inflating), and lets them go once none does', async () => {
    const text = sitemapPartText(5)
    const resource = await createResource(text, { contentType: 'application/xml; charset=utf-8', now: NOW })
    const send = createSender({ cache: POLICY, now: () => NOW.getTime(), nextPublication: () => undefined, contentSecurityPolicy: CSP, hub: undefined })
    const inflate = vi.spyOn(zlib, 'brotliDecompress')
    try {
      // What the socket holds while it sends the first answer: the answer's own Buffer, not the one zlib gave.
      let sending = (await send(request('GET'), resource)).body as Uint8Array | undefined
      expect(inflate.mock.calls.length).toBe(1)
      // The spy's record of the call holds zlib's callback, and through it the promise fulfilled with zlib's Buffer: not a reader.
      inflate.mockClear()
      await nextTurn()
      gc()
      let later = (send(request('GET'), resource) as Answer).body
      expect([later instanceof Uint8Array, (later as Uint8Array).buffer === sending?.buffer, inflate.mock.calls.length]).toEqual([true, true, 0])
      const memory = new WeakRef((sending as Uint8Array).buffer)
      sending = undefined
      later = null
      expect(await collected(memory)).toBe(true)
    } finally {
      inflate.mockRestore()
    }
  })

  it('fails the answer itself when the bytes fail to inflate (Hono’s route then answers 500), and answers a HEAD all the same', async () => {
    const text = sitemapPartText(6)
    const resource = await createResource(text, { contentType: 'application/xml; charset=utf-8', now: NOW })
    const send = createSender({ cache: POLICY, now: () => NOW.getTime(), nextPublication: () => undefined, contentSecurityPolicy: CSP, hub: undefined })
    const inflate = failingInflates()
    try {
      await expect(send(request('GET'), resource)).rejects.toThrow('inflate failed')
      expect((send(request('HEAD'), resource) as Answer).status).toBe(200)
      const app = new Hono().get('/sitemap.xml', (c) => respond(send(viewOfContext(c), resource)))
      app.onError((_, c) => c.text('Internal server error\n', 500))
      const response = await app.request('/sitemap.xml')
      expect([response.status, await response.text()]).toEqual([500, 'Internal server error\n'])
    } finally {
      inflate.mockRestore()
    }
  })
})

describe('createSender: identity bytes while gzip and Brotli are being made (Resource.compressing)', () => {
  it('keeps them out of shared caches for a client that asked for a coding, and sends the coding, cacheable, once made', async () => {
    // Brotli of a document over 16 KiB waits its turn on the thread pool: held here until released.
    const turns = new ConcurrencyLimit(1)
    let release = () => {}
    void turns.run(() => new Promise<void>((resolve) => (release = resolve)))
    const text = RSS_TEXT.repeat(20)
    const resource = await createIdentityFirst(text, { contentType: 'application/rss+xml; charset=utf-8', now: NOW }, turns)
    const cdnHeaders = createCdnHeaders({ provider: 'varnish', maxAge: 86400, purge: undefined }, POLICY)
    const send = createSender({ cache: POLICY, now: () => NOW.getTime(), nextPublication: () => undefined, contentSecurityPolicy: CSP, hub: undefined, cdnHeaders })
    const app = new Hono().get('/feed.xml', (c) => respond(send(viewOfContext(c), resource))).get('/site.css', (c) => respond(send(viewOfContext(c), small)))
    const caching = async (path: string, headers: Record<string, string> = {}) => {
      const response = await app.request(path, { headers })
      return { coding: response.headers.get('Content-Encoding'), cacheControl: response.headers.get('Cache-Control'), cdn: response.headers.get('Surrogate-Control'), etag: response.headers.get('ETag') }
    }
    const shared = { cacheControl: LIVE, cdn: 'max-age=86400' }
    expect(resource.compressing).toBe(true)
    expect(await caching('/feed.xml', { 'Accept-Encoding': 'gzip, br' })).toEqual({ coding: null, cacheControl: LIVE.replace('public', 'private'), cdn: 'no-store', etag: resource.identity.etag })
    // A client that takes no coding gets the identity bytes it will always get: cacheable as ever.
    expect(await caching('/feed.xml')).toEqual({ coding: null, ...shared, etag: resource.identity.etag })
    // Too small to be compressed: the identity bytes are all there is, for every client.
    expect(await caching('/site.css', { 'Accept-Encoding': 'gzip, br' })).toMatchObject({ coding: null, cdn: null })
    expect((await caching('/site.css', { 'Accept-Encoding': 'gzip, br' })).cacheControl).toMatch(/^public/)
    release()
    await resource.compressed
    expect(resource.compressing).toBe(false)
    expect(await caching('/feed.xml', { 'Accept-Encoding': 'gzip, br' })).toEqual({ coding: 'br', ...shared, etag: resource.encodings.br?.etag })
    expect(await caching('/feed.xml', { 'Accept-Encoding': 'gzip' })).toEqual({ coding: 'gzip', ...shared, etag: resource.encodings.gzip?.etag })
  })
})
