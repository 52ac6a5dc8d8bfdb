import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/content/article.js'
import { archivePageCount } from '../../src/feeds/archive.js'
import { articleKeyFacts, versionDigest, type ArticleKeyFacts } from '../../src/site/article-key-facts.js'
import { articleKey } from '../../src/site/cache-keys.js'
import { planSite, type SitePlan } from '../../src/site/build-site.js'
import { loadConfig } from '../../src/config.js'
import { allSteps } from '../../src/util/event-loop-turns.js'
import { sectionUpdated } from '../../src/site/feed-documents.js'
import { changedKeys, keyChanges, keyChangesInTurns } from '../../src/site/key-changes.js'
import { keyVersions, type KeyVersionInput } from '../../src/site/key-versions.js'
import { makeArticle, publishedOf } from '../helpers/article-fixtures.js'
import { seenAtTurns, spin } from '../helpers/loop-delay.js'
import { seededRandom } from '../helpers/seeded-random.js'

const HOUR = 3_600_000
const START = Date.UTC(2026, 0, 1)
const MEDIA = 'https://www.example.de/media/'
const TAGS = ['EZB', 'ezb', 'Börse', 'Konjunktur', 'Mittelstand', 'Zölle', 'Energie']
const AUTHORS = ['Lea Voigt', 'Jonas Brandt', 'Wirtschaftsredaktion']
const FILES = ['folge-1.mp3', 'folge-2.mp3', 'folge%203.mp3', 'geteilt.mp3']

interface Settings {
  readonly feedLimit: number
  readonly archivePageSize: number
  readonly sitemapUrls: number
  /** How often a new article is an episode, and how often it is of another category (default 0.3 and 0.2). */
  readonly audio?: number
  readonly otherCategory?: number
}

/** The state of the site keyVersions sees for `articles` at `now`, as planSite makes it (published oldest first, the section newest first). */
function stateOf(articles: readonly Article[], now: number, settings: Settings): KeyVersionInput {
  const published = articles.filter((article) => article.date.getTime() <= now).sort((a, b) => a.date.getTime() - b.date.getTime() || (a.path < b.path ? -1 : 1))
  const section = published.filter((article) => article.categories[0] === 'wirtschaft').reverse()
  const window = section.slice(0, settings.feedLimit)
  return {
    section,
    window,
    episodes: section.filter((article) => article.enclosure),
    archivePages: archivePageCount(section.length, settings.feedLimit, settings.archivePageSize),
    published,
    now: new Date(now),
    sitemapUrls: settings.sitemapUrls,
    feedLimit: settings.feedLimit,
    archivePageSize: settings.archivePageSize,
    deskAuthor: 'Wirtschaftsredaktion',
    sectionUpdated: sectionUpdated(window).toISOString(),
    mediaPrefix: MEDIA,
  }
}

/** A random article `n`: a category, tags, a byline, now and then an episode (some sharing one file) or a transcript, free or plus. */
function articleOf(n: number, rng: ReturnType<typeof seededRandom>, hours: number, settings: Partial<Settings> = {}): Article {
  const slug = `meldung-${n}`
  const date = new Date(START + rng.int(hours) * HOUR).toISOString()
  const audio = rng.next() < (settings.audio ?? 0.3) ? `${MEDIA}${rng.pick(FILES)}` : undefined
  return makeArticle(slug, {
    date,
    categories: rng.next() < (settings.otherCategory ?? 0.2) ? ['politik'] : ['wirtschaft'],
    tags: TAGS.filter(() => rng.next() < 0.3),
    authors: AUTHORS.filter(() => rng.next() < 0.4),
    access: rng.next() < 0.2 ? 'plus' : 'free',
    enclosure: audio === undefined ? undefined : { url: audio, type: 'audio/mpeg', length: 1000 },
    transcript: rng.next() < 0.1 ? { url: `${MEDIA}${rng.pick(FILES).replace('.mp3', '.vtt')}`, type: 'text/vtt' } : undefined,
  } as Parameters<typeof makeArticle>[1])
}

