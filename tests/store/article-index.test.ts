/**
 * ArticleIndex on its own, with articles built in memory: the order it keeps
 * through loads, insertions and deletions, what is public at a given
 * instant, page paths, and clashes of slugs and ids.
 */
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/content/article.js'
import { ArticleError } from '../../src/errors/article-error.js'
import { ArticleIndex } from '../../src/store/article-index.js'
import { type ArticleFields, makeArticle, makeEnclosure } from '../helpers/article-fixtures.js'

const NOW = new Date('2026-01-01T12:00:00Z')

const jan = makeArticle('januar', { date: '2025-01-15T08:00:00Z' })
const feb = makeArticle('februar', { date: '2025-02-15T08:00:00Z' })
const mar = makeArticle('maerz', { date: '2025-03-15T08:00:00Z' })
const apr = makeArticle('april', { date: '2025-04-15T08:00:00Z' })

const files = (articles: readonly Article[]): string[] => articles.map((article) => article.file)

function indexOf(...articles: Article[]): ArticleIndex {
  const index = new ArticleIndex('wirtschaft')
  index.load(articles)
  return index
}

describe('ArticleIndex: order', () => {
  it('lists the section newest first, whatever order the files were loaded in', () => {
    expect(files(indexOf(feb, apr, jan, mar).publishedSection(NOW))).toEqual(['april.md', 'maerz.md', 'februar.md', 'januar.md'])
  })

  it('orders articles of the same date by id, so that the order never depends on file order', () => {
    const b = makeArticle('b', { date: '2025-05-01T08:00:00Z' })
    const a = makeArticle('a', { date: '2025-05-01T08:00:00Z' })
    expect(files(indexOf(b, a).publishedSection(NOW))).toEqual(['a.md', 'b.md'])
    expect(files(indexOf(a, b).publishedSection(NOW))).toEqual(['a.md', 'b.md'])
  })

  it('inserts a new article where its date puts it: in the middle, first and last', () => {
    const index = indexOf(mar, jan)
    index.set(feb)
    expect(files(index.publishedSection(NOW))).toEqual(['maerz.md', 'februar.md', 'januar.md'])
    index.set(apr)
    expect(files(index.publishedSection(NOW))).toEqual(['april.md', 'maerz.md', 'februar.md', 'januar.md'])
    const dec = makeArticle('dezember', { date: '2024-12-15T08:00:00Z' })
    index.set(dec)
    expect(files(index.publishedSection(NOW))).toEqual(['april.md', 'maerz.md', 'februar.md', 'januar.md', 'dezember.md'])
    expect(index.size).toBe(5)
  })

  it('moves an article whose date changed, leaving no copy at its old place', () => {
    const index = indexOf(jan, feb, mar)
    index.set(makeArticle('januar', { date: '2025-06-01T08:00:00Z' }))
    expect(files(index.publishedSection(NOW))).toEqual(['januar.md', 'maerz.md', 'februar.md'])
    expect(index.get('januar.md')?.date.toISOString()).toBe('2025-06-01T08:00:00.000Z')
  })

  it('removes a deleted article and keeps the others in order', () => {
    const index = indexOf(jan, feb, mar, apr)
    index.delete('februar.md')
    expect(files(index.publishedSection(NOW))).toEqual(['april.md', 'maerz.md', 'januar.md'])
    expect([index.size, index.get('februar.md')]).toEqual([3, undefined])
  })

  it('removes the right one of two articles with the same date', () => {
    const a = makeArticle('a', { date: '2025-05-01T08:00:00Z' })
    const b = makeArticle('b', { date: '2025-05-01T08:00:00Z' })
    const index = indexOf(jan, a, b, apr)
    index.delete('b.md')
    expect(files(index.publishedSection(NOW))).toEqual(['a.md', 'april.md', 'januar.md'])
    index.delete('a.md')
    expect(files(index.publishedSection(NOW))).toEqual(['april.md', 'januar.md'])
  })

  it('ends in the same order, inserting and deleting one by one, as loading the result at once', () => {
    // 40 articles on 7 distinct dates: many ties, inserted in a scrambled order.
    const all = Array.from({ length: 40 }, (_, n) =>
      makeArticle(`artikel-${String(n).padStart(2, '0')}`, { date: `2025-0${1 + ((n * 5) % 7)}-01T08:00:00Z` }),
    )
    const scrambled = all.map((_, n) => all[(n * 17) % 40] as Article)
    const index = new ArticleIndex('wirtschaft')
    for (const article of scrambled) index.set(article)
    expect(files(index.publishedSection(NOW))).toEqual(files(indexOf(...all).publishedSection(NOW)))
    const kept = all.filter((_, n) => n % 3 !== 0)
    for (const article of scrambled) if (!kept.includes(article)) index.delete(article.file)
    expect(files(index.publishedSection(NOW))).toEqual(files(indexOf(...kept).publishedSection(NOW)))
    expect(index.size).toBe(kept.length)
  })

  it('changes nothing and reports no files when asked to delete a file it does not hold', () => {
    const index = indexOf(jan, feb)
    expect([...index.delete('gibt-es-nicht.md')]).toEqual([])
    expect(files(index.publishedSection(NOW))).toEqual(['februar.md', 'januar.md'])
  })
})

