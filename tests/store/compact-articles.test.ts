/**
 * The store's articles share what many of them hold alike (compact-articles.ts):
 * one frozen list per distinct list of categories, tags or authors, one Date
 * where `updated` is `date`; nothing else about them changes.
 */
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { parseArticle } from '../../src/content/parse-article.js'
import { articleCompactor, compactSource } from '../../src/store/compact-articles.js'
import { ContentStore } from '../../src/store/content-store.js'
import { decodeSnapshot, encodeSnapshot } from '../../src/store/snapshot-format.js'
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

  it('gives every file without warnings one shared, frozen empty list of them, read from its file or taken from an index snapshot', async () => {
    const files = new Map([
      ['a.md', articleText({ title: 'A', date: '2025-01-01T10:00:00Z', category: 'wirtschaft' })],
      ['b.md', articleText({ title: 'B', date: '2025-02-01T10:00:00Z', category: 'wirtschaft' })],
      ['c.md', articleText({ title: 'C', date: '2025-03-01T10:00:00Z', category: 'wirtschaft', unbekannt: 'x' })],
    ])
    const compact = articleCompactor()
    const source = compactSource(memorySource(files, config), compact)
    const [a, b, c] = await Promise.all(['a.md', 'b.md', 'c.md'].map(async (file) => (await source.readForIndex(file))!))
    expect(a!.warnings).toBe(b!.warnings)
    expect([a!.warnings, Object.isFrozen(a!.warnings)]).toEqual([[], true])
    expect(c!.warnings).toEqual([{ field: 'unbekannt', problem: 'is not a known field and is ignored' }])
    const fingerprint = { build: 'b', config: {} }
    const entries = [a!, b!, c!].map((parsed, n) => ({ article: parsed.article, stamp: `1:2:3:${n}`, bodyDigest: `d${n}`, warnings: parsed.warnings }))
    const rows = decodeSnapshot(Buffer.concat(encodeSnapshot(fingerprint, entries).chunks), fingerprint, compact)
    if ('reason' in rows) throw new Error(rows.reason)
    const [ta, tb, tc] = ['a.md', 'b.md', 'c.md'].map((file) => rows.take(file, () => true))
    expect(ta!.warnings).toBe(a!.warnings)
    expect(tb!.warnings).toBe(a!.warnings)
    expect(tc!.warnings).toEqual(c!.warnings)
  })
})
