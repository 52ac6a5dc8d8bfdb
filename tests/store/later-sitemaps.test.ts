/**
 * The first site of a start without its sitemaps (ContentStore laterSitemaps,
 * store/later-sitemaps.ts): the first feed is swapped in before they are
 * written; a sitemap asked for meanwhile is written and waited for, and is
 * the very document a store that writes them at once serves; nothing
 * replaces the first site before they are in, and no change listener hears
 * them come.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createHttp } from '../../src/http/app.js'
import type { Site } from '../../src/site/build-site.js'
import { SitemapBuilder } from '../../src/site/build-sitemaps.js'
import { ContentStore } from '../../src/store/content-store.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'
import type { Logger } from '../../src/util/logger.js'

const NOW = new Date('2026-01-10T12:00:00Z')
const quiet: Logger = { info: () => {}, warn: () => {} }
const text = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined)

function files(count: number): Map<string, string> {
  return new Map(
    Array.from({ length: count }, (_, i) => [
      `wirtschaft/a${i}.md`,
      articleText({ title: `Artikel ${i}`, date: `2026-01-${String((i % 9) + 1).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00Z`, category: 'wirtschaft', slug: `artikel-${i}` }, 'Text.\n'),
    ] as const),
  )
}

async function stores(laterSitemaps: boolean, map = files(30), logger = quiet) {
  const config = loadConfig({ SITE_URL: 'https://www.example.de/' })
  const store = new ContentStore({ config, source: memorySource(map, config), clock: () => NOW, logger, laterSitemaps })
  const changes: [Site | undefined, Site][] = []
  store.onChange((previous, current) => changes.push([previous, current]))
  await store.load()
  return { store, config, changes, map }
}

/** The sitemaps as a store that writes them with its first site serves them. */
async function reference(map?: Map<string, string>) {
  const { store } = await stores(false, map)
  await store.settled()
  store.close()
  return { sitemap: text(store.resource('/sitemap.xml')?.identity.body), news: text(store.resource('/news-sitemap.xml')?.identity.body) }
}

