import { createHash } from 'node:crypto'
import { bylineOf, tagsOf, type Article } from '../content/article.js'
import { archivePage } from '../feeds/archive.js'
import {
  ANY_KEY,
  archiveKey,
  articleKey,
  authorKey,
  digest,
  FEED_KEY,
  limitKey,
  mediaFileAt,
  mediaKey,
  newerLinkKey,
  NEWS_SITEMAP_KEY,
  PODCAST_KEY,
  SITEMAP_KEY,
  sitemapPartKey,
  tagKey,
  wideKey,
} from './cache-keys.js'
import { lastChangeOf, newsArticles, sitemapParts } from './sitemaps.js'
import { allSteps, stepsInTurns, type Steps } from '../util/event-loop-turns.js'
import { hashNumber, Sequence } from '../util/fast-hash.js'

/**
 * The versions of cache keys (cache-keys.ts names them): a key's version is
 * a digest of what the documents carrying it are made of, and a key whose
 * version changed between two states of the site is purged. Versions stay
 * inside the process (and, as digests, in cdn/purge-record.ts); only key
 * names go out.
 */

/** What versions are made of: the state of the site at one instant. */
export interface KeyVersionInput {
  /** The section's public articles, newest first. */
  readonly section: readonly Article[]
  /** The current feeds' articles. */
  readonly window: readonly Article[]
  readonly episodes: readonly Article[]
  readonly archivePages: number
  /** Public articles of every category (each has a page), oldest first: the sitemaps. */
  readonly published: readonly Article[]
  /** The instant of this state: which articles the news sitemap still lists. */
  readonly now: Date
  /** URLs a sitemap file holds (SITEMAP_PART_URLS; build-sitemaps.ts). */
  readonly sitemapUrls: number
  readonly feedLimit: number
  readonly archivePageSize: number
  readonly deskAuthor: string
  /** The newest change the current feeds show (what an empty view is dated by). */
  readonly sectionUpdated: string
  /** SITE_URL/media/: which articles' audio and transcript files are served under /media/. */
  readonly mediaPrefix: string
}

/** A digest of everything one article's documents render from it (its fields, its body). */
export type ArticleVersion = (article: Article) => string

/**
 * An article's version from what its documents are made of (ArticleVersion):
 * 64 bits of its SHA-256, as 16 hex digits in a string of its own. A whole
 * digest held 48 B more an article, for a key whose change a collision of
 * 64 bits would hide once in some 10^19 edits.
 */
export function versionDigest(text: string): string {
  return createHash('sha256').update(text).digest().toString('hex', 0, 8)
}

/** What keyVersions needs of each article, worked out once per article object. */
export interface ArticleFacts {
  readonly version: string
  readonly key: string
  /** The keys of the views it is in. */
  readonly views: readonly string[]
  /** A hash of its page path: lists of articles are versioned by these (Sequence). */
  readonly path: number
  /** When it last changed (lastChangeOf), in ms: with `path`, its sitemap entry. */
  readonly lastChange: number
}

/** What keyVersions needs of each article: its version, its key, the keys of the views it is in, hashes of what lists show of it. */
export interface ArticleKeyFacts {
  of(article: Article, deskAuthor: string): ArticleFacts
}

/**
 * ArticleKeyFacts from `version`, worked out once per article object (an
 * edit makes a new one): hashing every tag of 50,000 articles on every
 * change would cost more than the change.
 */
export function articleKeyFacts(version: ArticleVersion): ArticleKeyFacts {
  const known = new WeakMap<Article, ArticleFacts>()
  const viewsOf = sharedViews()
  return {
    of: (article, deskAuthor) => {
      let facts = known.get(article)
      if (!facts) {
        facts = {
          version: version(article),
          key: flat(articleKey(article.path)),
          views: viewsOf(tagsOf(article), bylineOf(article, deskAuthor)),
          path: hashNumber(article.path),
          lastChange: lastChangeOf(article).getTime(),
        }
        known.set(article, facts)
      }
      return facts
    },
  }
}

/**
 * `text` as one string of its own. V8 joins two strings of 13 characters or
 * more by reference (a cons string): a key `a-…` held so took 49 B more an
 * article than its 16 characters, 2.4 MB at 50,000.
 */
const flat = (text: string): string => JSON.parse(JSON.stringify(text)) as string

/** Names and lists sharedViews keeps: past either, it forgets them all and makes them anew (those given out stay right). */
const SHARED_AT_MOST = 10_000