describe('ArticleIndex: what is public at an instant', () => {
  const draft = makeArticle('entwurf', { date: '2025-05-01T08:00:00Z', draft: true })
  const scheduled = makeArticle('morgen', { date: '2026-01-02T06:00:00Z' })
  const later = makeArticle('spaeter', { date: '2026-03-01T06:00:00Z' })
  const sport = makeArticle('pokal', { date: '2025-06-01T08:00:00Z', categories: ['sport'] })
  const sportScheduled = makeArticle('finale', { date: '2026-01-01T18:00:00Z', categories: ['sport'] })
  const futureDraft = makeArticle('geheim', { date: '2026-01-01T13:00:00Z', draft: true })

  it('leaves drafts, future-dated articles and other categories out of the section', () => {
    const index = indexOf(jan, draft, scheduled, sport, feb)
    expect(files(index.publishedSection(NOW))).toEqual(['februar.md', 'januar.md'])
  })

  it('publishes a future-dated article at its date, to the millisecond', () => {
    const index = indexOf(jan, scheduled)
    expect(files(index.publishedSection(new Date('2026-01-02T05:59:59.999Z')))).toEqual(['januar.md'])
    expect(files(index.publishedSection(new Date('2026-01-02T06:00:00.000Z')))).toEqual(['morgen.md', 'januar.md'])
  })

  it('counts the public articles of every category, not drafts or the future', () => {
    const index = indexOf(jan, feb, draft, scheduled, sport, sportScheduled)
    expect(index.publishedCount(NOW)).toBe(3)
    expect(index.publishedCount(new Date('2026-01-02T06:00:00Z'))).toBe(5)
  })

  it('names the earliest date after now at which an article of any category goes live, skipping drafts', () => {
    const index = indexOf(jan, draft, later, scheduled, sportScheduled, futureDraft)
    expect(index.nextPublication(NOW)?.toISOString()).toBe('2026-01-01T18:00:00.000Z')
    expect(index.nextPublication(new Date('2026-01-01T18:00:00Z'))?.toISOString()).toBe('2026-01-02T06:00:00.000Z')
    expect(index.nextPublication(new Date('2026-01-02T06:00:00Z'))?.toISOString()).toBe('2026-03-01T06:00:00.000Z')
  })

  it('names no next publication when nothing is scheduled', () => {
    expect(indexOf(jan, feb, draft, futureDraft).nextPublication(NOW)).toBeUndefined()
  })

  it('lists the page paths of the public articles of every category, sorted', () => {
    const index = indexOf(mar, sport, draft, scheduled, jan)
    expect(index.publishedPaths(NOW)).toEqual(['/sport/pokal.html', '/wirtschaft/januar.html', '/wirtschaft/maerz.html'])
  })
})

