import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MAX_KEY_HEADER_BYTES } from '../../src/cdn/cdn-headers.js'
import { articleKey, mediaKey, mediaKeys } from '../../src/site/cache-keys.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'
import { testApp } from '../helpers/test-app.js'

const NOW = new Date('2026-01-01T12:00:00Z')
const files = {
  'zinsen.md': articleText({ title: 'Zinsen', date: '2025-12-01T08:00:00Z', category: 'wirtschaft', tags: '[EZB, Geldpolitik]', author: 'Lea Voigt' }),
  'boerse.md': articleText({ title: 'Börse', date: '2025-12-02T08:00:00Z', category: 'wirtschaft', tags: '[Börse]' }),
  // Goes live in 90 seconds.
  'morgen.md': articleText({ title: 'Morgen', date: '2026-01-01T12:01:30Z', category: 'wirtschaft' }),
}
const ZINSEN = articleKey('/wirtschaft/zinsen.html')
const BOERSE = articleKey('/wirtschaft/boerse.html')

let temp: ReturnType<typeof makeTempDir> | undefined
afterEach(() => temp?.rm())

describe('cache keys in responses', () => {
  it('names them in xkey with spaces for Varnish, Surrogate-Key for Fastly, Cache-Tag with commas for Cloudflare', async () => {
    for (const [CDN, header, separator] of [
      ['varnish', 'xkey', ' '],
      ['fastly', 'Surrogate-Key', ' '],
      ['cloudflare', 'Cache-Tag', ','],
    ] as const) {
      const { app } = await testApp(files, { CDN }, NOW)
      const response = await app.request('/wirtschaft/feed.xml')
      expect(response.headers.get(header), CDN).toBe(['site', 'feed', BOERSE, ZINSEN, 'doc'].join(separator))
    }
  })

  it('gives each kind of document the keys of what it shows', async () => {
    const { app } = await testApp(files, { CDN: 'varnish' }, NOW)
    const keys = async (url: string) => (await app.request(url)).headers.get('xkey')
    expect(await keys('/')).toBe(`site feed ${BOERSE} ${ZINSEN} doc`)
    expect(await keys('/wirtschaft/zinsen.html')).toBe(`site ${ZINSEN} doc`)
    expect(await keys('/wirtschaft/atom.xml?tag=EZB')).toBe(`site t-ezb ${ZINSEN} doc`)
    expect(await keys('/wirtschaft/feed.json?author=Lea%20Voigt')).toBe(`site au-${digestOf('lea voigt')} ${ZINSEN} doc`)
    expect(await keys('/wirtschaft/feed.json?limit=1')).toBe(`site l-1 ${BOERSE} doc`)
    expect(await keys('/wirtschaft/feed.json?limit=100&tag=EZB')).toBe(`site t-ezb.all ${ZINSEN} doc`)
    expect(await keys('/wirtschaft/feed.xml?tag=Unbekannt')).toBe('site t-unbekannt feed doc')
    expect(await keys('/assets/site.css')).toBe('site doc')
    expect(await keys('/feeds.opml')).toBe('site doc')
    // A 404 names what may appear there: its publication purges it.
    expect(await keys('/wirtschaft/morgen.html')).toBe(`site ${articleKey('/wirtschaft/morgen.html')} doc`)
    expect(await keys('/wirtschaft/archiv/7/feed.xml')).toBe('site p-7 doc')
    expect(await keys('/nirgends')).toBe('site doc')
  })

  it('keeps the keys on a 304', async () => {
    const { app } = await testApp(files, { CDN: 'fastly' }, NOW)
    const etag = (await app.request('/wirtschaft/zinsen.html')).headers.get('ETag') ?? ''
    const response = await app.request('/wirtschaft/zinsen.html', { headers: { 'If-None-Match': etag } })
    expect(response.status).toBe(304)
    expect(response.headers.get('Surrogate-Key')).toBe(`site ${ZINSEN} doc`)
  })

  it('hashes long, upper-case or non-ASCII values into short lower-case keys', async () => {
    expect(mediaKey('podcast/folge-1.mp3')).toBe('m-podcast/folge-1.mp3')
    expect(mediaKey('podcast/Folge 1 – Zinsen.mp3')).toMatch(/^m-[0-9a-f]{12}$/)
    expect(articleKey('/wirtschaft/zinsen.html')).toMatch(/^a-[0-9a-f]{14}$/)
  })

  it('names only the keys every change purges when the header would pass 4 KB (Varnish answers 503 past 8 KB)', async () => {
    const many: Record<string, string> = {}
    for (let n = 0; n < 300; n++) {
      many[`a${n}.md`] = articleText({ title: `Artikel ${n}`, date: `2025-11-01T08:${String(n % 60).padStart(2, '0')}:00Z`, category: 'wirtschaft' })
    }
    const { app } = await testApp(many, { CDN: 'varnish', FEED_LIMIT: '50' }, NOW)
    const feed = await app.request('/wirtschaft/feed.xml')
    expect((feed.headers.get('xkey') ?? '').split(' ')).toHaveLength(53)
    const view = await app.request('/wirtschaft/feed.xml?limit=250')
    expect(view.status).toBe(200)
    expect(view.headers.get('xkey')).toBe('site any doc')
    expect(MAX_KEY_HEADER_BYTES).toBeLessThan(8192)
    // And a replaced media file purges them too: such a view may show it.
    expect(mediaKeys(['bild.jpg'])).toEqual([mediaKey('bild.jpg'), 'any'])
  })

  it('sends none without a CDN', async () => {
    const { app } = await testApp(files, {}, NOW)
    const response = await app.request('/wirtschaft/feed.xml')
    expect(['xkey', 'Surrogate-Key', 'Cache-Tag', 'Surrogate-Control', 'CDN-Cache-Control'].map((name) => response.headers.get(name))).toEqual([null, null, null, null, null])
  })
})

