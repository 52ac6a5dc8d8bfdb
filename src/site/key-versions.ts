import type { Article } from '../content/article.js'
import { archivePage, type ArchivePage } from '../feeds/archive.js'
import type { ArticleFacts, ArticleKeyFacts } from './article-key-facts.js'
import {
  archiveKey,
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
  wideKey,
} from './cache-keys.js'
import { lastChangeOf, newsArticles, sitemapParts } from './sitemaps.js'
import { allSteps, stepsInTurns, type Steps } from '../util/event-loop-turns.js'
import { Sequence } from '../util/fast-hash.js'

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

/**
 * Articles (or list entries) keyVersionSteps and keyChangeSteps go through between two steps: where the event loop
 * may turn. An article new to the facts takes some 20 µs (a SHA-256 of it).
 */
const STEP = 100

/** Whether the items done, counted across calls, just passed another multiple of STEP: where a step may yield. */
export function stepCounter(): (items: number) => boolean {
  let done = 0
  return (items) => Math.floor(done / STEP) < Math.floor((done += items) / STEP)
}

/** keyVersions' work, a step at a time (each yield). */
function* keyVersionSteps(input: KeyVersionInput, facts: ArticleKeyFacts): Steps<Map<string, string>> {
  const versions = new Map<string, string>()
  const of = factsOf(input, facts)
  /** Steps at every STEP articles or list entries, counted across the loops. */
  const counted = stepCounter()
  for (const article of input.published) {
    const { key, version } = of(article)
    versions.set(key, version)
    if (counted(1)) yield
  }
  versions.set(FEED_KEY, feedVersion(input, of))
  for (const [key, version] of limitVersions(input, of)) versions.set(key, version)
  if (counted(500)) yield
  versions.set(PODCAST_KEY, podcastVersion(input, of))
  if (counted(input.episodes.length)) yield
  for (let page = 1; page <= input.archivePages; page++) {
    const found = archivePage(input.section, input.feedLimit, input.archivePageSize, page)
    if (!found) continue
    for (const [key, version] of archiveVersions(input, found, of)) versions.set(key, version)
    if (counted(found.items.length)) yield
  }
  yield* sitemapVersions(input, versions, of, counted)
  yield* mediaAccessVersions(input, versions, counted)
  const views = new Map<string, Article[]>()
  for (const article of input.section) {
    for (const key of of(article).views) {
      const list = views.get(key) ?? []
      // A view shows at most VIEW_AT_MOST: a change further down shows in none.
      if (list.length < VIEW_AT_MOST) list.push(article)
      views.set(key, list)
    }
    if (counted(1)) yield
  }
  for (const [key, articles] of views) {
    for (const [viewKey, version] of viewVersions(key, articles, input.feedLimit, of)) versions.set(viewKey, version)
    if (counted(articles.length)) yield
  }
  return versions
}

/** An article's facts as keyVersions sees them (with the desk's byline). */
export type FactsOf = (article: Article) => ArticleFacts

export const factsOf =
  (input: Pick<KeyVersionInput, 'deskAuthor'>, facts: ArticleKeyFacts): FactsOf =>
  (article) =>
    facts.of(article, input.deskAuthor)

/** What a list of articles is versioned by: the hashes of their page paths, in order. */
export function pathsVersion(articles: readonly Article[], of: FactsOf): string {
  const sequence = new Sequence()
  for (const article of articles) sequence.add(of(article).path)
  return sequence.value()
}

/** FEED_KEY's version: the archive links, the window's date and its articles. */
export const feedVersion = (input: KeyVersionInput, of: FactsOf): string => `${input.archivePages}\n${input.sectionUpdated}\n${pathsVersion(input.window, of)}`

/** The most items a view shows (MAX_FEED_LIMIT): ?limit=1 to 500 each have a key. */
export const VIEW_AT_MOST = 500

/** ?limit=N for every N a view may ask: one sequence, its digest after each article. */
export function limitVersions(input: KeyVersionInput, of: FactsOf): [string, string][] {
  const chain = new Sequence()
  const out: [string, string][] = []
  for (let limit = 1; limit <= VIEW_AT_MOST; limit++) {
    const article = input.section[limit - 1]
    if (article) chain.add(of(article).path)
    out.push([limitKey(limit), chain.value()])
  }
  return out
}

/** PODCAST_KEY's version: its episodes (an empty podcast is dated by the section). */
export const podcastVersion = (input: KeyVersionInput, of: FactsOf): string => `${input.episodes.length === 0 ? input.sectionUpdated : ''}\n${pathsVersion(input.episodes, of)}`

