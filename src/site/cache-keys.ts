import { createHash } from 'node:crypto'
import type { Article } from '../content/article.js'
import type { FeedFormat } from '../feeds/feed-model.js'
import type { FeedFilter } from '../feeds/filter.js'
import { episodeDocumentAt } from './episode-documents.js'
import { parseArchivePath, sitemapPartAt } from './paths.js'
import { fastHash } from '../util/fast-hash.js'

/**
 * Cache keys (surrogate keys): every document names what it shows, so that a
 * change purges exactly the documents that show it from a CDN (Varnish xkey,
 * Fastly Surrogate-Key, Cloudflare Cache-Tag; cdn/ writes them in each one's
 * header). Keys are short lower-case tokens: Cloudflare compares tags without
 * regard to case, xkey splits on spaces and commas, so anything else in a
 * value (long, non-ASCII, upper case) is hashed.
 *
 * Which keys a change purges is key-versions.ts's work.
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
/** What wideKey adds to a view's key. */
const WIDE = '.all'

/**
 * A key `prefix-value`: the value as it is when it is a short lower-case
 * token, else 12 hex digits of its SHA-256. A token ending as a wide view's
 * key does (wideKey) is hashed too: the tag `ezb.all` named `t-ezb.all`, the
 * wide view of `ezb`, and of two views in one key only one's version counted
 * (an article new in `ezb` left its wide view cached).
 */
export function cacheKey(prefix: string, value: string): string {
  return `${prefix}-${SAFE.test(value) && !value.endsWith(WIDE) ? value : digest(value).slice(0, 12)}`
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
/** The key of archive page `n`'s link to the newer page (RSS and Atom only: archiveKeys). */
export const newerLinkKey = (page: number): string => `${archiveKey(page)}.next`
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
export const wideKey = (key: string): string => `${key}${WIDE}`

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
  const files = articles.flatMap((article) => [article.enclosure?.url, article.image]).map((url) => mediaFileAt(url, mediaPrefix))
  return [...new Set([...documentKeys(own, articles), ...files.flatMap((file) => (file === undefined ? [] : [mediaKey(file)]))])]
}

/** The file under MEDIA_DIR (relative, decoded) that `url` names, when it is under `mediaPrefix` (SITE_URL/media/). */
export function mediaFileAt(url: string | undefined, mediaPrefix: string): string | undefined {
  return url !== undefined && url.startsWith(mediaPrefix) ? decoded(url.slice(mediaPrefix.length)) : undefined
}

function decoded(relative: string): string | undefined {
  try {
    return decodeURIComponent(relative.replace(/[?#].*$/, ''))
  } catch {
    return undefined
  }
}

/**
 * The keys of a filtered view: its tags and authors (or its limit), and what feedKeys adds. A view of tags and
 * authors both shows the articles with one of each: its first items may lie past either's view (FEED_LIMIT, or
 * VIEW_AT_MOST), and an article edited to join it there changed neither's version, nor was it named. Such a view
 * names ANY_KEY: purged with every change (tests/site/filtered-view-keys.test.ts).
 */
export function filteredKeys(filter: FeedFilter, feedLimit: number, articles: readonly FeedArticle[], mediaPrefix: string): string[] {
  const limit = filter.limit ?? feedLimit
  const views = [...filter.tags.map(tagKey), ...filter.authors.map(authorKey)].map((key) => (limit > feedLimit ? wideKey(key) : key))
  const both = filter.tags.length > 0 && filter.authors.length > 0 ? [ANY_KEY] : []
  // An empty view dates itself by the current feeds (build-site.ts sectionUpdated).
  return feedKeys([...(views.length > 0 ? views : [limitKey(limit)]), ...both, ...(articles.length === 0 ? [FEED_KEY] : [])], articles, mediaPrefix)
}

/** SHA-256 in lower-case hex: versions and hashed keys. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex')
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