describe('ArticleIndex: pages by path', () => {
  it('finds the article whose page lives at a path', () => {
    const index = indexOf(jan, feb)
    expect(index.byPath('/wirtschaft/februar.html')?.file).toBe('februar.md')
    expect(index.byPath('/wirtschaft/maerz.html')).toBeUndefined()
  })

  it('finds drafts and future articles too: whether a page is public is for the caller to ask', () => {
    const index = indexOf(makeArticle('entwurf', { date: '2025-05-01T08:00:00Z', draft: true }), makeArticle('morgen', { date: '2027-01-01T08:00:00Z' }))
    expect([index.byPath('/wirtschaft/entwurf.html')?.file, index.byPath('/wirtschaft/morgen.html')?.file]).toEqual(['entwurf.md', 'morgen.md'])
  })

  it('follows an article whose slug changed to its new path, and forgets the old one', () => {
    const index = indexOf(jan)
    index.set(makeArticle('jaenner', { date: '2025-01-15T08:00:00Z', file: 'januar.md' }))
    expect([index.byPath('/wirtschaft/jaenner.html')?.file, index.byPath('/wirtschaft/januar.html')]).toEqual(['januar.md', undefined])
  })

  // Found by these tests (issue #16): when a clash ended, the page path went to
  // any file sharing the slug in the removed file's first category, even one
  // whose own page lives elsewhere.
  it('gives a path that a clash left behind to no file whose page lives elsewhere', () => {
    const here = makeArticle('zins', { date: '2025-01-01T08:00:00Z', file: 'a/zins.md' })
    const elsewhere = makeArticle('zins', { date: '2025-01-02T08:00:00Z', file: 'b/zins.md', categories: ['politik', 'wirtschaft'] })
    const index = indexOf(here, elsewhere)
    index.delete('a/zins.md')
    expect(index.byPath('/politik/zins.html')?.file).toBe('b/zins.md')
    // Today: b/zins.md, whose page is /politik/zins.html.
    expect(index.byPath('/wirtschaft/zins.html')).toBeUndefined()
  })

  it('lets a new article have a path that a clash once handed to a file now gone', () => {
    const first = makeArticle('zins', { date: '2025-01-01T08:00:00Z', file: 'a/zins.md' })
    const elsewhere = makeArticle('zins', { date: '2025-01-02T08:00:00Z', file: 'b/zins.md', categories: ['politik', 'wirtschaft'] })
    const index = indexOf(first, elsewhere)
    index.delete('a/zins.md')
    index.delete('b/zins.md')
    index.set(makeArticle('zins', { date: '2025-01-03T08:00:00Z', file: 'c/zins.md' }))
    expect(files(index.publishedSection(NOW))).toEqual(['c/zins.md'])
    // Today: undefined and [], so the article is in the feeds but its page answers 404 and the export leaves it out.
    expect(index.byPath('/wirtschaft/zins.html')?.file).toBe('c/zins.md')
    expect(index.publishedPaths(NOW)).toEqual(['/wirtschaft/zins.html'])
  })
})

