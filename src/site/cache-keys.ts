import { createHash } from 'node:crypto'
import { bylineOf, tagsOf, type Article } from '../content/article.js'
import { archivePage } from '../feeds/archive.js'
import type { FeedFormat } from '../feeds/feed-model.js'
import type { FeedFilter } from '../feeds/filter.js'
import { episodeDocumentAt } from './episode-documents.js'
import { parseArchivePath, sitemapPartAt } from './paths.js'
import { lastChangeOf, newsArticles, sitemapParts } from './sitemaps.js'
import { fastHash, hashNumber, Sequence } from '../util/fast-hash.js'

/**
 * Cache keys (surrogate keys): every document names what it shows, so that a
 * change purges exactly the documents that show it from a CDN (Varnish xkey,
 * Fastly Surrogate-Key, Cloudflare Cache-Tag; cdn/ writes them in each one's
 * header). Keys are short lower-case tokens: Cloudflare compares tags without
 * regard to case, xkey splits on spaces and commas, so anything else in a
 * value (long, non-ASCII, upper case) is hashed.
 *
 * A key's *version* (keyVersions) is a digest of what the documents carrying
 * it are made of; a key whose version changed between two states of the site
 * is purged. Versions stay inside the process; only key names go out.
 */

/** Every document: the site settings and configuration (a deploy purges it). */
export const SITE_KEY = 'site'
/** The current feeds and the index page: which articles the section's window holds, and its archive links. */
export const FEED_KEY = 'feed'
/** The podcast feed: which episodes it lists. */
export const PODCAST_KEY = 'podcast'
/**
 * `/sitemap.xml`: every public article's URL and lastmod, and the index
 * page's (when the site outgrows one file: the sitemap index, each part's
 * URL and newest lastmod). Not the articles' keys: a title edit leaves it alone.
 */
export const SITEMAP_KEY = 'sitemap'
/** `/news-sitemap.xml`: the articles of the last 48 hours, with what it states of each. */
export const NEWS_SITEMAP_KEY = 'news'
/** Every file under /media/ (a swapped MEDIA_DIR purges it). */
export const MEDIA_KEY = 'media'
/**
 * Documents that name nothing more precise (a new kind of document before it
 * declares its keys): purged on every change, so they are never stale.
 */
export const ANY_KEY = 'any'

const SAFE = /^[a-z0-9][a-z0-9._/-]{0,39}$/

/** A key `prefix-value`: the value as it is when it is a short lower-case token, else 12 hex digits of its SHA-256. */
export function cacheKey(prefix: string, value: string): string {
  return `${prefix}-${SAFE.test(value) ? value : digest(value).slice(0, 12)}`
}

/**
 * The article at a page path (or a 404 there, which its publication must
 * purge). Always hashed, 14 hex digits: 500 of them take 8.5 KB. A view of
 * 500 items names 500 articles, so the hash is a fast one (cyrb53, 53 bits):
 * SHA-256 took 2 ms of the event loop a view. Two paths that collide only
 * purge each other's documents needlessly.
 */
export const articleKey = (path: string): string => `a-${fastHash(path)}`

/** Archive page `n` (1 = oldest), in every format, and a 404 at its paths. */
export const archiveKey = (page: number): string => `p-${page}`
/** Part `n` of a sitemap past SITEMAP_PART_URLS (`/sitemap-<n>.xml`), and a 404 there. */
export const sitemapPartKey = (part: number): string => `sitemap-${part}`

/**
 * The keys of archive page `n` in `format`. RSS and Atom link to the newer
 * page too (RFC 5005 next-archive), which the newest archive page gains when
 * the next one begins; JSON Feed links only to the older one (`next_url`),
 * so its bytes stay the same then.
 */
export function archiveKeys(page: number, format: FeedFormat): string[] {
  return format === 'json' ? [archiveKey(page)] : [archiveKey(page), newerLinkKey(page)]
}
const newerLinkKey = (page: number): string => `${archiveKey(page)}.next`
/** Views filtered by a tag, compared without regard to case as filters are. */
export const tagKey = (tag: string): string => cacheKey('t', fold(tag))
/** Views filtered by an author. */
export const authorKey = (author: string): string => cacheKey('au', fold(author))
/** One file under /media/, by its path relative to MEDIA_DIR (`/`-separated, decoded). */
export const mediaKey = (relative: string): string => cacheKey('m', relative)
/** Whether a key names media files (MEDIA_KEY, mediaKey): the keys cdn-headers.ts's DOCUMENT_KEY does not cover. */
export const isMediaKey = (key: string): boolean => key === MEDIA_KEY || key.startsWith('m-')

const fold = (text: string): string => text.normalize('NFC').toLowerCase()

