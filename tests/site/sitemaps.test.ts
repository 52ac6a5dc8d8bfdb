/**
 * /sitemap.xml, /news-sitemap.xml and /robots.txt: validated by xmllint
 * against the vendored sitemaps.org and Google News schemas, read back with
 * @xmldom/xmldom, and followed through time (an article going live, ageing
 * out of the news sitemap) and through changes.
 */
import { fileURLToPath } from 'node:url'
import { DOMParser, type Element } from '@xmldom/xmldom'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { SitemapBuilder } from '../../src/site/build-sitemaps.js'
import { planSite } from '../../src/site/build-site.js'
import { createResource, type CreateResource } from '../../src/site/resource.js'
import { MAX_NEWS_URLS, MAX_SITEMAP_URLS, newsArticles, newsLanguage, renderUrlSet, SITEMAP_PART_URLS } from '../../src/site/sitemaps.js'
import { ContentStore } from '../../src/store/content-store.js'
import { makeArticle } from '../helpers/article-fixtures.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'
import { testApp } from '../helpers/test-app.js'
import { SCHEMAS, validateWithSchema } from '../helpers/xmllint.js'

const SITE = 'https://www.example.de/'
const BUNDLED = fileURLToPath(new URL('../../articles', import.meta.url))
const NEWS_NS = 'http://www.google.com/schemas/sitemap-news/0.9'
const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9'

afterEach(() => vi.useRealTimers())

/** Each `<url>` (or `<sitemap>`) as loc, lastmod and, for news, its news fields. */
function readSitemap(xml: string, element = 'url') {
  const doc = new DOMParser().parseFromString(xml, 'text/xml')
  const text = (parent: Element, ns: string, name: string): string | undefined => parent.getElementsByTagNameNS(ns, name)[0]?.textContent ?? undefined
  return [...doc.getElementsByTagNameNS(SITEMAP_NS, element)].map((url) => ({
    loc: text(url, SITEMAP_NS, 'loc'),
    lastmod: text(url, SITEMAP_NS, 'lastmod'),
    ...(url.getElementsByTagNameNS(NEWS_NS, 'news').length > 0
      ? {
          name: text(url, NEWS_NS, 'name'),
          language: text(url, NEWS_NS, 'language'),
          date: text(url, NEWS_NS, 'publication_date'),
          title: text(url, NEWS_NS, 'title'),
        }
      : {}),
  }))
}

/** The bundled articles, as the service would serve them at `now`. */
async function bundledStore(now: Date) {
  const config = loadConfig({ SITE_URL: SITE, ARTICLES_DIR: BUNDLED })
  const store = new ContentStore({ config, clock: () => now, logger: { info: () => {}, warn: () => {} } })
  await store.load()
  store.close()
  return store
}

/** A store over in-memory files, kept open (its alarm and changes work), with the given clock. */
async function openStore(files: Map<string, string>, clock: () => Date) {
  const config = loadConfig({ SITE_URL: SITE })
  const store = new ContentStore({ config, source: memorySource(files, config), clock, logger: { info: () => {}, warn: () => {} } })
  await store.load()
  return { store, config }
}

const body = (store: ContentStore, path: string): string => new TextDecoder().decode(store.resource(path)?.identity.body)