describe('ArticleIndex: clashes', () => {
  const one = makeArticle('zins', { date: '2025-01-01T08:00:00Z', file: 'eins/zins.md' })
  const two = makeArticle('zins', { date: '2025-01-02T08:00:00Z', file: 'zwei/zins.md' })

  it('refuses both files that share a slug in a category, each error naming the other', () => {
    const index = indexOf(jan, one, two)
    const errors = index.clashes()
    expect(errors.every((error) => error instanceof ArticleError)).toBe(true)
    expect(errors.map((error) => [error.file, error.field, error.message])).toEqual([
      ['eins/zins.md', 'slug', 'eins/zins.md: slug: "zins" is also used in category "wirtschaft" by zwei/zins.md; neither is published'],
      ['zwei/zins.md', 'slug', 'zwei/zins.md: slug: "zins" is also used in category "wirtschaft" by eins/zins.md; neither is published'],
    ])
    expect(files(index.publishedSection(NOW))).toEqual(['januar.md'])
    expect([index.publishedCount(NOW), index.byPath('/wirtschaft/zins.html'), index.publishedPaths(NOW)]).toEqual([1, undefined, ['/wirtschaft/januar.html']])
  })

  it('finds the same clash when the files arrive one by one, and reports both files as touched', () => {
    const index = indexOf(jan)
    expect([...index.set(one)].sort()).toEqual(['eins/zins.md'])
    expect(index.clashes()).toEqual([])
    expect([...index.set(two)].sort()).toEqual(['eins/zins.md', 'zwei/zins.md'])
    expect(index.clashes().map((error) => error.message)).toEqual([
      'eins/zins.md: slug: "zins" is also used in category "wirtschaft" by zwei/zins.md; neither is published',
      'zwei/zins.md: slug: "zins" is also used in category "wirtschaft" by eins/zins.md; neither is published',
    ])
    expect(files(index.publishedSection(NOW))).toEqual(['januar.md'])
  })

  it('refuses both files that share an id under different slugs, naming the field id', () => {
    const x = makeArticle('x', { date: '2025-01-03T08:00:00Z', id: 'tag:example.de,2025:gleich' })
    const y = makeArticle('y', { date: '2025-01-04T08:00:00Z', id: 'tag:example.de,2025:gleich' })
    expect(indexOf(x, y).clashes().map((error) => [error.field, error.message])).toEqual([
      ['id', 'x.md: id: "tag:example.de,2025:gleich" is also used in category "wirtschaft" by y.md; neither is published'],
      ['id', 'y.md: id: "tag:example.de,2025:gleich" is also used in category "wirtschaft" by x.md; neither is published'],
    ])
  })

  it('names every other file of a clash of three, sorted', () => {
    const three = makeArticle('zins', { date: '2025-01-03T08:00:00Z', file: 'drei/zins.md' })
    expect(indexOf(two, three, one).clashError('drei/zins.md')?.message).toBe(
      'drei/zins.md: slug: "zins" is also used in category "wirtschaft" by eins/zins.md, zwei/zins.md; neither is published',
    )
  })

  it('finds a clash in an article’s second category, and names that category', () => {
    const both = makeArticle('bilanz', { date: '2025-01-01T08:00:00Z', categories: ['wirtschaft', 'politik'] })
    const politics = makeArticle('bilanz', { date: '2025-01-02T08:00:00Z', file: 'politik/bilanz.md', categories: ['politik'] })
    expect(indexOf(both, politics).clashError('bilanz.md')?.message).toBe(
      'bilanz.md: slug: "bilanz" is also used in category "politik" by politik/bilanz.md; neither is published',
    )
  })

  it('lets the same slug live in two categories', () => {
    const economy = makeArticle('bilanz', { date: '2025-01-01T08:00:00Z' })
    const sport = makeArticle('bilanz', { date: '2025-01-02T08:00:00Z', file: 'sport/bilanz.md', categories: ['sport'] })
    const index = indexOf(economy, sport)
    expect(index.clashes()).toEqual([])
    expect(index.publishedPaths(NOW)).toEqual(['/sport/bilanz.html', '/wirtschaft/bilanz.html'])
  })

  it('gives no clash error for a file that does not clash', () => {
    expect(indexOf(jan, one, two).clashError('januar.md')).toBeUndefined()
  })

  it('republishes the other file when one of a clashing pair is deleted, reporting both as touched', () => {
    const index = indexOf(one, two)
    expect([...index.delete('zwei/zins.md')].sort()).toEqual(['eins/zins.md', 'zwei/zins.md'])
    expect(index.clashes()).toEqual([])
    expect(files(index.publishedSection(NOW))).toEqual(['eins/zins.md'])
    expect(index.byPath('/wirtschaft/zins.html')?.file).toBe('eins/zins.md')
  })

  it('republishes both files when one of them takes another slug', () => {
    const index = indexOf(one, two)
    index.set(makeArticle('zinsen', { date: '2025-01-02T08:00:00Z', file: 'zwei/zins.md' }))
    expect(index.clashes()).toEqual([])
    expect(files(index.publishedSection(NOW))).toEqual(['zwei/zins.md', 'eins/zins.md'])
    expect([index.byPath('/wirtschaft/zins.html')?.file, index.byPath('/wirtschaft/zinsen.html')?.file]).toEqual(['eins/zins.md', 'zwei/zins.md'])
  })

  // Issue #10, point 8: a draft sharing a live article's slug held the live article back.
  it('keeps a published article published when a draft takes its slug, and warns about the draft, naming both files', () => {
    const draft = makeArticle('zins', { date: '2025-01-02T08:00:00Z', file: 'entwurf/zins.md', draft: true })
    // Either load order: the draft must never win the page.
    for (const index of [indexOf(one, draft), indexOf(draft, one)]) {
      expect(index.clashes()).toEqual([])
      expect(files(index.publishedSection(NOW))).toEqual(['eins/zins.md'])
      expect([index.byPath('/wirtschaft/zins.html')?.file, index.publishedPaths(NOW)]).toEqual(['eins/zins.md', ['/wirtschaft/zins.html']])
      expect(index.clashWarnings('entwurf/zins.md')).toEqual([
        { field: 'slug', problem: '"zins" is also used in category "wirtschaft" by eins/zins.md; a draft may share it, but once this one is published, neither will be' },
      ])
      expect(index.clashWarnings('eins/zins.md')).toEqual([])
    }
  })

  it('keeps a published article published when a draft with its slug arrives later, reporting both as touched', () => {
    const index = indexOf(one)
    const draft = makeArticle('zins', { date: '2025-01-02T08:00:00Z', file: 'entwurf/zins.md', draft: true })
    expect([...index.set(draft)].sort()).toEqual(['eins/zins.md', 'entwurf/zins.md'])
    expect([index.clashes(), files(index.publishedSection(NOW)), index.byPath('/wirtschaft/zins.html')?.file]).toEqual([[], ['eins/zins.md'], 'eins/zins.md'])
  })

  it('applies the clash rules once the draft is published: both are held back, each naming the other', () => {
    const draft = makeArticle('zins', { date: '2025-01-02T08:00:00Z', file: 'entwurf/zins.md', draft: true })
    const index = indexOf(one, draft)
    expect([...index.set({ ...draft, draft: false })].sort()).toEqual(['eins/zins.md', 'entwurf/zins.md'])
    expect(index.clashes().map((error) => error.message)).toEqual([
      'eins/zins.md: slug: "zins" is also used in category "wirtschaft" by entwurf/zins.md; neither is published',
      'entwurf/zins.md: slug: "zins" is also used in category "wirtschaft" by eins/zins.md; neither is published',
    ])
    expect([files(index.publishedSection(NOW)), index.byPath('/wirtschaft/zins.html')]).toEqual([[], undefined])
    // Back to a draft: the published article is back, and the draft is warned about again.
    index.set(draft)
    expect([index.clashes(), files(index.publishedSection(NOW)), index.clashWarnings('entwurf/zins.md').length]).toEqual([[], ['eins/zins.md'], 1])
  })

  it('lets two drafts share a slug, warning about each and naming the other, and publishes the one that goes live', () => {
    const a = makeArticle('zins', { date: '2025-01-02T08:00:00Z', file: 'a/zins.md', draft: true })
    const b = makeArticle('zins', { date: '2025-01-03T08:00:00Z', file: 'b/zins.md', draft: true })
    const index = indexOf(a, b)
    expect(index.clashes()).toEqual([])
    expect([index.clashWarnings('a/zins.md'), index.clashWarnings('b/zins.md')].map((warnings) => warnings.map((w) => w.problem))).toEqual([
      ['"zins" is also used in category "wirtschaft" by b/zins.md; a draft may share it, but once this one is published, neither will be'],
      ['"zins" is also used in category "wirtschaft" by a/zins.md; a draft may share it, but once this one is published, neither will be'],
    ])
    index.set({ ...b, draft: false })
    expect([index.clashes(), files(index.publishedSection(NOW)), index.byPath('/wirtschaft/zins.html')?.file]).toEqual([[], ['b/zins.md'], 'b/zins.md'])
    expect([index.clashWarnings('a/zins.md').length, index.clashWarnings('b/zins.md')]).toEqual([1, []])
  })

  it('warns about a draft that shares a published article’s id, naming the field id', () => {
    const live = makeArticle('x', { date: '2025-01-03T08:00:00Z', id: 'tag:example.de,2025:gleich' })
    const draft = makeArticle('y', { date: '2025-01-04T08:00:00Z', id: 'tag:example.de,2025:gleich', draft: true })
    const index = indexOf(live, draft)
    expect([index.clashes(), files(index.publishedSection(NOW))]).toEqual([[], ['x.md']])
    expect(index.clashWarnings('y.md').map((w) => [w.field, w.problem])).toEqual([
      ['id', '"tag:example.de,2025:gleich" is also used in category "wirtschaft" by x.md; a draft may share it, but once this one is published, neither will be'],
    ])
  })
})