/** Views of the section's newest `limit` articles (?limit= alone). */
export const limitKey = (limit: number): string => `l-${limit}`
/** The key of a tag's or author's view showing more than the usual FEED_LIMIT items. */
const wide = (key: string): string => `${key}.all`

/** The keys of a page that shows `articles`, besides SITE_KEY and its own. */
export function documentKeys(own: readonly string[], articles: readonly Pick<Article, 'path'>[]): string[] {
  return [...new Set([SITE_KEY, ...own, ...articles.map((article) => articleKey(article.path))])]
}

type FeedArticle = Pick<Article, 'path' | 'enclosure' | 'image'>

/**
 * The keys of a feed that shows `articles`: as documentKeys, and the files
 * under /media/ whose length or pixel size it states (enclosures, lead
 * images; `mediaPrefix` is SITE_URL/media/), so that replacing one purges it.
 * Pages state neither, and carry no media keys.
 */
export function feedKeys(own: readonly string[], articles: readonly FeedArticle[], mediaPrefix: string): string[] {
  const files = articles
    .flatMap((article) => [article.enclosure?.url, article.image])
    .flatMap((url) => (url !== undefined && url.startsWith(mediaPrefix) ? [decoded(url.slice(mediaPrefix.length))] : []))
  return [...new Set([...documentKeys(own, articles), ...files.flatMap((file) => (file === undefined ? [] : [mediaKey(file)]))])]
}