/** One random change of `articles`: an edit (title, date, tags, byline, access, audio, category), one added, one or several removed or edited. */
function changeOf(articles: Article[], rng: ReturnType<typeof seededRandom>, hours: number, next: () => number, settings: Settings): Article[] {
  const out = [...articles]
  const at = rng.int(out.length)
  const old = out[at] as Article
  const edits: (() => void)[] = [
    () => (out[at] = { ...old, title: `${old.title}!` }),
    () => (out[at] = { ...old, date: new Date(START + rng.int(hours) * HOUR) }),
    () => (out[at] = { ...old, updated: new Date(old.date.getTime() + rng.int(48) * HOUR) }),
    () => (out[at] = { ...old, tags: TAGS.filter(() => rng.next() < 0.3) }),
    () => (out[at] = { ...old, authors: AUTHORS.filter(() => rng.next() < 0.4) }),
    () => (out[at] = { ...old, access: old.access === 'plus' ? 'free' : 'plus' }),
    () => (out[at] = { ...old, enclosure: old.enclosure || settings.audio === 0 ? undefined : { url: `${MEDIA}${rng.pick(FILES)}`, type: 'audio/mpeg', length: 1 } } as Article),
    () => (out[at] = { ...old, categories: old.categories[0] === 'wirtschaft' ? ['politik'] : ['wirtschaft'] }),
    () => out.push(articleOf(next(), rng, hours, settings)),
    () => out.splice(at, 1),
    () => {
      for (let count = rng.int(8); count > 0; count--) {
        const index = rng.int(out.length)
        out[index] = { ...(out[index] as Article), title: `bulk ${count}` }
      }
    },
  ]
  rng.pick(edits)()
  return out
}

const digestFacts = (): ArticleKeyFacts => articleKeyFacts((article) => versionDigest(JSON.stringify(article)))

/** `steps` random changes of `size` articles, each compared both ways: keyChanges against changedKeys of both states' versions. */
function compareRandomChanges(seed: number, size: number, steps: number, settings: Settings): { changes: number; keys: number } {
  const rng = seededRandom(seed)
  const hours = size * 2
  let made = 0
  const next = () => made++
  let articles = Array.from({ length: size }, () => articleOf(next(), rng, hours, settings))
  let now = START + hours * HOUR
  let state = stateOf(articles, now, settings)
  const facts = digestFacts()
  let versions = keyVersions(state, facts)
  let changes = 0
  let keys = 0
  for (let step = 0; step < steps; step++) {
    articles = changeOf(articles, rng, hours, next, settings)
    // Now and then time passes: the news sitemap's 48 hours move, an article scheduled ahead goes live.
    if (rng.next() < 0.2) now += rng.int(30) * HOUR
    const after = stateOf(articles, now, settings)
    const afterVersions = keyVersions(after, facts)
    const expected = changedKeys(versions, afterVersions)
    expect({ step, keys: keyChanges(state, after, facts) }).toEqual({ step, keys: expected })
    if (expected.length > 0) changes += 1
    keys += expected.length
    state = after
    versions = afterVersions
  }
  return { changes, keys }
}