/** The header each CDN reads its own lifetime from. */
const LIFETIME_HEADERS = [
  ['varnish', 'Surrogate-Control'],
  ['fastly', 'Surrogate-Control'],
  ['cloudflare', 'CDN-Cache-Control'],
] as const

describe('CDN_MAX_AGE: the CDN’s lifetime, apart from browsers’', () => {
  it('never lets a CDN keep a feed’s browser page: the CDN’s own lifetime header says no-store there (Cloudflare ignores Vary and private)', async () => {
    const navigation = { 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate' }
    for (const [CDN, header] of LIFETIME_HEADERS) {
      const { app } = await testApp(files, { CDN, CDN_MAX_AGE: '86400' }, NOW)
      const page = await app.request('/wirtschaft/feed.xml', { headers: navigation })
      expect([page.headers.get('content-type'), page.headers.get(header)], CDN).toEqual(['text/html; charset=utf-8', 'no-store'])
      expect(page.headers.get('cache-control'), CDN).toMatch(/^private, /)
      const feed = await app.request('/wirtschaft/feed.xml')
      expect(feed.headers.get(header), CDN).toBe('max-age=86400')
    }
  })

  it('gives Fastly and Varnish Surrogate-Control, Cloudflare CDN-Cache-Control; browsers keep max-age up to the next scheduled article', async () => {
    for (const [CDN, header] of LIFETIME_HEADERS) {
      const { app } = await testApp(files, { CDN, CDN_MAX_AGE: '86400' }, NOW)
      const feed = await app.request('/wirtschaft/feed.xml')
      expect(feed.headers.get(header), CDN).toBe('max-age=86400')
      expect(feed.headers.get('Cache-Control'), CDN).toBe('public, max-age=90, stale-while-revalidate=60, stale-if-error=86400')
      expect(feed.headers.get('Cache-Control')).not.toContain('s-maxage')
    }
  })

  it('never shortens archive pages, and leaves stylesheets to Cache-Control', async () => {
    const older = { 'alt.md': articleText({ title: 'Alt', date: '2025-01-01T08:00:00Z', category: 'wirtschaft' }) }
    const { app } = await testApp({ ...files, ...older }, { CDN: 'fastly', CDN_MAX_AGE: '600', FEED_LIMIT: '1', ARCHIVE_PAGE_SIZE: '1' }, NOW)
    expect((await app.request('/wirtschaft/archiv/1/feed.xml')).headers.get('Surrogate-Control')).toBe('max-age=86400')
    expect((await app.request('/assets/site.css')).headers.get('Surrogate-Control')).toBeNull()
    expect((await app.request('/healthz')).headers.get('Surrogate-Control')).toBeNull()
  })

  it('gives a media file its key, the media key and the CDN lifetime', async () => {
    temp = makeTempDir()
    temp.write('media/podcast/folge-1.mp3', Buffer.alloc(100))
    const { app } = await testApp(files, { CDN: 'cloudflare', CDN_MAX_AGE: '600', MEDIA_DIR: path.join(temp.dir, 'media') }, NOW)
    const response = await app.request('/media/podcast/folge-1.mp3')
    expect(response.status).toBe(200)
    expect(response.headers.get('Cache-Tag')).toBe('site,media,m-podcast/folge-1.mp3')
    expect(response.headers.get('CDN-Cache-Control')).toBe('max-age=86400')
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=86400')
    expect(fs.existsSync(temp.dir)).toBe(true)
  })
})

function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12)
}
