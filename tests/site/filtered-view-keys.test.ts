import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { applyFilter, FilterKeys, type FeedFilter } from '../../src/feeds/filter.js'
import { planSite } from '../../src/site/build-site.js'
import { filteredKeys } from '../../src/site/cache-keys.js'
import { changedKeys } from '../../src/site/key-changes.js'
import { makeArticle, publishedOf } from '../helpers/article-fixtures.js'

const at = (day: number): string => new Date(Date.UTC(2026, 0, day)).toISOString()

describe('the keys of a view filtered by a tag and an author', () => {
  it('are purged when an article deeper than either list’s own view enters it', () => {
    const config = loadConfig({ SITE_URL: 'https://www.example.de/', FEED_LIMIT: '1' })
    const media = 'https://www.example.de/media/'
    // Oldest first. The tag's newest is `zinsen`, the author's `okafor`; both views show those alone (FEED_LIMIT 1).
    const older = makeArticle('alt', { date: at(1), tags: ['Zinsen'], authors: ['Miriam Okafor'] })
    const between = makeArticle('dazwischen', { date: at(2), tags: ['Zinsen'], authors: ['Paul Lindner'] })
    const okafor = makeArticle('okafor', { date: at(3), tags: ['Börse'], authors: ['Miriam Okafor'] })
    const zinsen = makeArticle('zinsen', { date: at(4), tags: ['Zinsen'], authors: ['Paul Lindner'] })
    const before = [older, between, okafor, zinsen]
    // The article between them gains the author: it is now the newest with both, the view's first.
    const after = before.map((article) => (article === between ? { ...article, authors: ['Miriam Okafor'] } : article))
    const [was, is] = [before, after].map((list) => planSite(publishedOf(list), new Date(at(10)), config))
    const filter: FeedFilter = { tags: ['Zinsen'], authors: ['Miriam Okafor'], limit: undefined }
    const shown = (plan: typeof was) => applyFilter(plan!.section, filter, config.feedLimit, new FilterKeys(config.section.author))
    expect(shown(was).map((article) => article.slug)).toEqual(['alt'])
    expect(shown(is).map((article) => article.slug)).toEqual(['dazwischen'])
    // The view cached before the change names keys of which the change purges at least one.
    const cached = filteredKeys(filter, config.feedLimit, shown(was), media)
    const purged = changedKeys(was!.keys, is!.keys)
    expect(cached.filter((key) => purged.includes(key))).not.toEqual([])
  })
})