describe('keyChanges: the keys changed, from what differs between two states', () => {
  it.each([
    ['60 articles, small pages and sitemap files', 1, 60, 400, { feedLimit: 3, archivePageSize: 4, sitemapUrls: 7 }],
    ['60 articles, another seed', 2, 60, 400, { feedLimit: 5, archivePageSize: 3, sitemapUrls: 50 }],
    ['1,200 articles: ?limit= views and tag views past 500', 3, 1200, 60, { feedLimit: 20, archivePageSize: 50, sitemapUrls: 250 }],
    // An empty podcast is dated by the section; a sitemap file of other categories' articles is the last, dating the index page.
    ['no episodes, half the articles of another category, 2 a sitemap file', 7, 40, 400, { feedLimit: 3, archivePageSize: 4, sitemapUrls: 2, audio: 0, otherCategory: 0.5 }],
  ])('equals changedKeys of both states’ versions after every random change: %s', (_name, seed, size, steps, settings) => {
    const { changes, keys } = compareRandomChanges(seed, size, steps, settings)
    // The changes were real ones, most of them purging something, some many keys.
    expect(changes).toBeGreaterThan(steps * 0.6)
    expect(keys).toBeGreaterThan(steps * 5)
  })

  it('finds nothing between a state and itself, or the same articles in new lists', () => {
    const rng = seededRandom(4)
    const articles = Array.from({ length: 40 }, (_, n) => articleOf(n, rng, 80))
    const settings = { feedLimit: 3, archivePageSize: 4, sitemapUrls: 7 }
    const state = stateOf(articles, START + 80 * HOUR, settings)
    expect(keyChanges(state, state, digestFacts())).toEqual([])
    expect(keyChanges(state, stateOf(articles, START + 80 * HOUR, settings), digestFacts())).toEqual([])
  })

  it('compares every key when a setting differs (FEED_LIMIT): the lists are cut elsewhere', () => {
    const rng = seededRandom(5)
    const articles = Array.from({ length: 40 }, (_, n) => articleOf(n, rng, 80))
    const facts = digestFacts()
    const [before, after] = [3, 4].map((feedLimit) => stateOf(articles, START + 80 * HOUR, { feedLimit, archivePageSize: 4, sitemapUrls: 7 })) as [KeyVersionInput, KeyVersionInput]
    expect(keyChanges(before, after, facts)).toEqual(changedKeys(keyVersions(before, facts), keyVersions(after, facts)))
    expect(keyChanges(before, after, facts)).toContain('feed')
  })

  it('looks at a few articles for an edit of the newest of 5,000, where both states’ versions look at every one several times', async () => {
    const rng = seededRandom(6)
    const articles = Array.from({ length: 5000 }, (_, n) => ({ ...articleOf(n, rng, 10_000), tags: ['Konjunktur'], categories: ['wirtschaft'] }))
    const settings = { feedLimit: 20, archivePageSize: 50, sitemapUrls: 1000 }
    const now = START + 10_000 * HOUR
    const before = stateOf(articles, now, settings)
    const newest = before.section[0] as Article
    const after = stateOf(articles.map((article) => (article === newest ? { ...article, title: 'Neu' } : article)), now, settings)
    let looked = 0
    const digest = digestFacts()
    const counting: ArticleKeyFacts = { of: (article, desk) => (looked++, digest.of(article, desk)) }
    const full = changedKeys(keyVersions(before, counting), keyVersions(after, counting))
    const byVersions = looked
    looked = 0
    expect(await keyChangesInTurns(before, after, counting)).toEqual(full)
    // Both states' versions look at every article some five times. keyChanges looks at the lists the edit is in, in
    // both states: the window, the ?limit= views (500), every episode (the podcast), its sitemap file (1,000), and
    // each of its views' newest 500 (found in the articles after it): some 9,000.
    expect(byVersions).toBeGreaterThan(8 * 5000)
    expect(looked).toBeLessThan(byVersions / 4)
    // A title: its page, and the news sitemap (which states titles), not the lists (which name paths).
    expect(full).toEqual([articleKey(newest.path), 'any', 'news'])
  })

  it('lets the event loop turn every few ms when every article is new to the facts (a folder swapped in, a bulk import)', async () => {
    const rng = seededRandom(8)
    const articles = Array.from({ length: 2500 }, (_, n) => articleOf(n, rng, 5000))
    const settings = { feedLimit: 20, archivePageSize: 50, sitemapUrls: 1000 }
    const now = START + 5000 * HOUR
    const before = stateOf(articles, now, settings)
    // The same articles read again: new objects, each one's version a SHA-256 (some 20 µs each at 50,000).
    const after = stateOf(articles.map((article) => ({ ...article })), now, settings)
    let asked = 0
    const facts = articleKeyFacts((article) => {
      asked += 1
      spin(0.02)
      return versionDigest(JSON.stringify(article))
    })
    for (const article of before.published) facts.of(article, before.deskAuthor)
    asked = 0
    const seen = await seenAtTurns(() => asked, async () => expect(await keyChangesInTurns(before, after, facts)).toEqual([]))
    // 2,500 versions of 20 µs, 50 ms in all: the event loop turned within it, not once every 1,000 articles.
    expect(asked).toBe(2500)
    expect(seen.filter((done) => done > 0 && done < 2500).length).toBeGreaterThanOrEqual(5)
  })

  it('is what a plan works out since the one before (SitePlan.changedSince), neither plan\'s versions of every key asked', () => {
    const articles = Array.from({ length: 300 }, (_, n) => makeArticle(`m${n}`, { date: new Date(START + n * HOUR).toISOString(), tags: [`t${n % 7}`] }))
    const config = loadConfig({ SITE_URL: 'https://www.example.de/' })
    const now = new Date(START + 400 * HOUR)
    const digest = digestFacts()
    let looked = 0
    const counting: ArticleKeyFacts = { of: (article, desk) => (looked++, digest.of(article, desk)) }
    const edited = articles.map((article, n) => (n === 150 ? { ...article, tags: ['t1'] } : article))
    const [before, after] = [articles, edited].map((list) => planSite(publishedOf(list), now, config, counting)) as [SitePlan, SitePlan]
    const changed = allSteps(after.changedSince(before))
    // Neither plan's `keys` was worked out: asked now, each looks at every article (once memoized, at none).
    looked = 0
    expect(changed).toEqual(changedKeys(before.keys, after.keys))
    expect(looked).toBeGreaterThan(2 * 300)
    expect(changed).toEqual(expect.arrayContaining([articleKey('/wirtschaft/m150.html'), 't-t1', 't-t3']))
    // Plans whose facts differ (another store's) are compared by every key's version.
    const other = planSite(publishedOf(edited), now, config, digestFacts())
    expect(allSteps(other.changedSince(before))).toEqual(changed)
  })
})
