/**
 * SortedArticles on its own, against a model (a Map of members, sorted on
 * every read): new articles wait to be merged at the next read, more than
 * SPLICED_AT_MOST of them by one pass from the back. ArticleIndex's property
 * (article-index-orders.test.ts) has 8 files, so never more than 8 wait: a
 * merge that lost or doubled an article there passed it, and the cost guard,
 * which checks the length and the first article only.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/content/article.js'
import { SortedArticles } from '../../src/store/sorted-articles.js'
import { newestFirstByFile } from '../../src/store/article-index.js'
import { makeArticle } from '../helpers/article-fixtures.js'

const articleOf = (file: number, day: number): Article => ({ ...makeArticle(`m-${file}`, { date: `2025-01-${String(day).padStart(2, '0')}T08:00:00Z` }), file: `f${file}.md` })

const step = fc.record({
  kind: fc.oneof(
    { arbitrary: fc.constant('in' as const), weight: 12 },
    { arbitrary: fc.constant('out' as const), weight: 3 },
    { arbitrary: fc.constant('replace' as const), weight: 4 },
    { arbitrary: fc.constant('out, an equal copy' as const), weight: 1 },
    { arbitrary: fc.constant('read' as const), weight: 1 },
    { arbitrary: fc.constant('load' as const), weight: 1 },
  ),
  file: fc.integer({ min: 0, max: 40 }),
  day: fc.integer({ min: 1, max: 5 }),
})

describe('SortedArticles', () => {
  it('answers items and prefix as a sort of its members would, however many articles wait to be merged', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 300 }), (steps) => {
        const sorted = new SortedArticles(newestFirstByFile)
        const current = new Map<number, Article>() // each file's article
        const members = new Set<number>()
        const check = () => {
          const expected = [...members].map((file) => current.get(file) as Article).sort(newestFirstByFile)
          // The very objects, in order: none lost, none twice.
          expect(sorted.items.length).toBe(expected.length)
          expect(sorted.items.every((article, index) => article === expected[index])).toBe(true)
          const cut = new Date('2025-01-03T08:00:00Z')
          expect(sorted.prefix((article) => article.date > cut)).toBe(expected.filter((article) => article.date > cut).length)
        }
        for (const { kind, file, day } of steps) {
          const article = current.get(file)
          if (kind === 'in') {
            if (!article) current.set(file, articleOf(file, day))
            sorted.toggle(current.get(file) as Article, true)
            members.add(file)
          } else if (kind === 'out' && article) {
            sorted.toggle(article, false)
            members.delete(file)
          } else if (kind === 'out, an equal copy' && article) {
            sorted.toggle({ ...article }, false) // not a member: nothing
          } else if (kind === 'replace' && article) {
            // As ArticleIndex does for an edit: the new article in the old one's place where it sorts there, then toggled.
            const next = articleOf(file, day)
            sorted.replace(article, next)
            current.set(file, next)
            if (members.has(file)) sorted.toggle(next, true)
          } else if (kind === 'load') {
            sorted.load([...members].map((member) => current.get(member) as Article))
          } else if (kind === 'read') {
            check()
          }
        }
        check()
      }),
      { numRuns: 500 },
    )
  })
})
