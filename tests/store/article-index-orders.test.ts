/**
 * ArticleIndex keeps its published orders up to date one change at a time
 * (sorted-articles.ts): after any sequence of sets and deletes — drafts,
 * scheduled articles, clashing slugs and ids, files renamed across
 * categories, episodes — what it answers equals what a fresh pass over every article
 * with a full sort gives. And an edit costs what it changes, not the archive.
 */
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import type { Article } from '../../src/content/article.js'
import { isEpisode, isPublished } from '../../src/feeds/select.js'
import { ArticleIndex, newestFirstByFile } from '../../src/store/article-index.js'
import { makeArticle, makeEnclosure } from '../helpers/article-fixtures.js'

const NOWS = ['2025-03-01T00:00:00Z', '2025-06-01T00:00:00Z', '2026-01-01T00:00:00Z'].map((text) => new Date(text))

/** What the index answered before it kept its orders: a filter over every article, and a sort. */
function naive(index: ArticleIndex, now: Date) {
  const all = [...index.files()].map((file) => index.get(file) as Article)
  const clashing = new Set(index.clashes().map((error) => error.file))
  const section = all.filter((a) => a.categories.includes('wirtschaft') && !clashing.has(a.file) && isPublished(a, now)).sort(newestFirstByFile)
  const pages = all.filter((a) => isPublished(a, now) && index.byPath(a.path) === a).sort((a, b) => newestFirstByFile(b, a))
  const count = all.filter((a) => !clashing.has(a.file) && isPublished(a, now)).length
  const future = all.filter((a) => !a.draft && a.date > now).map((a) => a.date.getTime())
  return { section, episodes: section.filter(isEpisode), pages, count, next: future.length > 0 ? Math.min(...future) : undefined }
}

const edit = fc.record({
  file: fc.integer({ min: 0, max: 7 }),
  slug: fc.constantFrom('zinsen', 'export', 'ki', 'handel'),
  id: fc.option(fc.constantFrom('urn:uuid:1', 'urn:uuid:2'), { nil: undefined }),
  month: fc.integer({ min: 1, max: 12 }),
  category: fc.constantFrom('wirtschaft', 'politik'),
  draft: fc.boolean(),
  audio: fc.boolean(),
  remove: fc.boolean(),
  read: fc.boolean(),
})

