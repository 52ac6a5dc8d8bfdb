import { describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../../src/config.js'
import type { MediaFacts } from '../../src/content/media-info.js'
import { ArticleCatalog } from '../../src/store/article-catalog.js'
import { ArticleIndex } from '../../src/store/article-index.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'

const config = loadConfig({ SITE_URL: 'https://www.example.de/' })
const NOW = new Date('2026-01-01T00:00:00Z')
const noMedia: MediaFacts = { info: () => undefined, isLocal: () => false, isMissing: () => false }
const article = (title: string, date: string, extra: Record<string, string> = {}) =>
  articleText({ title, date, category: 'wirtschaft', ...extra })

/** A catalog over files in memory; what it logs and which files it reports changed are collected. */
function catalogOf(files: Record<string, string>, maxArticles = 100) {
  const map = new Map(Object.entries(files))
  const warned: string[] = []
  const changed: string[] = []
  const source = memorySource(map, config)
  const catalog = new ArticleCatalog({
    source,
    sectionSlug: 'wirtschaft',
    maxArticles,
    clock: () => NOW,
    logger: { info: () => {}, warn: (line) => warned.push(line) },
    media: noMedia,
    onFileChanged: (file) => changed.push(file),
  })
  const titles = () => catalog.published.publishedSection(NOW).map((a) => a.title)
  return { catalog, source, files: map, warned, changed, titles }
}

describe('ArticleCatalog', () => {
  it('loads every valid file, refuses the rest with file, field and problem, and logs each once', async () => {
    const { catalog, warned, titles } = catalogOf({
      'a.md': article('A', '2025-01-01T10:00:00Z'),
      'b.md': article('B', '2025-02-01T10:00:00Z'),
      'kaputt.md': articleText({ title: 'Ohne Datum', category: 'wirtschaft' }),
    })
    await catalog.loadAll()
    expect(titles()).toEqual(['B', 'A'])
    expect(catalog.refused().map((e) => e.file)).toEqual(['kaputt.md'])
    expect(catalog.refused()[0]?.field).toBe('date')
    expect(warned.filter((line) => line.startsWith('skipped kaputt.md: date:'))).toHaveLength(1)
    expect(catalog.knownFiles().sort()).toEqual(['a.md', 'b.md', 'kaputt.md'])
  })

  it('lists the outermost of folders named together once (a chmod -R names every one): what they hold now, and what they held', async () => {
    const { catalog, source, files, titles } = catalogOf({
      '2025/01/02/a.md': article('A', '2025-01-02T10:00:00Z'),
      '2025/01/03/b.md': article('B', '2025-01-03T10:00:00Z'),
      'andere/c.md': article('C', '2025-01-04T10:00:00Z'),
    })
    await catalog.loadAll()
    files.delete('2025/01/02/a.md')
    files.set('2025/01/03/neu.md', article('Neu', '2025-01-05T10:00:00Z'))
    const list = vi.spyOn(source, 'list')
    expect(await catalog.applyFiles(new Set(['2025', '2025/01', '2025/01/02', '2025/01/03', 'andere']))).toBe(4)
    expect(list.mock.calls.map(([folder]) => folder).sort()).toEqual(['2025', 'andere'])
    expect(titles()).toEqual(['Neu', 'C', 'B'])
  })

  it('keeps the last good version of a file that turns invalid, and publishes the fixed one', async () => {
    const { catalog, files, warned, titles } = catalogOf({ 'a.md': article('Erste Fassung', '2025-01-01T10:00:00Z') })
    await catalog.loadAll()
    files.set('a.md', '---\ntitle: [kaputt\n---\n')
    expect(await catalog.applyFiles(new Set(['a.md']))).toBe(1)
    expect(titles()).toEqual(['Erste Fassung'])
    expect(catalog.refused().map((e) => e.file)).toEqual(['a.md'])
    expect(warned).toEqual([expect.stringMatching(/^kept the last good version of a\.md: /)])
    files.set('a.md', article('Zweite Fassung', '2025-01-01T10:00:00Z'))
    await catalog.applyFiles(new Set(['a.md']))
    expect(titles()).toEqual(['Zweite Fassung'])
    expect(catalog.refused()).toEqual([])
  })

  it('refuses both files of a slug clash, each naming the other, and publishes the survivor when one goes', async () => {
    const { catalog, files, titles } = catalogOf({
      'a.md': article('A', '2025-01-01T10:00:00Z', { slug: 'gleich' }),
      'b.md': article('B', '2025-02-01T10:00:00Z', { slug: 'gleich' }),
    })
    await catalog.loadAll()
    expect(titles()).toEqual([])
    const messages = catalog.refused().map((e) => e.message)
    expect(messages.find((m) => m.startsWith('a.md'))).toContain('b.md')
    expect(messages.find((m) => m.startsWith('b.md'))).toContain('a.md')
    files.delete('b.md')
    await catalog.applyFiles(new Set(['b.md']))
    expect(titles()).toEqual(['A'])
    expect(catalog.refused()).toEqual([])
  })

  it('at a load, looks up clash errors and warnings only for the files that share a slug, id or name (not for every file: 50,000 lookups and a sort at a restart)', async () => {
    const files: Record<string, string> = {}
    for (let n = 0; n < 40; n++) files[`einzeln-${n}.md`] = article(`Einzeln ${n}`, '2025-01-01T10:00:00Z')
    files['a.md'] = article('A', '2025-01-01T10:00:00Z', { slug: 'gleich' })
    files['b.md'] = article('B', '2025-02-01T10:00:00Z', { slug: 'gleich' })
    files['entwurf.md'] = article('Entwurf', '2025-02-01T10:00:00Z', { slug: 'anders', draft: 'true' })
    files['live.md'] = article('Live', '2025-01-01T10:00:00Z', { slug: 'anders' })
    const { catalog, warned } = catalogOf(files)
    const errors = vi.spyOn(ArticleIndex.prototype, 'clashError')
    const warnings = vi.spyOn(ArticleIndex.prototype, 'clashWarnings')
    try {
      await catalog.loadAll()
      expect(errors.mock.calls.map(([file]) => file)).toEqual(['a.md', 'b.md', 'entwurf.md', 'live.md'])
      expect(warnings.mock.calls.map(([file]) => file)).toEqual(['a.md', 'b.md', 'entwurf.md', 'live.md'])
    } finally {
      errors.mockRestore()
      warnings.mockRestore()
    }
    expect(warned).toEqual([
      expect.stringMatching(/^skipped a\.md: slug: "gleich" is also used in category "wirtschaft" by b\.md; neither is published/),
      expect.stringMatching(/^skipped b\.md: slug: "gleich" is also used in category "wirtschaft" by a\.md; neither is published/),
      'warning entwurf.md: slug: "anders" is also used in category "wirtschaft" by live.md; a draft may share it, but once this one is published, neither will be',
    ])
  })

  // Issue #10, point 8.
  it('keeps an article published when a draft takes its slug, at load and when the draft arrives later, with one warning line naming both', async () => {
    const live = article('Live', '2025-01-01T10:00:00Z', { slug: 'gleich' })
    const draft = article('Entwurf', '2025-02-01T10:00:00Z', { slug: 'gleich', draft: 'true' })
    const line =
      'warning entwurf.md: slug: "gleich" is also used in category "wirtschaft" by live.md; a draft may share it, but once this one is published, neither will be'
    const atLoad = catalogOf({ 'live.md': live, 'entwurf.md': draft })
    await atLoad.catalog.loadAll()
    expect([atLoad.titles(), atLoad.catalog.refused(), atLoad.warned]).toEqual([['Live'], [], [line]])
    const later = catalogOf({ 'live.md': live })
    await later.catalog.loadAll()
    later.files.set('entwurf.md', draft)
    await later.catalog.applyFiles(new Set(['entwurf.md']))
    expect([later.titles(), later.catalog.refused(), later.warned]).toEqual([['Live'], [], [line]])
    // Published: the clash rules apply.
    later.files.set('entwurf.md', article('Entwurf', '2025-02-01T10:00:00Z', { slug: 'gleich' }))
    await later.catalog.applyFiles(new Set(['entwurf.md']))
    expect([later.titles(), later.catalog.refused().map((e) => e.file).sort()]).toEqual([[], ['entwurf.md', 'live.md']])
  })

  it('reads a folder that vanished as every file it held, and one that appeared as every file it holds', async () => {
    const { catalog, files, titles, changed } = catalogOf({
      'archiv/alt.md': article('Alt', '2024-01-01T10:00:00Z'),
      'a.md': article('A', '2025-01-01T10:00:00Z'),
    })
    await catalog.loadAll()
    files.delete('archiv/alt.md')
    files.set('neu/b.md', article('B', '2025-02-01T10:00:00Z'))
    expect(await catalog.applyFiles(new Set(['archiv', 'neu']))).toBe(2)
    expect(titles()).toEqual(['B', 'A'])
    expect(changed).toEqual(['neu/b.md'])
  })

  it('refuses files beyond MAX_ARTICLES, at load and when one is added', async () => {
    const { catalog, files, titles } = catalogOf(
      { 'a.md': article('A', '2025-01-01T10:00:00Z'), 'b.md': article('B', '2025-02-01T10:00:00Z') },
      1,
    )
    await catalog.loadAll()
    expect(titles()).toEqual(['A'])
    expect(catalog.refused().map((e) => e.message)).toEqual(['b.md: file: is beyond MAX_ARTICLES (1); not loaded'])
    files.set('c.md', article('C', '2025-03-01T10:00:00Z'))
    await catalog.applyFiles(new Set(['c.md']))
    expect(titles()).toEqual(['A'])
    expect(catalog.refused().map((e) => e.file).sort()).toEqual(['b.md', 'c.md'])
  })

  it('warns of an update dated in the future, naming the file and the field', async () => {
    const { catalog, warned } = catalogOf({ 'a.md': article('A', '2025-01-01T10:00:00Z', { updated: '2099-01-01T10:00:00Z' }) })
    await catalog.loadAll()
    expect(warned).toEqual([
      'warning a.md: updated: is in the future (2099-01-01T10:00:00.000Z); feeds show it as written, HTTP Last-Modified the time of serving',
    ])
  })

  it('warns of control characters in a body, which rendering removes, naming the file and the body', async () => {
    const text = articleText({ title: 'A', date: '2025-01-01T10:00:00Z', category: 'wirtschaft' }, 'Ein\u0001 Absatz\u0085.\n')
    const { catalog, warned } = catalogOf({ 'a.md': text })
    await catalog.loadAll()
    expect(warned).toEqual(['warning a.md: body: held 2 control or non-characters XML cannot carry; removed'])
  })

  it('tells which files changed, so their bodies are read again', async () => {
    const { catalog, files, changed } = catalogOf({ 'a.md': article('A', '2025-01-01T10:00:00Z') })
    await catalog.loadAll()
    expect(changed).toEqual([])
    files.set('a.md', article('A2', '2025-01-01T10:00:00Z'))
    await catalog.applyFiles(new Set(['a.md']))
    expect(changed).toEqual(['a.md'])
  })

  it('takes unchanged files synchronously (takeUnchanged, the index snapshot) and reads only the others, keeping their warnings', async () => {
    const files = new Map(Object.entries({ 'a.md': article('A', '2025-01-01T10:00:00Z'), 'b.md': article('B', '2025-02-01T10:00:00Z', { unbekannt: 'x' }) }))
    const memory = memorySource(files, config)
    const fromSnapshot = new Map((await Promise.all([...files.keys()].map((file) => memory.readForIndex(file)))).map((parsed) => [parsed?.article.file, parsed]))
    const reads: string[] = []
    const taken: string[] = []
    const warned: string[] = []
    const source = {
      ...memory,
      readForIndex: (file: string) => (reads.push(file), memory.readForIndex(file)),
      takeUnchanged: (file: string) => {
        taken.push(file)
        const parsed = file === 'a.md' ? undefined : fromSnapshot.get(file)
        return parsed && { article: parsed.article, warnings: parsed.warnings, bodyDigest: 'digest' }
      },
    }
    const catalog = new ArticleCatalog({ source, sectionSlug: 'wirtschaft', maxArticles: 100, clock: () => NOW, logger: { info: () => {}, warn: (line) => warned.push(line) }, media: noMedia })
    await catalog.loadAll()
    expect(taken).toEqual(['a.md', 'b.md'])
    expect(reads).toEqual(['a.md'])
    expect(catalog.published.publishedSection(NOW).map((a) => a.title)).toEqual(['B', 'A'])
    expect(warned).toEqual(['warning b.md: unbekannt: is not a known field and is ignored'])
  })
})