describe('/sitemap.xml', () => {
  it('lists the index and every public article of every category, with lastmod, valid against sitemaps.org 0.9', async () => {
    const store = await bundledStore(new Date('2026-12-01T09:00:00Z'))
    const xml = body(store, '/sitemap.xml')
    expect(validateWithSchema(xml, SCHEMAS.sitemap)).toEqual({ ok: true, output: '- validates' })
    // Oldest first, then the index page; drafts, the 2030 outlook (scheduled) and nothing else left out.
    expect(readSitemap(xml)).toEqual([
      { loc: `${SITE}wirtschaft/deepseek-kostenschock.html`, lastmod: '2025-01-28T13:00:00Z' },
      { loc: `${SITE}wirtschaft/halbleiter-lieferzeiten.html`, lastmod: '2025-03-11T07:15:00Z' },
      { loc: `${SITE}wirtschaft/ezb-zinsentscheid.html`, lastmod: '2025-06-05T12:45:00Z' },
      { loc: `${SITE}wirtschaft/wohnungsbau-genehmigungen.html`, lastmod: '2025-06-12T05:15:00Z' },
      { loc: `${SITE}wirtschaft/mittelstand-energiepreise.html`, lastmod: '2025-09-17T09:20:00Z' },
      { loc: `${SITE}wirtschaft/podcast-geldfragen-12.html`, lastmod: '2025-10-02T03:00:00Z' },
      { loc: `${SITE}wirtschaft/podcast-geldfragen-13.html`, lastmod: '2025-10-30T04:00:00Z' },
      { loc: `${SITE}wirtschaft/digitaler-euro.html`, lastmod: '2025-11-04T09:00:00Z' },
      // The plus articles' public pages (teasers) are listed like any other.
      { loc: `${SITE}wirtschaft/baufinanzierung-zinsbindung.html`, lastmod: '2025-11-18T06:00:00Z' },
      { loc: `${SITE}wirtschaft/podcast-geldfragen-14.html`, lastmod: '2025-11-27T04:00:00Z' },
      { loc: `${SITE}sport/sport-bundesliga-finanzen.html`, lastmod: '2026-02-14T11:00:00Z' },
      { loc: `${SITE}wirtschaft/bahn-tarifeinigung.html`, lastmod: '2026-03-20T17:30:00Z' },
      { loc: `${SITE}politik/schuldenbremse.html`, lastmod: '2026-05-08T05:00:00Z' },
      { loc: SITE, lastmod: '2026-05-08T05:00:00Z' },
    ])
    expect(store.resource('/sitemap.xml')?.lastModified?.toISOString()).toBe('2026-05-08T05:00:00.000Z')
    expect(store.resource('/sitemap.xml')?.contentType).toBe('application/xml; charset=utf-8')
  })

  it('becomes a sitemap index of parts past the URL limit (50,000 per file), valid against siteindex.xsd', async () => {
    expect(MAX_SITEMAP_URLS).toBe(50_000)
    expect(() => renderUrlSet(Array.from({ length: 50_001 }, (_, i) => ({ loc: `${SITE}${i}.html`, lastmod: undefined })))).toThrow(
      'a sitemap holds at most 50000 URLs (50001 given)',
    )
    const config = loadConfig({ SITE_URL: SITE })
    const articles = ['a', 'b', 'c', 'd', 'e'].map((slug, i) => makeArticle(slug, { date: `2025-0${i + 1}-01T06:00:00Z` }))
    const plan = planSite(
      { publishedSection: () => [...articles].reverse(), publishedCount: () => 5, nextPublication: () => undefined, publishedPages: () => articles },
      new Date('2026-01-01T00:00:00Z'),
      config,
    )
    // Six URLs (the index page and five articles), three a file.
    const sitemaps = await new SitemapBuilder(config, 3).build(plan)
    const text = (path: string) => new TextDecoder().decode(sitemaps.get(path)?.identity.body)
    expect([...sitemaps.keys()].sort()).toEqual(['/news-sitemap.xml', '/sitemap-1.xml', '/sitemap-2.xml', '/sitemap.xml'])
    expect(validateWithSchema(text('/sitemap.xml'), SCHEMAS.siteindex)).toEqual({ ok: true, output: '- validates' })
    // The last part holds the newest articles and the index page.
    expect(readSitemap(text('/sitemap.xml'), 'sitemap')).toEqual([
      { loc: `${SITE}sitemap-1.xml`, lastmod: '2025-03-01T06:00:00Z' },
      { loc: `${SITE}sitemap-2.xml`, lastmod: '2025-05-01T06:00:00Z' },
    ])
    for (const part of ['/sitemap-1.xml', '/sitemap-2.xml']) {
      expect(validateWithSchema(text(part), SCHEMAS.sitemap)).toEqual({ ok: true, output: '- validates' })
    }
    expect(readSitemap(text('/sitemap-2.xml')).map((url) => url.loc)).toEqual([
      'https://www.example.de/wirtschaft/d.html',
      'https://www.example.de/wirtschaft/e.html',
      'https://www.example.de/',
    ])
  })

  it('one at a time while patient (a start\'s first sitemaps): each file is compressed before the next is written, so one uncompressed file at most is held', async () => {
    const config = loadConfig({ SITE_URL: SITE })
    const articles = ['a', 'b', 'c', 'd', 'e'].map((slug, i) => makeArticle(slug, { date: `2025-0${i + 1}-01T06:00:00Z` }))
    const plan = planSite({ publishedSection: () => [...articles].reverse(), publishedCount: () => 5, nextPublication: () => undefined, publishedPages: () => articles }, new Date('2026-01-01T00:00:00Z'), config)
    /** How many files made before were not compressed yet, each time one is made; a file's compression ends when it is waited for, not on a clock. */
    const written = async (patient: boolean) => {
      let pending = 0
      const seen: number[] = []
      const create: CreateResource = async (content, options) => {
        seen.push(pending)
        pending++
        const made = await createResource(content, options)
        const compressed = { then: (resolve: () => void) => (pending--, resolve()) } as unknown as Promise<void>
        return { ...made, compressed }
      }
      const sitemaps = await new SitemapBuilder(config, 3, create).build(plan, () => patient)
      return { seen, paths: [...sitemaps.keys()].sort() }
    }
    const paths = ['/news-sitemap.xml', '/sitemap-1.xml', '/sitemap-2.xml', '/sitemap.xml']
    expect(await written(true)).toEqual({ seen: [0, 0, 0, 0], paths })
    expect(await written(false)).toEqual({ seen: [0, 1, 2, 3], paths })
  })

  it("splits the service's sitemap every 10,000 URLs (SITEMAP_PART_URLS), not at the protocol's 50,000: the index and the cache keys alike", async () => {
    expect(SITEMAP_PART_URLS).toBe(10_000)
    // 10,000 articles and the index page: 10,001 URLs, one more than a part holds.
    const files = new Map(
      Array.from({ length: 10_000 }, (_, i) => [
        `wirtschaft/a${i}.md`,
        articleText({ title: `Artikel ${i}`, date: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString(), category: 'wirtschaft' }, 'Text.\n'),
      ]),
    )
    const { store } = await openStore(files, () => new Date('2026-01-01T00:00:00Z'))
    try {
      await store.completeFirstSite()
      const index = readSitemap(body(store, '/sitemap.xml'), 'sitemap')
      expect(index.map((part) => part.loc)).toEqual([`${SITE}sitemap-1.xml`, `${SITE}sitemap-2.xml`])
      const first = readSitemap(body(store, '/sitemap-1.xml'))
      expect(first).toHaveLength(10_000)
      expect(first[0]?.loc).toBe(`${SITE}wirtschaft/a0.html`)
      expect(readSitemap(body(store, '/sitemap-2.xml')).map((url) => url.loc)).toEqual([SITE])
      // Each part is purged by its own key, and the keys' versions (planSite) split where the files do (SitemapBuilder):
      // else an edit in part 1 would purge a key no part carries, and a CDN would keep the stale part.
      expect(store.resource('/sitemap-2.xml')?.keys).toContain('sitemap-2')
      expect([...store.site().plan.keys.keys()].filter((key) => /^sitemap-\d/.test(key)).sort()).toEqual(['sitemap-1', 'sitemap-2'])
    } finally {
      store.close()
    }
  }, 60_000)

  it('writes again only the parts whose articles changed', async () => {
    const config = loadConfig({ SITE_URL: SITE })
    const now = new Date('2026-01-01T00:00:00Z')
    const articles = ['a', 'b', 'c', 'd', 'e'].map((slug, i) => makeArticle(slug, { date: `2025-0${i + 1}-01T06:00:00Z` }))
    const planOf = (pages: readonly ReturnType<typeof makeArticle>[], window: readonly ReturnType<typeof makeArticle>[]) =>
      planSite({ publishedSection: () => [...window], publishedCount: () => pages.length, nextPublication: () => undefined, publishedPages: () => [...pages] }, now, config)
    const builder = new SitemapBuilder(config, 3)
    // The window (the index page's lastmod) stays the same: only the articles change.
    const first = await builder.build(planOf(articles, [articles[4] as never]))
    const edited = makeArticle('b', { date: '2025-02-01T06:00:00Z', updated: '2025-12-01T06:00:00Z' })
    const second = await builder.build(planOf([articles[0] as never, edited, ...articles.slice(2)], [articles[4] as never]))
    expect(second.get('/sitemap-2.xml')).toBe(first.get('/sitemap-2.xml'))
    expect(second.get('/sitemap-1.xml')).not.toBe(first.get('/sitemap-1.xml'))
    expect(readSitemap(new TextDecoder().decode(second.get('/sitemap.xml')?.identity.body), 'sitemap')[0]?.lastmod).toBe('2025-12-01T06:00:00Z')
  })
})