/**
 * The view keys of an article's tags and byline, as one list for every
 * article with the same ones, each key one string. A list and strings of
 * each article's own held some 200 bytes an article, 10 MB at 50,000: with
 * them, the key versions held 570 B an article, 364 without (`keys` in
 * bench/heap-harness.mjs; 242 with the version and key made smaller too).
 * Each name's key is worked out once, not once an article: a SHA-256 for
 * every tag that is not a plain token.
 */
function sharedViews(): (tags: readonly string[], byline: readonly string[]) => readonly string[] {
  const keys = new Map<string, string>()
  const lists = new Map<string, readonly string[]>()
  const keyOf = (kind: 't' | 'a', name: string): string => {
    let key = keys.get(kind + name)
    if (key === undefined) {
      if (keys.size >= SHARED_AT_MOST) keys.clear()
      key = kind === 't' ? tagKey(name) : authorKey(name)
      keys.set(kind + name, key)
    }
    return key
  }
  return (tags, byline) => {
    const views = [...new Set([...tags.map((tag) => keyOf('t', tag)), ...byline.map((author) => keyOf('a', author))])]
    // Keys hold no space (cacheKey): joined, they name the list.
    const name = views.join(' ')
    const shared = lists.get(name)
    if (shared) return shared
    if (lists.size >= SHARED_AT_MOST) lists.clear()
    lists.set(name, views)
    return views
  }
}

/**
 * The version of every key at one state of the site. Articles are compared
 * by `articleVersion`; memberships (windows, pages, views) by the page paths
 * they hold, in order (a Sequence of their hashes). O(articles × tags), no
 * rendering, no text written per article.
 */
export function keyVersions(input: KeyVersionInput, facts: ArticleKeyFacts): Map<string, string> {
  return allSteps(keyVersionSteps(input, facts))
}

/** How long keyVersionsInTurns works before it lets the event loop turn. */
export const KEY_VERSIONS_TURN_MS = 5

/**
 * keyVersions with the event loop turning every `turnMs`: in one go, at
 * 50,000 articles, an edit's took 50–100 ms with every article's facts known,
 * every answer waiting, and a state's first over a second.
 */
export function keyVersionsInTurns(input: KeyVersionInput, facts: ArticleKeyFacts, turnMs = KEY_VERSIONS_TURN_MS): Promise<Map<string, string>> {
  return stepsInTurns(keyVersionSteps(input, facts), turnMs)
}

/** Articles (or list entries) keyVersionSteps goes through between two steps: where the event loop may turn. */
const STEP = 100

/** keyVersions' work, a step at a time (each yield). */
function* keyVersionSteps(input: KeyVersionInput, facts: ArticleKeyFacts): Steps<Map<string, string>> {
  const versions = new Map<string, string>()
  const of = (article: Article): ArticleFacts => facts.of(article, input.deskAuthor)
  const paths = (articles: readonly Article[]): string => {
    const sequence = new Sequence()
    for (const article of articles) sequence.add(of(article).path)
    return sequence.value()
  }
  /** Steps at every STEP articles or list entries, counted across the loops. */
  let done = 0
  const counted = (items: number): boolean => {
    const before = Math.floor(done / STEP)
    done += items
    return Math.floor(done / STEP) > before
  }
  for (const article of input.published) {
    const { key, version } = of(article)
    versions.set(key, version)
    if (counted(1)) yield
  }
  versions.set(FEED_KEY, `${input.archivePages}\n${input.sectionUpdated}\n${paths(input.window)}`)
  // ?limit=N for every N a view may ask: one sequence, its digest after each article.
  const chain = new Sequence()
  for (let limit = 1; limit <= 500; limit++) {
    const article = input.section[limit - 1]
    if (article) chain.add(of(article).path)
    versions.set(limitKey(limit), chain.value())
    if (counted(1)) yield
  }
  versions.set(PODCAST_KEY, `${input.episodes.length === 0 ? input.sectionUpdated : ''}\n${paths(input.episodes)}`)
  if (counted(input.episodes.length)) yield
  for (let page = 1; page <= input.archivePages; page++) {
    const found = archivePage(input.section, input.feedLimit, input.archivePageSize, page)
    if (!found) continue
    versions.set(archiveKey(page), paths(found.items))
    // RSS and Atom link to the next page: the last page changes when another begins (archiveKeys).
    versions.set(newerLinkKey(page), `${page < input.archivePages}`)
    if (counted(found.items.length)) yield
  }
  yield* sitemapVersions(input, versions, of, counted)
  yield* mediaAccessVersions(input, versions, counted)
  const views = new Map<string, Article[]>()
  const member = (key: string, article: Article): void => {
    const list = views.get(key) ?? []
    // A view shows at most 500 (MAX_FEED_LIMIT): a change further down shows in none.
    if (list.length < 500) list.push(article)
    views.set(key, list)
  }
  for (const article of input.section) {
    for (const key of of(article).views) member(key, article)
    if (counted(1)) yield
  }
  // A tag's usual view shows FEED_LIMIT items; one with a larger ?limit up to 500.
  for (const [key, articles] of views) {
    versions.set(key, paths(articles.slice(0, input.feedLimit)))
    versions.set(wideKey(key), paths(articles))
    if (counted(articles.length)) yield
  }
  return versions
}

