/**
 * At 50,000 articles writing /sitemap.xml took ~200 ms of the event loop on
 * every edit. A `<url>` shows only an article's URL and lastmod, so an edit
 * of anything else must not write the file again (counted at urlSetOf, which
 * puts every `<urlset>` together).
 */
import { describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { SitemapBuilder, URLS_A_TURN } from '../../src/site/build-sitemaps.js'
import { planSite } from '../../src/site/build-site.js'
import { renderUrlSet } from '../../src/site/sitemaps.js'
import { makeArticle } from '../helpers/article-fixtures.js'

const written = vi.hoisted(() => ({ urlSets: 0, turns: 0, slices: [] as { urls: number; turn: number }[] }))
vi.mock('../../src/site/sitemaps.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/site/sitemaps.js')>()
  return {
    ...original,
    renderUrls: (...args: Parameters<typeof original.renderUrls>) => {
      written.slices.push({ urls: args[0].length, turn: written.turns })
      return original.renderUrls(...args)
    },
    urlSetOf: (...args: Parameters<typeof original.urlSetOf>) => {
      written.urlSets += 1
      return original.urlSetOf(...args)
    },
  }
})

describe('SitemapBuilder', () => {
  it('does not write /sitemap.xml again for an edit of a title, only for a changed URL or lastmod', async () => {
    const config = loadConfig({ SITE_URL: 'https://www.example.de/' })
    const now = new Date('2026-01-01T00:00:00Z')
    const articles = ['a', 'b', 'c'].map((slug, i) => makeArticle(slug, { date: `2025-0${i + 1}-01T06:00:00Z` }))
    const planOf = (pages: readonly ReturnType<typeof makeArticle>[]) =>
      planSite({ publishedSection: () => [...pages].reverse(), publishedCount: () => pages.length, nextPublication: () => undefined, publishedPages: () => [...pages] }, now, config)
    const builder = new SitemapBuilder(config)
    const first = await builder.build(planOf(articles))
    expect(written.urlSets).toBe(1)

    const retitled = makeArticle('b', { date: '2025-02-01T06:00:00Z', title: 'Ein neuer Titel' })
    const second = await builder.build(planOf([articles[0] as never, retitled, articles[2] as never]))
    expect(written.urlSets).toBe(1)
    expect(second.get('/sitemap.xml')).toBe(first.get('/sitemap.xml'))

    const updated = makeArticle('b', { date: '2025-02-01T06:00:00Z', updated: '2025-12-01T06:00:00Z' })
    const third = await builder.build(planOf([articles[0] as never, updated, articles[2] as never]))
    expect(written.urlSets).toBe(2)
    expect(third.get('/sitemap.xml')).not.toBe(first.get('/sitemap.xml'))
  })

  it('renders a sitemap of 9,999 URLs a thousand at a time, letting the event loop turn between, but a start\'s in one piece', async () => {
    const config = loadConfig({ SITE_URL: 'https://www.example.de/' })
    const pages = Array.from({ length: 9_998 }, (_, i) => makeArticle(`a${i}`, { date: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString() }))
    const plan = planSite({ publishedSection: () => [...pages].reverse(), publishedCount: () => pages.length, nextPublication: () => undefined, publishedPages: () => pages }, new Date('2026-01-01T00:00:00Z'), config)
    // A turn of the event loop is counted by an immediate that queues itself again (requests are read in the same turns).
    let ticking = true
    const tick = () => ticking && ((written.turns += 1), setImmediate(tick))
    setImmediate(tick)
    written.slices.length = 0
    const text = (await new SitemapBuilder(config).build(plan)).get('/sitemap.xml')?.identity.body
    ticking = false
    // 9,998 articles and the index page: ten slices, each a turn of its own.
    expect(written.slices.map((slice) => slice.urls)).toEqual([...Array.from({ length: 9 }, () => URLS_A_TURN), 998, 1])
    const turns = written.slices.slice(0, 10).map((slice) => slice.turn)
    expect(turns.every((turn, i) => i === 0 || turn > (turns[i - 1] as number))).toBe(true)
    // The same bytes as the file rendered in one piece: every URL once, in order, the index page last.
    const home = { loc: 'https://www.example.de/', lastmod: pages.at(-1)?.date }
    expect(new TextDecoder().decode(text)).toBe(renderUrlSet([...pages.map((page) => ({ loc: page.url, lastmod: page.date })), home]))
    // A start's first sitemaps (patient: each file compressed before the next) render each file in one piece: in turns,
    // the rest of the start ran beside them and the service kept 7 MB more.
    written.slices.length = 0
    const patient = await new SitemapBuilder(config).build(plan, () => true)
    expect(written.slices.map((slice) => slice.urls)).toEqual([9_998, 1])
    expect(patient.get('/sitemap.xml')?.identity.body).toEqual(text)
  })
})