/** An archive page's keys: its articles; RSS and Atom link to the next page, so the last page changes when another begins (archiveKeys). */
export function archiveVersions(input: KeyVersionInput, found: ArchivePage<Article>, of: FactsOf): [string, string][] {
  return [
    [archiveKey(found.number), pathsVersion(found.items, of)],
    [newerLinkKey(found.number), `${found.number < input.archivePages}`],
  ]
}

/** A tag's or author's view: its usual FEED_LIMIT items, and with a larger ?limit up to VIEW_AT_MOST (`members`, newest first). */
export function viewVersions(key: string, members: readonly Article[], feedLimit: number, of: FactsOf): [string, string][] {
  return [
    [key, pathsVersion(members.slice(0, feedLimit), of)],
    [wideKey(key), pathsVersion(members, of)],
  ]
}

/**
 * The versions of the sitemaps' keys: what build-sitemaps.ts writes in each,
 * no more. Each URL with its lastmod, the index page's lastmod (the
 * section's newest change) in the last file; the news sitemap's entries as
 * it states them, which change by themselves when one turns 48 hours old
 * (the store rebuilds then: nextChange). O(articles), no rendering.
 */
export function* sitemapVersions(
  input: KeyVersionInput,
  versions: Map<string, string>,
  of: FactsOf,
  counted: (items: number) => boolean,
): Steps<void> {
  const home = Date.parse(input.sectionUpdated)
  const parts = sitemapParts(input.published, input.sitemapUrls)
  // The sitemap index lists each part with the newest lastmod in it.
  const newest: number[] = []
  for (const [index, articles] of parts.entries()) {
    const part = yield* sitemapPartVersion(articles, index === parts.length - 1 ? home : undefined, of, counted)
    newest[index] = part.newest
    versions.set(sitemapKeyOf(index, parts.length), part.entries)
  }
  if (parts.length > 1) versions.set(SITEMAP_KEY, newest.join('\n'))
  versions.set(NEWS_SITEMAP_KEY, newsSitemapVersion(input))
}

/** The key of sitemap part `index` (from 0) of `parts`: SITEMAP_KEY when the site has one file. */
export const sitemapKeyOf = (index: number, parts: number): string => (parts === 1 ? SITEMAP_KEY : sitemapPartKey(index + 1))

/**
 * One sitemap file's entries (each URL with its lastmod) and the newest lastmod in it; the last file lists the
 * index page too, dated `home` (the section's newest change).
 */
export function* sitemapPartVersion(articles: readonly Article[], home: number | undefined, of: FactsOf, counted: (items: number) => boolean): Steps<{ readonly entries: string; readonly newest: number }> {
  const sequence = new Sequence()
  let newest = home ?? 0
  for (const article of articles) {
    const { path, lastChange } = of(article)
    sequence.add(path).add(lastChange)
    newest = Math.max(newest, lastChange)
    if (counted(1)) yield
  }
  return { entries: (home === undefined ? sequence : sequence.add(home)).value(), newest }
}

/** The news sitemap's entries as it states them; a quiet desk's lists the index page instead (renderNewsSitemap). */
export function newsSitemapVersion(input: KeyVersionInput): string {
  const news = newsArticles(input.published, input.now)
  const listed = news.map((article) => JSON.stringify([article.path, lastChangeOf(article).getTime(), article.date.getTime(), article.title, article.lang]))
  return news.length > 0 ? digest(listed.join('\n')) : `/ ${Date.parse(input.sectionUpdated)}`
}

/**
 * An episode's audio and transcript file under /media/, versioned by whether
 * a plus article names it: a free episode edited to plus purges the copies a
 * CDN keeps of its files (for MEDIA_MAX_AGE), which /media/ now withholds
 * (content/plus-media.ts); back to free purges the 404 kept in their place.
 */
export function* mediaAccessVersions(input: KeyVersionInput, versions: Map<string, string>, counted: (items: number) => boolean, only?: ReadonlySet<string>): Steps<void> {
  for (const article of input.published) {
    for (const key of mediaKeysOf(article, input.mediaPrefix)) {
      if (only && !only.has(key)) continue
      if (versions.get(key) !== 'plus') versions.set(key, article.access)
    }
    if (counted(1)) yield
  }
}

/** The keys of an article's audio and transcript files under /media/ (`mediaPrefix`). */
export function mediaKeysOf(article: Article, mediaPrefix: string): string[] {
  const keys: string[] = []
  for (const url of [article.enclosure?.url, typeof article.transcript === 'object' ? article.transcript.url : undefined]) {
    const relative = mediaFileAt(url, mediaPrefix)
    if (relative !== undefined) keys.push(mediaKey(relative))
  }
  return keys
}