describe('the sitemaps of the first site, written later (laterSitemaps)', () => {
  it('swaps in the first feed without them; one asked for meanwhile is written then, the full document, and served from the site after', async () => {
    const expected = await reference()
    const { store, changes } = await stores(true)
    expect(text(store.resource('/wirtschaft/feed.xml')?.identity.body)).toContain('<title>Artikel ')
    expect(store.resource('/sitemap.xml')).toBeUndefined()
    expect(store.resource('/news-sitemap.xml')).toBeUndefined()
    const asked = store.later('/sitemap.xml')
    expect(asked).toBeDefined()
    const sitemap = await asked
    expect(text(sitemap?.identity.body)).toBe(expected.sitemap)
    expect(expected.sitemap).toContain('<loc>https://www.example.de/wirtschaft/artikel-29.html</loc>')
    expect(store.resource('/sitemap.xml')).toBe(sitemap)
    expect(text(store.resource('/news-sitemap.xml')?.identity.body)).toBe(expected.news)
    // Served from the site now: nothing held back any more.
    expect(store.later('/sitemap.xml')).toBeUndefined()
    // One change at the load, none for the sitemaps coming in.
    expect(changes).toHaveLength(1)
    expect(changes[0]?.[0]).toBeUndefined()
    store.close()
  })

  it('writes the first site\'s sitemaps one file at a time (at 50,000 articles five parts of 1.1 MB were held uncompressed at once) until something waits for them: a request or a change', async () => {
    const patience: (() => boolean)[] = []
    const write = SitemapBuilder.prototype.withSitemaps
    vi.spyOn(SitemapBuilder.prototype, 'withSitemaps').mockImplementation(function (this: SitemapBuilder, plan, rendering, patient) {
      patience.push(patient ?? (() => false))
      return write.call(this, plan, rendering, patient)
    })
    try {
      // Asked by main.ts once the first feed is served: nobody waits, one file at a time throughout.
      const quiet = await stores(true)
      await quiet.store.completeFirstSite()
      expect(patience.map((patient) => patient())).toEqual([true])
      quiet.store.close()
      // A request for a sitemap while they are written: the rest is written at once.
      patience.length = 0
      const asked = await stores(true)
      const writing = asked.store.completeFirstSite()
      expect(patience.map((patient) => patient())).toEqual([true])
      await asked.store.later('/sitemap.xml')
      expect(patience.map((patient) => patient())).toEqual([false])
      await writing
      asked.store.close()
      // A change waits for them too; its own sitemaps are written at once.
      patience.length = 0
      const { store, map } = await stores(true)
      map.set('wirtschaft/neu.md', articleText({ title: 'Neu', date: '2026-01-10T11:00:00Z', category: 'wirtschaft', slug: 'neu' }, 'Neu.\n'))
      await store.applyChanges(['wirtschaft/neu.md'])
      expect(patience.map((patient) => patient())).toEqual([false, false])
      expect(text(store.resource('/sitemap.xml')?.identity.body)).toContain('<loc>https://www.example.de/wirtschaft/neu.html</loc>')
      store.close()
    } finally {
      vi.restoreAllMocks()
    }
  })

  it('answers a request for a sitemap before they are written with the full document (200), and one for a part there is none of with 404', async () => {
    const expected = await reference()
    const { store, config } = await stores(true)
    const { app } = createHttp({ config, store, now: () => NOW.getTime() })
    expect(store.resource('/news-sitemap.xml')).toBeUndefined()
    const [news, sitemap, part] = await Promise.all([app.request('/news-sitemap.xml'), app.request('/sitemap.xml'), app.request('/sitemap-7.xml')])
    expect(news.status).toBe(200)
    expect(news.headers.get('content-type')).toBe('application/xml; charset=utf-8')
    expect(await news.text()).toBe(expected.news)
    expect(sitemap.status).toBe(200)
    expect(await sitemap.text()).toBe(expected.sitemap)
    expect(part.status).toBe(404)
    store.close()
  })

  it('writes them before a change replaces the first site: the change is applied to the completed site, and its listener sees it as before', async () => {
    const { store, changes, map } = await stores(true)
    const first = store.site()
    map.set('wirtschaft/neu.md', articleText({ title: 'Neu', date: '2026-01-10T11:00:00Z', category: 'wirtschaft', slug: 'neu' }, 'Neu.\n'))
    await store.applyChanges(['wirtschaft/neu.md'])
    expect(changes).toHaveLength(2)
    const [previous, current] = changes[1] as [Site | undefined, Site]
    // The previous site the listener is given is the first one completed: the same plan, with its sitemaps.
    expect(previous).not.toBe(first)
    expect(previous?.plan).toBe(first.plan)
    expect(previous?.resources.has('/sitemap.xml')).toBe(true)
    expect(previous?.resources.get('/wirtschaft/feed.xml')).toBe(first.resources.get('/wirtschaft/feed.xml'))
    expect(text(current.resources.get('/sitemap.xml')?.identity.body)).toContain('<loc>https://www.example.de/wirtschaft/neu.html</loc>')
    expect(text(current.resources.get('/sitemap.xml')?.identity.body)).toBe((await reference(map)).sitemap)
    store.close()
  })

  it('writes them when the store settles, and when asked to (completeFirstSite, as main.ts does once the first feed is served)', async () => {
    const expected = await reference()
    const settling = await stores(true)
    await settling.store.settled()
    expect(text(settling.store.resource('/sitemap.xml')?.identity.body)).toBe(expected.sitemap)
    settling.store.close()
    const asked = await stores(true)
    expect(asked.store.resource('/sitemap.xml')).toBeUndefined()
    await asked.store.completeFirstSite()
    expect(text(asked.store.resource('/sitemap.xml')?.identity.body)).toBe(expected.sitemap)
    expect(asked.changes).toHaveLength(1)
    asked.store.close()
  })

  it('writes them with the first site without laterSitemaps, as before (the export, tests)', async () => {
    const { store } = await stores(false)
    expect(store.resource('/sitemap.xml')).toBeDefined()
    expect(store.later('/sitemap.xml')).toBeUndefined()
    store.close()
  })

  describe('when writing them fails', () => {
    afterEach(() => vi.restoreAllMocks())
    /** The next `times` writes of sitemaps fail, as an out-of-memory error would. */
    const failing = (times: number) => {
      const write = SitemapBuilder.prototype.withSitemaps
      let left = times
      vi.spyOn(SitemapBuilder.prototype, 'withSitemaps').mockImplementation(function (this: SitemapBuilder, ...args) {
        return left-- > 0 ? Promise.reject(new Error('out of memory')) : write.apply(this, args)
      })
    }

    it('logs it, and writes them again when one is next asked for: 200 with the full document, never a 404 until the next change', async () => {
      const expected = await reference()
      const warnings: string[] = []
      const { store, config } = await stores(true, undefined, { info: () => {}, warn: (line: string) => void warnings.push(line) })
      failing(1)
      await store.completeFirstSite()
      expect(warnings).toEqual(['warning: cannot write the sitemaps: Error: out of memory; they are written again when asked for, and with the next change'])
      expect(store.resource('/sitemap.xml')).toBeUndefined()
      const { app } = createHttp({ config, store, now: () => NOW.getTime() })
      const sitemap = await app.request('/sitemap.xml')
      expect(sitemap.status).toBe(200)
      expect(await sitemap.text()).toBe(expected.sitemap)
      expect(text(store.resource('/sitemap.xml')?.identity.body)).toBe(expected.sitemap)
      store.close()
    })

    it('never swaps the first site back in after a change replaced it', async () => {
      const { store, map } = await stores(true)
      failing(2) // the write main.ts asks for, and the one the change's rebuild waits for
      await store.completeFirstSite()
      map.set('wirtschaft/neu.md', articleText({ title: 'Neu', date: '2026-01-10T11:00:00Z', category: 'wirtschaft', slug: 'neu' }, 'Neu.\n'))
      await store.applyChanges(['wirtschaft/neu.md'])
      const current = store.site()
      expect(text(current.resources.get('/sitemap.xml')?.identity.body)).toContain('<loc>https://www.example.de/wirtschaft/neu.html</loc>')
      // Nothing held back any more: a sitemap request is the site's, and the store settles on the change's site.
      expect(store.later('/sitemap.xml')).toBeUndefined()
      await store.completeFirstSite()
      await store.settled()
      expect(store.site()).toBe(current)
      store.close()
    })
  })
})