// Issue #10, point 9: a folder written on macOS (NFD names) next to files written elsewhere (NFC).
describe('ArticleIndex: file names that differ only in Unicode normalisation', () => {
  const nfc = 'Börse.md'
  const nfd = 'Börse.md'.normalize('NFD')
  const composed = makeArticle('boerse', { date: '2025-01-01T08:00:00Z', file: nfc })
  const decomposed = makeArticle('boerse', { date: '2025-01-02T08:00:00Z', file: nfd })
  const message = `${nfd}: file: is the name of ${nfc} in another Unicode normalisation (NFD, as macOS tools write names); not published while that file is there`

  it('publishes the file whose name is NFC and refuses the other, naming both, in either load order', () => {
    for (const index of [indexOf(composed, decomposed), indexOf(decomposed, composed)]) {
      expect(index.clashes().map((error) => [error.file, error.field, error.message])).toEqual([[nfd, 'file', message]])
      expect(files(index.publishedSection(NOW))).toEqual([nfc])
      expect([index.byPath('/wirtschaft/boerse.html')?.file, index.publishedPaths(NOW)]).toEqual([nfc, ['/wirtschaft/boerse.html']])
    }
  })

  it('refuses the second name even when the slugs differ, and publishes it once the first is gone', () => {
    const index = indexOf(composed)
    expect([...index.set({ ...decomposed, slug: 'boerse-2', path: '/wirtschaft/boerse-2.html' })].sort()).toEqual([nfc, nfd].sort())
    expect(index.clashes().map((error) => error.message)).toEqual([message])
    expect([...index.delete(nfc)].sort()).toEqual([nfc, nfd].sort())
    expect([index.clashes(), files(index.publishedSection(NOW))]).toEqual([[], [nfd]])
  })

  it('lets the published one of the two win over a draft, whatever its normalisation', () => {
    const index = indexOf({ ...composed, draft: true }, decomposed)
    expect(index.clashes().map((error) => error.message)).toEqual([
      `${nfc}: file: is the name of ${nfd} in another Unicode normalisation (NFC); not published while that file is there`,
    ])
    expect(files(index.publishedSection(NOW))).toEqual([nfd])
  })

  it('holds back no other file for a slug it shares only with the refused name', () => {
    // The refused file takes part in no slug clash: the NFC file and a third one with another slug stay as they are.
    const third = makeArticle('boerse-2', { date: '2025-01-03T08:00:00Z', file: 'c.md' })
    const index = indexOf(composed, third)
    index.set({ ...decomposed, slug: 'boerse-2', path: '/wirtschaft/boerse-2.html' })
    expect([index.clashes().map((error) => error.file), files(index.publishedSection(NOW))]).toEqual([[nfd], ['c.md', nfc]])
    // Once the NFC file is gone, the other one is published and meets the clash rules with the third.
    index.delete(nfc)
    expect(index.clashes().map((error) => error.file)).toEqual([nfd, 'c.md'])
  })
})