/**
 * The versions of the sitemaps' keys: what build-sitemaps.ts writes in each,
 * no more. Each URL with its lastmod, the index page's lastmod (the
 * section's newest change) in the last file; the news sitemap's entries as
 * it states them, which change by themselves when one turns 48 hours old
 * (the store rebuilds then: nextChange). O(articles), no rendering.
 */
function* sitemapVersions(
  input: KeyVersionInput,
  versions: Map<string, string>,
  of: (article: Article) => ArticleFacts,
  counted: (items: number) => boolean,
): Steps<void> {
  const home = Date.parse(input.sectionUpdated)
  const parts = sitemapParts(input.published, input.sitemapUrls)
  const last = parts.length - 1
  // The sitemap index lists each part with the newest lastmod in it.
  const newest: number[] = []
  for (const [index, articles] of parts.entries()) {
    const sequence = new Sequence()
    newest[index] = index === last ? home : 0
    for (const article of articles) {
      const { path, lastChange } = of(article)
      sequence.add(path).add(lastChange)
      newest[index] = Math.max(newest[index] ?? 0, lastChange)
      if (counted(1)) yield
    }
    const entries = (index === last ? sequence.add(home) : sequence).value()
    versions.set(parts.length === 1 ? SITEMAP_KEY : sitemapPartKey(index + 1), entries)
  }
  if (parts.length > 1) versions.set(SITEMAP_KEY, newest.join('\n'))
  const news = newsArticles(input.published, input.now)
  const listed = news.map((article) => JSON.stringify([article.path, lastChangeOf(article).getTime(), article.date.getTime(), article.title, article.lang]))
  // A quiet desk's news sitemap lists the index page instead (renderNewsSitemap).
  versions.set(NEWS_SITEMAP_KEY, news.length > 0 ? digest(listed.join('\n')) : `/ ${home}`)
}

/**
 * The keys to purge between two states: those whose version changed, came or
 * went (the last article with a tag is gone: cached views still carry it),
 * and ANY_KEY with any of them.
 */
export function changedKeys(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  return allSteps(changedKeySteps(before, after))
}

/**
 * changedKeys with the event loop turning every `turnMs`: at 50,000 articles,
 * in one go, the two passes over every key held every answer 13–50 ms at each
 * change's purge (a CDN's), after its versions were worked out in turns.
 */
export function changedKeysInTurns(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, turnMs = KEY_VERSIONS_TURN_MS): Promise<string[]> {
  return stepsInTurns(changedKeySteps(before, after), turnMs)
}

/** Keys changedKeySteps compares between two steps. */
const KEY_STEP = 1000

function* changedKeySteps(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): Steps<string[]> {
  const changed: string[] = []
  let done = 0
  for (const [key, version] of after) {
    if (before.get(key) !== version) changed.push(key)
    if (++done % KEY_STEP === 0) yield
  }
  for (const key of before.keys()) {
    if (!after.has(key)) changed.push(key)
    if (++done % KEY_STEP === 0) yield
  }
  // Documents that name nothing more precise go with any change.
  if (changed.length > 0) changed.push(ANY_KEY)
  return changed.sort()
}


/**
 * An episode's audio and transcript file under /media/, versioned by whether
 * a plus article names it: a free episode edited to plus purges the copies a
 * CDN keeps of its files (for MEDIA_MAX_AGE), which /media/ now withholds
 * (content/plus-media.ts); back to free purges the 404 kept in their place.
 */
function* mediaAccessVersions(input: KeyVersionInput, versions: Map<string, string>, counted: (items: number) => boolean): Steps<void> {
  for (const article of input.published) {
    const urls = [article.enclosure?.url, typeof article.transcript === 'object' ? article.transcript.url : undefined]
    for (const url of urls) {
      const relative = mediaFileAt(url, input.mediaPrefix)
      if (relative === undefined) continue
      const key = mediaKey(relative)
      if (versions.get(key) !== 'plus') versions.set(key, article.access)
    }
    if (counted(1)) yield
  }
}