function decoded(relative: string): string | undefined {
  try {
    return decodeURIComponent(relative.replace(/[?#].*$/, ''))
  } catch {
    return undefined
  }
}

/** The keys of a filtered view: its tags and authors (or its limit), and what feedKeys adds. */
export function filteredKeys(filter: FeedFilter, feedLimit: number, articles: readonly FeedArticle[], mediaPrefix: string): string[] {
  const limit = filter.limit ?? feedLimit
  const views = [...filter.tags.map(tagKey), ...filter.authors.map(authorKey)].map((key) => (limit > feedLimit ? wide(key) : key))
  // An empty view dates itself by the current feeds (build-site.ts sectionUpdated).
  return feedKeys([...(views.length > 0 ? views : [limitKey(limit)]), ...(articles.length === 0 ? [FEED_KEY] : [])], articles, mediaPrefix)
}

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

/** What keyVersions needs of each article, worked out once per article object. */
export interface ArticleFacts {
  readonly version: string
  readonly key: string
  /** The keys of the views it is in. */
  readonly views: readonly string[]
  /** A hash of its page path: lists of articles are versioned by these (Sequence). */
  readonly path: number
  /** When it last changed (lastChangeOf), in ms, and a hash of that with its path: a sitemap entry. */
  readonly lastChange: number
  readonly entry: number
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
  const known = new WeakMap<Article, ReturnType<ArticleKeyFacts['of']>>()
  return {
    of: (article, deskAuthor) => {
      let facts = known.get(article)
      if (!facts) {
        const views = [...tagsOf(article).map(tagKey), ...bylineOf(article, deskAuthor).map(authorKey)]
        const lastChange = lastChangeOf(article).getTime()
        facts = {
          version: version(article),
          key: articleKey(article.path),
          views: [...new Set(views)],
          path: hashNumber(article.path),
          lastChange,
          entry: hashNumber(`${article.path} ${lastChange}`),
        }
        known.set(article, facts)
      }
      return facts
    },
  }
}

/**
 * The version of every key at one state of the site. Articles are compared
 * by `articleVersion`; memberships (windows, pages, views) by the page paths
 * they hold, in order (a Sequence of their hashes). O(articles × tags), no
 * rendering, no text written per article.
 */
export function keyVersions(input: KeyVersionInput, facts: ArticleKeyFacts): Map<string, string> {
  const versions = new Map<string, string>()
  const of = (article: Article): ArticleFacts => facts.of(article, input.deskAuthor)
  const paths = (articles: readonly Article[]): string => {
    const sequence = new Sequence()
    for (const article of articles) sequence.add(of(article).path)
    return sequence.value()
  }
  for (const article of input.published) {
    const { key, version } = of(article)
    versions.set(key, version)
  }
  versions.set(FEED_KEY, `${input.archivePages}\n${input.sectionUpdated}\n${paths(input.window)}`)
  // ?limit=N for every N a view may ask: one sequence, its digest after each article.
  const chain = new Sequence()
  for (let limit = 1; limit <= 500; limit++) {
    const article = input.section[limit - 1]
    if (article) chain.add(of(article).path)
    versions.set(limitKey(limit), chain.value())
  }
  versions.set(PODCAST_KEY, `${input.episodes.length === 0 ? input.sectionUpdated : ''}\n${paths(input.episodes)}`)
  for (let page = 1; page <= input.archivePages; page++) {
    const found = archivePage(input.section, input.feedLimit, input.archivePageSize, page)
    if (!found) continue
    versions.set(archiveKey(page), paths(found.items))
    // RSS and Atom link to the next page: the last page changes when another begins (archiveKeys).
    versions.set(newerLinkKey(page), `${page < input.archivePages}`)
  }
  sitemapVersions(input, versions, of)
  mediaAccessVersions(input, versions)
  const views = new Map<string, Article[]>()
  const member = (key: string, article: Article): void => {
    const list = views.get(key) ?? []
    // A view shows at most 500 (MAX_FEED_LIMIT): a change further down shows in none.
    if (list.length < 500) list.push(article)
    views.set(key, list)
  }
  for (const article of input.section) for (const key of of(article).views) member(key, article)
  // A tag's usual view shows FEED_LIMIT items; one with a larger ?limit up to 500.
  for (const [key, articles] of views) {
    versions.set(key, paths(articles.slice(0, input.feedLimit)))
    versions.set(wide(key), paths(articles))
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
function sitemapVersions(input: KeyVersionInput, versions: Map<string, string>, of: (article: Article) => ArticleFacts): void {
  const home = Date.parse(input.sectionUpdated)
  const parts = sitemapParts(input.published, input.sitemapUrls)
  const last = parts.length - 1
  const entries = (articles: readonly Article[], index: number): string => {
    const sequence = new Sequence()
    for (const article of articles) sequence.add(of(article).entry)
    return (index === last ? sequence.add(home) : sequence).value()
  }
  if (parts.length === 1) versions.set(SITEMAP_KEY, entries(input.published, 0))
  else {
    parts.forEach((articles, index) => versions.set(sitemapPartKey(index + 1), entries(articles, index)))
    // The sitemap index lists each part with the newest lastmod in it.
    const newest = (articles: readonly Article[], index: number): number =>
      articles.reduce((time, article) => Math.max(time, of(article).lastChange), index === last ? home : 0)
    versions.set(SITEMAP_KEY, parts.map(newest).join('\n'))
  }
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
  const changed: string[] = []
  for (const [key, version] of after) if (before.get(key) !== version) changed.push(key)
  for (const key of before.keys()) if (!after.has(key)) changed.push(key)
  // Documents that name nothing more precise go with any change.
  if (changed.length > 0) changed.push(ANY_KEY)
  return changed.sort()
}

/** SHA-256 in lower-case hex: versions and hashed keys. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/**
 * An episode's audio and transcript file under /media/, versioned by whether
 * a plus article names it: a free episode edited to plus purges the copies a
 * CDN keeps of its files (for MEDIA_MAX_AGE), which /media/ now withholds
 * (content/plus-media.ts); back to free purges the 404 kept in their place.
 */
function mediaAccessVersions(input: KeyVersionInput, versions: Map<string, string>): void {
  for (const article of input.published) {
    const urls = [article.enclosure?.url, typeof article.transcript === 'object' ? article.transcript.url : undefined]
    for (const url of urls) {
      const relative = url !== undefined && url.startsWith(input.mediaPrefix) ? decoded(url.slice(input.mediaPrefix.length)) : undefined
      if (relative === undefined) continue
      const key = mediaKey(relative)
      if (versions.get(key) !== 'plus') versions.set(key, article.access)
    }
  }
}

/**
 * The keys of a 404 at `path`: of what may appear there later (an article
 * page, an episode's document beside it, an archive page, a sitemap part, a
 * media file), so that its publication purges the cached 404.
 */
export function missingKeys(path: string, section: string): string[] {
  const archived = parseArchivePath(section, path)
  if (archived) return [SITE_KEY, archiveKey(archived.page)]
  const beside = episodeDocumentAt(path)
  if (beside) return [SITE_KEY, articleKey(beside.page)]
  const part = sitemapPartAt(path)
  if (part !== undefined) return [SITE_KEY, sitemapPartKey(part)]
  if (path.startsWith('/media/')) return mediaFileKeys(path)
  return path.endsWith('.html') ? [SITE_KEY, articleKey(path)] : [SITE_KEY]
}

/** The keys of `/media/<file>` (URL-encoded as requested), whether it is there or not. */
export function mediaFileKeys(path: string): string[] {
  const relative = decoded(path.slice('/media/'.length))
  return relative === undefined ? [SITE_KEY] : [SITE_KEY, MEDIA_KEY, mediaKey(relative)]
}

/** The keys of changed files under MEDIA_DIR (relative, `/`-separated); all media when the folder itself changed. */
export function mediaKeys(files: readonly string[] | undefined): string[] {
  // ANY_KEY too: a document too large to name its keys (cdn-headers.ts) may show these files.
  return [...(files === undefined ? [MEDIA_KEY] : files.map(mediaKey)), ANY_KEY]
}
