/**
 * The store's articles share what many of them hold alike (compact-articles.ts):
 * one frozen list per distinct list of categories, tags or authors, one Date
 * where `updated` is `date`; nothing else about them changes.
 */
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { parseArticle } from '../../src/content/parse-article.js'
import { ContentStore } from '../../src/store/content-store.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'

const config = loadConfig({ SITE_URL: 'https://www.example.de/' })

describe('compacted articles', () => {
  it('share one list of tags, categories and authors per distinct list, and one Date when updated is date, and are otherwise as parsed', async () => {
    const text = (title: string, date: string, extra: Record<string, string> = {}) =>
      articleText({ title, date, category: 'wirtschaft', tags: '[Zinsen, EZB]', author: 'Silke Mayr', ...extra })
    const files = new Map([
      ['a.md', text('A', '2025-01-01T10:00:00Z')],
      ['b.md', text('B', '2025-02-01T10:00:00Z')],
      ['c.md', text('C', '2025-03-01T10:00:00Z', { tags: '[Export]', updated: '2025-04-01T10:00:00Z' })],
    ])
    const store = new ContentStore({ config, source: memorySource(files, config), clock: () => new Date('2026-01-01T00:00:00Z'), logger: { info: () => {}, warn: () => {} } })
    await store.load()
    store.close()
    const [c, b, a] = store.site().plan.section
    if (!a || !b || !c) throw new Error('three articles expected')
    expect(b.tags).toBe(a.tags)
    expect(c.categories).toBe(a.categories)
    expect(c.authors).toBe(a.authors)
    expect([a.tags, c.tags]).toEqual([['Zinsen', 'EZB'], ['Export']])
    expect(Object.isFrozen(a.tags)).toBe(true)
    expect(a.updated).toBe(a.date)
    expect(c.updated.toISOString()).toBe('2025-04-01T10:00:00.000Z')
    expect(a).toEqual(parseArticle(files.get('a.md') as string, 'a.md', config).article)
  })
})
