/**
 * A person who opens a feed URL in a browser gets a German HTML page; every
 * other client, whatever it accepts, gets the feed (#11, points 6 and 7).
 * Browsers mark a top-level navigation with Fetch Metadata
 * (`Sec-Fetch-Dest: document`, `Sec-Fetch-Mode: navigate`); feed readers
 * send neither.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bothWays, closeBothWays } from '../helpers/both-ways.js'
import { bundledSite } from '../helpers/bundled-site.js'
import { articleText } from '../helpers/temp-dir.js'
import { testApp } from '../helpers/test-app.js'

const SITE = 'https://www.example.de/'
/** What Chromium 156 sends when a person opens a URL. */
const CHROMIUM_NAVIGATION = {
  Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
  'Sec-Fetch-Dest': 'document',
  'Sec-Fetch-Mode': 'navigate',
  'Sec-Fetch-Site': 'none',
  'Sec-Fetch-User': '?1',
  'Upgrade-Insecure-Requests': '1',
  'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
}

/**
 * Request headers of feed readers, as their sources write them (version
 * named), and clients that look like browsers without being a navigation.
 */
const READERS: readonly (readonly [string, Record<string, string>])[] = [
  // feedparser 6.0.10 (feedparser/http.py ACCEPT_HEADER); rss2email sends the same through it.
  ['feedparser', { Accept: 'application/atom+xml,application/rdf+xml,application/rss+xml,application/x-netcdf,application/xml;q=0.9,text/xml;q=0.2,*/*;q=0.1', 'User-Agent': 'feedparser/6.0.10 +https://github.com/kurtmckee/feedparser/' }],
  // rss-parser 3.13 (lib/parser.js DEFAULT_HEADERS).
  ['rss-parser', { Accept: 'application/rss+xml', 'User-Agent': 'rss-parser' }],
  // newsboat 2.21 (libcurl): no Accept of its own.
  ['newsboat', { Accept: '*/*', 'User-Agent': 'newsboat/2.21.0 (Linux x86_64)' }],
  // sfeed_update: curl with the User-Agent removed.
  ['sfeed', { Accept: '*/*' }],
  // Readers that copy a browser's Accept header, to get past bot filters.
  ['a reader with a browser Accept', { Accept: CHROMIUM_NAVIGATION.Accept, 'User-Agent': CHROMIUM_NAVIGATION['User-Agent'] }],
  ['a reader asking for HTML only', { Accept: 'text/html' }],
  ['a client without headers', {}],
  // Fetch Metadata that is not a top-level navigation: an iframe, a script's fetch(), a worker.
  ['a navigation in an iframe', { ...CHROMIUM_NAVIGATION, 'Sec-Fetch-Dest': 'iframe' }],
  ['a script’s fetch()', { Accept: '*/*', 'Sec-Fetch-Dest': 'empty', 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Site': 'cross-site' }],
  ['a document request that is no navigation', { ...CHROMIUM_NAVIGATION, 'Sec-Fetch-Mode': 'no-cors' }],
]

const FEEDS = [
  ['/wirtschaft/feed.xml', 'application/rss+xml; charset=utf-8', 'Accept, Accept-Encoding, Sec-Fetch-Dest, Sec-Fetch-Mode'],
  ['/wirtschaft/atom.xml', 'application/atom+xml; charset=utf-8', 'Accept, Accept-Encoding, Sec-Fetch-Dest, Sec-Fetch-Mode'],
  ['/wirtschaft/feed.json', 'application/feed+json; charset=utf-8', 'Accept-Encoding, Sec-Fetch-Dest, Sec-Fetch-Mode'],
  ['/wirtschaft/podcast.xml', 'application/rss+xml; charset=utf-8', 'Accept, Accept-Encoding, Sec-Fetch-Dest, Sec-Fetch-Mode'],
] as const
/** Rendered on request, with no page of their own (feed-resource.ts): a navigation gets the feed with its stylesheets. */
const WITHOUT_PAGE = [
  ['/wirtschaft/feed.xml?author=Miriam%20Okafor', 'application/rss+xml; charset=utf-8', 'Accept, Accept-Encoding'],
] as const

let site: Awaited<ReturnType<typeof bundledSite>>
/** Every request goes through app.request() and the real listener, and both must answer the same (helpers/both-ways.ts). */
let app: ReturnType<typeof bothWays>

beforeAll(async () => {
  site = await bundledSite(SITE, new Date('2026-12-01T09:00:00Z'))
  app = bothWays(site.http)
})

afterAll(closeBothWays)

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => app.request(path, { method, headers })

describe('a browser navigating to a feed', () => {
  it.each(FEEDS)('gets a German HTML page for %s, with its own ETag, the feed’s Vary, and kept out of shared caches', async (path, feedType, vary) => {
    const feed = await get(path)
    const page = await get(path, CHROMIUM_NAVIGATION)
    expect(page.status).toBe(200)
    expect(page.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
    expect((await page.text()).startsWith('<!doctype html>\n<html lang="de">')).toBe(true)
    expect(feed.headers.get('Content-Type')).toBe(feedType)
    expect([page.headers.get('Vary'), feed.headers.get('Vary')]).toEqual([vary, vary])
    expect(page.headers.get('ETag')).toMatch(/^"[\w-]{27}"$/)
    expect(page.headers.get('ETag')).not.toBe(feed.headers.get('ETag'))
    expect(page.headers.get('Cache-Control')).toBe(feed.headers.get('Cache-Control')?.replace(/^public/, 'private'))
    expect(page.headers.get('Last-Modified')).toBe(feed.headers.get('Last-Modified'))
    expect(page.headers.get('Content-Security-Policy')).toContain("default-src 'none'")
  })

  it('is answered 304 for the page’s own ETag, and 200 with the page for the feed’s', async () => {
    const page = await get('/wirtschaft/feed.xml', CHROMIUM_NAVIGATION)
    const feed = await get('/wirtschaft/feed.xml')
    const again = await get('/wirtschaft/feed.xml', { ...CHROMIUM_NAVIGATION, 'If-None-Match': page.headers.get('ETag') as string })
    expect(again.status).toBe(304)
    expect(again.headers.get('ETag')).toBe(page.headers.get('ETag'))
    const other = await get('/wirtschaft/feed.xml', { ...CHROMIUM_NAVIGATION, 'If-None-Match': feed.headers.get('ETag') as string })
    expect([other.status, other.headers.get('Content-Type')]).toEqual([200, 'text/html; charset=utf-8'])
  })

  it('gets the compressed page with its own ETag, and HEAD the same headers', async () => {
    const br = await get('/wirtschaft/feed.xml', { ...CHROMIUM_NAVIGATION, 'Accept-Encoding': 'gzip, deflate, br, zstd' })
    const plain = await get('/wirtschaft/feed.xml', CHROMIUM_NAVIGATION)
    expect(br.headers.get('Content-Encoding')).toBe('br')
    expect(br.headers.get('ETag')).toBe(`${plain.headers.get('ETag')?.slice(0, -1)}-br"`)
    const head = await get('/wirtschaft/feed.xml', CHROMIUM_NAVIGATION, 'HEAD')
    expect([head.headers.get('Content-Type'), head.headers.get('ETag')]).toEqual(['text/html; charset=utf-8', plain.headers.get('ETag')])
  })

  it('gets the same bytes on every request: the page is rendered once per content change', async () => {
    const first = new Uint8Array(await (await get('/wirtschaft/feed.xml', CHROMIUM_NAVIGATION)).arrayBuffer())
    const second = new Uint8Array(await (await get('/wirtschaft/feed.xml', CHROMIUM_NAVIGATION)).arrayBuffer())
    expect(second).toEqual(first)
    const resource = site.store.resource('/wirtschaft/feed.xml')
    expect(resource?.browserPage?.identity.body).toBe(site.store.resource('/wirtschaft/feed.xml')?.browserPage?.identity.body)
    expect(Buffer.from(resource?.browserPage?.identity.body ?? []).equals(Buffer.from(first))).toBe(true)
  })
})

describe('a browser navigating to an archive page (the German page links “Ältere Artikel” there)', () => {
  it.each(['feed.xml', 'atom.xml', 'feed.json'])('gets its German page for archiv/1/%s, and a reader the feed', async (file) => {
    const files: Record<string, string> = {}
    for (const day of [1, 2, 3, 4, 5]) {
      files[`tag-${day}.md`] = articleText({ title: `Meldung vom ${day}. Dezember`, date: `2025-12-0${day}T08:00:00Z`, category: 'wirtschaft', author: 'Lea Voigt' })
    }
    const app = bothWays((await testApp(files, { SITE_URL: SITE, FEED_LIMIT: '2', ARCHIVE_PAGE_SIZE: '2' })).http)
    const path = `/wirtschaft/archiv/1/${file}`
    const page = await app.request(path, { headers: CHROMIUM_NAVIGATION })
    const feed = await app.request(path)
    expect([page.status, page.headers.get('Content-Type'), page.headers.get('Cache-Control')?.split(',')[0]]).toEqual([200, 'text/html; charset=utf-8', 'private'])
    const text = await page.text()
    expect(text).toContain('<h2>Artikel dieser Archivseite</h2>')
    expect(text).toContain('1. Dezember 2025 um 09:00 Uhr')
    expect(feed.headers.get('Content-Type')).not.toBe('text/html; charset=utf-8')
    expect(page.headers.get('Vary')).toBe(feed.headers.get('Vary'))
    expect(page.headers.get('Vary')).toContain('Sec-Fetch-Dest, Sec-Fetch-Mode')
  })
})

describe('a browser navigating to a filtered view', () => {
  it('gets the feed as application/xml, so its XSLT and CSS apply, as before', async () => {
    const [[path, , vary]] = WITHOUT_PAGE
    const response = await get(path, CHROMIUM_NAVIGATION)
    expect([response.headers.get('Content-Type'), response.headers.get('Vary'), response.headers.get('Cache-Control')?.split(',')[0]]).toEqual([
      'application/xml; charset=utf-8',
      vary,
      'public',
    ])
    expect(await response.text()).toContain('<?xml-stylesheet href="https://www.example.de/assets/feed.xsl" type="text/xsl"?>')
  })
})

describe('a feed reader, whatever it sends', () => {
  it.each(READERS)('%s gets the feed bytes of every feed', async (_name, headers) => {
    for (const [path, type, vary] of [...FEEDS, ...WITHOUT_PAGE]) {
      const plain = await get(path)
      const response = await get(path, headers)
      expect(response.headers.get('Content-Type'), path).toMatch(path.endsWith('.json') ? type : /^application\/(rss\+xml|atom\+xml|xml); charset=utf-8$/)
      expect(response.headers.get('Vary'), path).toBe(vary)
      expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(await plain.arrayBuffer())), path).toBe(true)
    }
  })
})
