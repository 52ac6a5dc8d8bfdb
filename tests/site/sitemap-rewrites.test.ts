/**
 * At 50,000 articles writing /sitemap.xml took ~200 ms of the event loop on
 * every edit. A `<url>` shows only an article's URL and lastmod, so an edit
 * of anything else must not write the file again (counted at renderUrlSet).
 */
import { describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { SitemapBuilder } from '../../src/site/build-sitemaps.js'
import { planSite } from '../../src/site/build-site.js'
import { makeArticle } from '../helpers/article-fixtures.js'

const written = vi.hoisted(() => ({ urlSets: 0 }))
vi.mock('../../src/site/sitemaps.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/site/sitemaps.js')>()
  return {
    ...original,
    renderUrlSet: (...args: Parameters<typeof original.renderUrlSet>) => {
      written.urlSets += 1
      return original.renderUrlSet(...args)
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
})
