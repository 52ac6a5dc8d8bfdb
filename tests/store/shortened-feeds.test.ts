import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { buildFeedDocument, toFeedItems, type ItemContext, type RenderedBody } from '../../src/feeds/build-feed.js'
import type { FeedDocument } from '../../src/feeds/feed-model.js'
import { ShortenedFeeds } from '../../src/store/shortened-feeds.js'
import { makeArticle } from '../helpers/article-fixtures.js'

const CONTEXT: ItemContext = { deskAuthor: 'Desk', authors: new Map(), media: () => undefined }
const ARTICLES = ['a', 'b', 'c', 'd'].map((slug, index) => makeArticle(slug, { date: `2025-06-0${4 - index}T06:00:00Z`, summary: `Kurz ${slug}` }))
const bodyOf = (): RenderedBody => ({ html: '<p>1234567</p>', excerpt: '' }) // 14 bytes each
const BUDGET_SAYS = "items carry their summary only, not their text: with it, the items' HTML would pass the 4 MiB a feed document may carry"

/** The feed document at `url` of the four articles, `whole` of them within a budget of 14 bytes each. */
function documentAt(url: string, whole: number): FeedDocument {
  const { items, shortened } = toFeedItems(ARTICLES, bodyOf, CONTEXT, 14 * whole)
  const self = { rss: url, atom: `${url}.atom`, json: `${url}.json` }
  return buildFeedDocument({ title: 'T', description: 'D', language: 'de', homeUrl: 'https://www.example.de/', links: { self }, author: 'Desk', generator: 'G', updatedWhenEmpty: new Date(0), shortened }, items)
}

/** A ShortenedFeeds whose log lines are kept, each with its level. */
function tracked(kept?: number) {
  const lines: string[] = []
  const shortened = new ShortenedFeeds({ info: (line) => lines.push(`info: ${line}`), warn: (line) => lines.push(`warn: ${line}`) }, kept)
  return { lines, note: (document: FeedDocument, name?: string) => shortened.note(document, name) }
}

const FEED = 'https://www.example.de/wirtschaft/feed.xml'
const ARCHIVE = 'https://www.example.de/wirtschaft/archiv/1/feed.xml'

describe('ShortenedFeeds', () => {
  it('warns once when a document starts to be shortened, again only when its line changes, and says once when it carries every item again', () => {
    const { lines, note } = tracked()
    const problem = (count: number) => `${FEED} (and its other formats): ${count} of 4 ${BUDGET_SAYS}`
    expect(note(documentAt(FEED, 4))).toBeUndefined()
    expect(note(documentAt(FEED, 2))).toBe(problem(2))
    expect(note(documentAt(FEED, 2))).toBe(problem(2)) // every rebuild returns it, for /healthz
    expect(note(documentAt(FEED, 2))).toBe(problem(2))
    expect(note(documentAt(FEED, 1))).toBe(problem(3))
    expect(note(documentAt(FEED, 4))).toBeUndefined()
    expect(note(documentAt(FEED, 4))).toBeUndefined()
    expect(lines).toEqual([`warn: warning ${problem(2)}`, `warn: warning ${problem(3)}`, `info: ${FEED} (and its other formats) carries every item's text again`])
  })

  it('keeps a streak per name, and names a document as it is told', () => {
    const { lines, note } = tracked()
    note(documentAt(FEED, 2))
    note(documentAt(ARCHIVE, 3))
    note(documentAt(FEED, 2))
    note(documentAt(ARCHIVE, 4))
    note(documentAt(FEED, 2))
    note(documentAt('https://www.example.de/wirtschaft/plus/PLACEHOLDER/feed.xml', 3), 'https://www.example.de/wirtschaft/plus/<token>/feed.xml')
    expect(lines).toEqual([
      `warn: warning ${FEED} (and its other formats): 2 of 4 ${BUDGET_SAYS}`,
      `warn: warning ${ARCHIVE} (and its other formats): 1 of 4 ${BUDGET_SAYS}`,
      `info: ${ARCHIVE} (and its other formats) carries every item's text again`,
      `warn: warning https://www.example.de/wirtschaft/plus/<token>/feed.xml (and its other formats): 1 of 4 ${BUDGET_SAYS}`,
    ])
  })

  it('remembers the shortened documents only, at most `kept` of them, the least recently rendered forgotten first', () => {
    const { lines, note } = tracked(2)
    const page = (n: number) => `https://www.example.de/wirtschaft/archiv/${n}/feed.xml`
    for (let n = 1; n <= 50; n++) note(documentAt(page(n + 100), 4)) // whole: nothing remembered, nothing said
    note(documentAt(page(1), 2))
    note(documentAt(page(2), 2))
    note(documentAt(page(1), 2)) // page 1 rendered last: page 2 is the one forgotten next
    note(documentAt(page(3), 2))
    expect(lines).toHaveLength(3)
    note(documentAt(page(1), 2)) // remembered: nothing
    note(documentAt(page(2), 2)) // forgotten: warned again
    note(documentAt(page(3), 4)) // forgotten by now (page 1 and 2 rendered since): fits without a word
    expect(lines.slice(3)).toEqual([`warn: warning ${page(2)} (and its other formats): 2 of 4 ${BUDGET_SAYS}`])
  })

  it('cuts a name past 200 characters, in what it keeps and what it logs, and tells views that start alike apart: a view\'s query is the client\'s to choose', () => {
    const { lines, note } = tracked()
    const long = `/wirtschaft/feed.xml?tag=${'Konjunktur,'.repeat(700)}`
    const shown = `${long.slice(0, 200)}…[${createHash('sha256').update(long).digest('hex').slice(0, 8)}]`
    const other = `${long.slice(0, 200)}…[${createHash('sha256').update(`${long}x`).digest('hex').slice(0, 8)}]`
    expect(note(documentAt(FEED, 2), long)).toBe(`${shown} (and its other formats): 2 of 4 ${BUDGET_SAYS}`)
    // The same first 200 characters, another view: its own streak (before, one streak: no line for it, and the
    // first's "again" said of both).
    expect(note(documentAt(FEED, 2), `${long}x`)).toBe(`${other} (and its other formats): 2 of 4 ${BUDGET_SAYS}`)
    note(documentAt(FEED, 4), long)
    note(documentAt(FEED, 4), `${long}x`)
    // Before: the whole 7.7 KB name, twice (key and line), for each of 1,000 views.
    expect(lines).toEqual([
      `warn: warning ${shown} (and its other formats): 2 of 4 ${BUDGET_SAYS}`,
      `warn: warning ${other} (and its other formats): 2 of 4 ${BUDGET_SAYS}`,
      `info: ${shown} (and its other formats) carries every item's text again`,
      `info: ${other} (and its other formats) carries every item's text again`,
    ])
  })
})