describe('ArticleIndex: kept orders', () => {
  /** `readEvery`: whether the orders are read after this edit (between reads, new articles wait to be merged: sorted-articles.ts). */
  const property = (readEvery: (e: { read: boolean }) => boolean) =>
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 12 }), fc.array(edit, { maxLength: 30 }), (loaded, edits) => {
        const articleOf = (e: typeof edit extends fc.Arbitrary<infer T> ? T : never): Article => ({
          ...makeArticle(e.slug, { date: `2025-${String(e.month).padStart(2, '0')}-15T08:00:00Z`, categories: [e.category], draft: e.draft, ...(e.id ? { id: e.id } : {}), ...(e.audio ? { enclosure: makeEnclosure('folge.mp3', 'audio/mpeg') } : {}) }),
          file: `f${e.file}.md`,
        })
        const index = new ArticleIndex('wirtschaft')
        const byFile = new Map(loaded.map((e) => [e.file, articleOf(e)]))
        index.load([...byFile.values()])
        for (const [n, e] of edits.entries()) {
          if (e.remove) index.delete(`f${e.file}.md`)
          else index.set(articleOf(e))
          if (!readEvery(e) && n < edits.length - 1) continue
          for (const now of NOWS) {
            const expected = naive(index, now)
            expect(index.publishedSection(now)).toEqual(expected.section)
            expect(index.publishedEpisodes(now)).toEqual(expected.episodes)
            expect(index.publishedPages(now)).toEqual(expected.pages)
            expect(index.publishedCount(now)).toBe(expected.count)
            expect(index.nextPublication(now)?.getTime()).toBe(expected.next)
          }
        }
      }),
      { numRuns: 300 },
    )

  it('answers as a full filter and sort would, after any sequence of sets and deletes', () => property(() => true))

  it('answers so when read only now and then, several new articles waiting to be merged', () => property((e) => e.read))

  /**
   * `size` articles an hour apart, made once a test for every run of it (200,000 took 1-4 s to make, each of three runs;
   * nothing changes them: an edit sets a copy), and dropped after it, so that no test's timings carry another's heap.
   */
  const archives = new Map<number, readonly Article[]>()
  afterEach(() => archives.clear())
  const archiveOf = (size: number): readonly Article[] => {
    let articles = archives.get(size)
    if (!articles) {
      articles = Array.from({ length: size }, (_, n) => makeArticle(`meldung-${n}`, { date: new Date(Date.UTC(2020, 0, 1) + n * 3_600_000).toISOString(), tags: ['zinsen'] }))
      archives.set(size, articles)
    }
    return articles
  }
  /** `size` articles (archiveOf) in an index of its own, the newest edited `edits` times; `each` runs after every edit. */
  const editing = (size: number, edits: number, each: (index: ArticleIndex, now: Date) => unknown): number => {
    const articles = archiveOf(size)
    const index = new ArticleIndex('wirtschaft')
    index.load(articles)
    const now = new Date('2030-01-01T00:00:00Z')
    const newest = articles[size - 1] as Article
    const started = performance.now()
    for (let edit = 0; edit < edits; edit++) {
      index.set({ ...newest, title: `Eilmeldung ${edit}` })
      each(index, now)
    }
    return performance.now() - started
  }
  const best = (run: () => number): number => Math.min(run(), run(), run())

  it('costs an edit at 20,000 articles not much more than one at 2,000 (no pass over the archive)', () => {
    const counts = (index: ArticleIndex, now: Date) => [index.publishedCount(now), index.nextPublication(now)]
    // 2,000 edits a run: at 300 the small run took 3 ms, and one pause in the large one (30 ms; CI) read as a ratio of 9.
    best(() => editing(2000, 2000, counts)) // warm up
    const small = best(() => editing(2000, 2000, counts))
    const large = best(() => editing(20_000, 2000, counts))
    // A pass over every article per edit (as before) made this ratio ~20; kept orders make it ~1–3.
    expect(large / small, `${large.toFixed(1)} ms against ${small.toFixed(1)} ms`).toBeLessThan(8)
  })

  it('costs an edit at 200,000 articles (MAX_ARTICLES) about what one at 2,000 costs: the edited article keeps its place, nothing after it moves', () => {
    const none = () => undefined
    best(() => editing(2000, 2000, none)) // warm up
    const small = best(() => editing(2000, 2000, none))
    const large = best(() => editing(200_000, 2000, none))
    // Taken out and put in again, every article after it moved twice in each of four orders: a ratio of 12-15 (0.4 ms
    // an edit at 200,000). Kept in its place: 1.0-1.3.
    expect(large / small, `${large.toFixed(1)} ms against ${small.toFixed(1)} ms`).toBeLessThan(5)
  })

  it('takes 5,000 new articles, the newest of all, at 200,000 about as fast as at 20,000: they are merged once, not put in one by one', () => {
    const hour = (n: number) => new Date(Date.UTC(2020, 0, 1) + n * 3_600_000).toISOString()
    /** The fewer milliseconds of two bulk changes of 5,000 new articles, each newer than all before, and a read. */
    const adding = (size: number): number => {
      const index = new ArticleIndex('wirtschaft')
      index.load(Array.from({ length: size }, (_, n) => makeArticle(`meldung-${n}`, { date: hour(n) })))
      const times = [0, 1].map((change) => {
        const added = Array.from({ length: 5000 }, (_, n) => ({ ...makeArticle(`neu-${change}-${n}`, { date: hour(size + change * 5000 + n) }), file: `neu/${change}/${n}.md` }))
        const started = performance.now()
        for (const article of added) index.set(article)
        const section = index.publishedSection(new Date('2100-01-01T00:00:00Z'))
        const elapsed = performance.now() - started
        expect([section.length, section[0]?.slug]).toEqual([size + (change + 1) * 5000, `neu-${change}-4999`])
        return elapsed
      })
      return Math.min(...times)
    }
    adding(20_000) // warm up
    // One index of each size (loading 200,000 articles takes more than a second), changed twice.
    const [smallMs, largeMs] = [adding(20_000), adding(200_000)]
    // Each put in at the front of the newest-first order by a splice, every article behind it moved: 1,017 ms against
    // 165 ms and 1,074 against 105, ratios of 6 and 10 (a bulk change of 10,000 new files at 50,000 spent ~0.6 s there).
    // Merged once at the next read: 1.1-1.3.
    expect(largeMs / smallMs, `${largeMs.toFixed(1)} ms against ${smallMs.toFixed(1)} ms`).toBeLessThan(4)
  })

  it('answers publishedPages and publishedSection at 20,000 articles in about the time of copying them (no sort)', () => {
    const lists = (index: ArticleIndex, now: Date) => [index.publishedPages(now), index.publishedSection(now)]
    const copies = (index: ArticleIndex) => {
      const items = [...index.files()]
      return [items.slice(), items.slice()]
    }
    best(() => editing(20_000, 100, lists)) // warm up
    const answered = best(() => editing(20_000, 100, lists))
    const copied = best(() => editing(20_000, 100, copies))
    // A filter over every article and a sort of them (as before) took ~20 times the copies; now ~0.6.
    expect(answered / copied, `${answered.toFixed(1)} ms against ${copied.toFixed(1)} ms`).toBeLessThan(5)
  })
})