describe('/news-sitemap.xml', () => {
  it('holds the articles of the last 48 hours with publication, language, date and title, valid against Google’s schema', async () => {
    const store = await bundledStore(new Date('2026-05-09T12:00:00Z'))
    const xml = body(store, '/news-sitemap.xml')
    expect(validateWithSchema(xml, SCHEMAS.news)).toEqual({ ok: true, output: '- validates' })
    expect(readSitemap(xml)).toEqual([
      {
        loc: `${SITE}politik/schuldenbremse.html`,
        lastmod: '2026-05-08T05:00:00Z',
        name: 'Beispielzeitung',
        language: 'de',
        date: '2026-05-08T05:00:00Z',
        title: 'Schuldenbremse: Investieren, ohne die Zukunft zu verpfänden',
      },
    ])
  })

  it('lists only the index page, without news data, when nothing is 48 hours young (the schema wants one URL)', async () => {
    const store = await bundledStore(new Date('2026-12-01T09:00:00Z'))
    const xml = body(store, '/news-sitemap.xml')
    expect(validateWithSchema(xml, SCHEMAS.news)).toEqual({ ok: true, output: '- validates' })
    expect(readSitemap(xml)).toEqual([{ loc: SITE, lastmod: '2026-05-08T05:00:00Z' }])
    // It last changed when its last article aged out.
    expect(store.resource('/news-sitemap.xml')?.lastModified?.toISOString()).toBe('2026-05-10T05:00:00.000Z')
  })

  it('keeps the newest 1,000 of more articles, newest first, and writes languages as Google News wants them', () => {
    const now = new Date('2026-01-03T00:00:00Z')
    const articles = Array.from({ length: 1200 }, (_, i) => makeArticle(`a${i}`, { date: new Date(now.getTime() - (1200 - i) * 60_000).toISOString() }))
    const old = makeArticle('alt', { date: '2026-01-01T00:00:00Z' })
    const kept = newsArticles([old, ...articles], now)
    expect(MAX_NEWS_URLS).toBe(1000)
    expect(kept).toHaveLength(1000)
    expect(kept[0]?.slug).toBe('a1199')
    expect(kept.at(-1)?.slug).toBe('a200')
    expect(newsArticles([old], now)).toEqual([])
    expect(newsArticles([old], new Date('2026-01-02T23:59:59.999Z')).map((a) => a.slug)).toEqual(['alt'])
    expect(['de', 'de-DE', 'DE-at', 'en-GB', 'zh-Hans-CN', 'zh-TW', 'gsw'].map(newsLanguage)).toEqual(['de', 'de', 'de', 'en', 'zh-cn', 'zh-tw', 'gsw'])
  })

  it('drops an article by itself when it turns 48 hours old, and is never fresh in a cache past that', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-03T05:59:00Z') })
    const files = new Map([
      ['frueh.md', articleText({ title: 'Früh', date: '2026-01-01T06:00:00Z', category: 'wirtschaft' })],
      ['spaet.md', articleText({ title: 'Spät', date: '2026-01-02T06:00:00Z', category: 'wirtschaft' })],
    ])
    const { store, config } = await openStore(files, () => new Date())
    const { createApp } = await import('../../src/http/app.js')
    const app = createApp({ config, store, now: () => Date.now() })
    const titles = () => readSitemap(body(store, '/news-sitemap.xml')).map((url) => url.title)
    expect(titles()).toEqual(['Spät', 'Früh'])
    const response = await app.request('/news-sitemap.xml')
    // 60 s until „Früh“ turns 48 hours old, though CACHE_MAX_AGE is 300.
    expect(response.headers.get('cache-control')).toBe('public, max-age=60, stale-while-revalidate=60, stale-if-error=86400')
    expect((await app.request('/sitemap.xml')).headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=60, stale-if-error=86400')
    await vi.advanceTimersByTimeAsync(59_000)
    expect(titles()).toEqual(['Spät', 'Früh'])
    await vi.advanceTimersByTimeAsync(1_000)
    await store.settled()
    expect(titles()).toEqual(['Spät'])
    const after = await app.request('/news-sitemap.xml')
    expect(after.headers.get('last-modified')).toBe('Sat, 03 Jan 2026 06:00:00 GMT')
    expect(after.headers.get('etag')).not.toBe(response.headers.get('etag'))
    store.close()
  })
})