describe('ArticleIndex: drafts', () => {
  it('keeps a draft, so that it can be looked up and counted, but never publishes it', () => {
    const draft = makeArticle('entwurf', { date: '2025-05-01T08:00:00Z', draft: true })
    const index = indexOf(jan, draft)
    expect([index.size, index.get('entwurf.md')?.draft]).toEqual([2, true])
    expect(files(index.publishedSection(new Date('2030-01-01T00:00:00Z')))).toEqual(['januar.md'])
    expect(index.publishedCount(new Date('2030-01-01T00:00:00Z'))).toBe(1)
  })

  it('publishes a draft once its file says draft: false, in its place by date', () => {
    const draft = makeArticle('entwurf', { date: '2025-01-20T08:00:00Z', draft: true })
    const index = indexOf(jan, draft, feb)
    index.set({ ...draft, draft: false })
    expect(files(index.publishedSection(NOW))).toEqual(['februar.md', 'entwurf.md', 'januar.md'])
  })
})

describe('ArticleIndex: edits in place', () => {
  /** The sizes of the Maps that `change` deleted an entry from. */
  function deletesOf(change: () => void): number[] {
    const sizes: number[] = []
    const original = Map.prototype.delete
    Map.prototype.delete = function (this: Map<unknown, unknown>, key: unknown): boolean {
      sizes.push(this.size)
      return original.call(this, key)
    }
    try {
      change()
    } finally {
      Map.prototype.delete = original
    }
    return sizes
  }
  const episode = (n: number, fields: Partial<ArticleFields> = {}) =>
    makeArticle(`folge-${n}`, { date: `2025-01-01T${String(n % 24).padStart(2, '0')}:00:00Z`, access: 'plus', enclosure: makeEnclosure(`folge-${n}.mp3`, 'audio/mpeg'), ...fields })

  it('deletes no entry of its large maps for an edit that keeps the page, slug, id and media (at 60,000 articles the holes left grew each map within one edit of a bulk edit: 30 ms)', () => {
    const index = indexOf(...Array.from({ length: 200 }, (_, n) => episode(n)))
    const large = (sizes: number[]) => sizes.filter((size) => size >= 200)
    expect(large(deletesOf(() => index.set(episode(7, { title: 'Folge 7, korrigiert' }))))).toEqual([])
    expect(index.get('folge-7.md')?.title).toBe('Folge 7, korrigiert')
    expect(index.publishedSection(NOW).find((article) => article.file === 'folge-7.md')?.title).toBe('Folge 7, korrigiert')
    expect(index.isPlusMedia('/media/folge-7.mp3')).toBe(true)
    // What the spy sees: a new slug (so page path and id) and new media take the file's old keys out, and the old media is free.
    const moved = makeArticle('folge-sieben', { date: '2025-01-01T07:00:00Z', file: 'folge-7.md', access: 'plus', enclosure: makeEnclosure('folge-7b.mp3', 'audio/mpeg') })
    expect(large(deletesOf(() => index.set(moved)))).toEqual([201, 201, 201, 201])
    expect(index.byPath('/wirtschaft/folge-sieben.html')?.file).toBe('folge-7.md')
    expect(index.byPath('/wirtschaft/folge-7.html')).toBeUndefined()
    expect([index.isPlusMedia('/media/folge-7.mp3'), index.isPlusMedia('/media/folge-7b.mp3')]).toEqual([false, true])
  })
})