describe('changes', () => {
  it('change both sitemaps at once when an article goes live, is edited or is withdrawn; an unchanged sitemap keeps its bytes', async () => {
    const files = new Map([['a.md', articleText({ title: 'A', date: '2026-01-02T06:00:00Z', category: 'wirtschaft' })]])
    const { store } = await openStore(files, () => new Date('2026-01-02T12:00:00Z'))
    const locs = (path: string) => readSitemap(body(store, path)).map((url) => `${url.loc} ${url.lastmod}`)
    expect(locs('/sitemap.xml')).toEqual([`${SITE}wirtschaft/a.html 2026-01-02T06:00:00Z`, `${SITE} 2026-01-02T06:00:00Z`])
    const before = store.resource('/sitemap.xml')
    // A file in another category does not touch the section's feeds, but it is an article page.
    files.set('b.md', articleText({ title: 'B', date: '2026-01-02T07:00:00Z', category: 'sport' }))
    await store.applyChanges(['b.md'])
    expect(locs('/sitemap.xml')).toContain(`${SITE}sport/b.html 2026-01-02T07:00:00Z`)
    expect(locs('/news-sitemap.xml')).toEqual([`${SITE}sport/b.html 2026-01-02T07:00:00Z`, `${SITE}wirtschaft/a.html 2026-01-02T06:00:00Z`])
    files.set('a.md', articleText({ title: 'A', date: '2026-01-02T06:00:00Z', updated: '2026-01-02T11:00:00Z', category: 'wirtschaft' }))
    await store.applyChanges(['a.md'])
    expect(locs('/sitemap.xml')).toContain(`${SITE}wirtschaft/a.html 2026-01-02T11:00:00Z`)
    files.delete('b.md')
    await store.applyChanges(['b.md'])
    expect(locs('/sitemap.xml')).toEqual([`${SITE}wirtschaft/a.html 2026-01-02T11:00:00Z`, `${SITE} 2026-01-02T11:00:00Z`])
    expect(store.resource('/sitemap.xml')).not.toBe(before)
    const settled = store.resource('/sitemap.xml')
    await store.rebuild()
    expect(store.resource('/sitemap.xml')).toBe(settled)
    store.close()
  })
})

describe('/robots.txt', () => {
  it('lets every crawler in and names both sitemaps', async () => {
    const { app } = await testApp({})
    const response = await app.request('/robots.txt')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(await response.text()).toBe(`User-agent: *\nDisallow:\n\nSitemap: ${SITE}sitemap.xml\nSitemap: ${SITE}news-sitemap.xml\n`)
  })
})
