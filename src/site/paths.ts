import { FEED_FORMATS, type FeedFormat, type FormatUrls } from '../feeds/feed-model.js'
import { siteUrlFor } from '../text/urls.js'

/**
 * The site's URL scheme. Feed paths are part of the contract: once
 * published they stay.
 */
const FEED_FILES: Readonly<Record<FeedFormat, string>> = {
  rss: 'feed.xml',
  atom: 'atom.xml',
  json: 'feed.json',
}

export const FEED_MEDIA_TYPES: Readonly<Record<FeedFormat, string>> = {
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  json: 'application/feed+json',
}

export const STYLESHEET_PATH = '/assets/site.css'
export const FEED_XSL_PATH = '/assets/feed.xsl'
export const FEED_CSS_PATH = '/assets/feed.css'
export const OPML_PATH = '/feeds.opml'
export const HEALTH_PATH = '/healthz'
export const READY_PATH = '/readyz'
export const SITEMAP_PATH = '/sitemap.xml'
export const NEWS_SITEMAP_PATH = '/news-sitemap.xml'
export const ROBOTS_PATH = '/robots.txt'

/** `/sitemap-2.xml`: part 2 of a sitemap past SITEMAP_PART_URLS. */
export function sitemapPartPath(part: number): string {
  return `/sitemap-${part}.xml`
}

/** Which part of the sitemap a path names (`/sitemap-3.xml`: 3), if any. */
export function sitemapPartAt(path: string): number | undefined {
  const match = /^\/sitemap-([1-9]\d{0,8})\.xml$/.exec(path)
  return match ? Number(match[1]) : undefined
}

/** Whether a path is one of the sitemaps (their parts come and go with the number of articles). */
export function isSitemapPath(path: string): boolean {
  return path === SITEMAP_PATH || path === NEWS_SITEMAP_PATH || /^\/sitemap-[1-9]\d*\.xml$/.test(path)
}

const filesUnder = (folder: string): FormatUrls => ({
  rss: `${folder}/${FEED_FILES.rss}`,
  atom: `${folder}/${FEED_FILES.atom}`,
  json: `${folder}/${FEED_FILES.json}`,
})

/** `/wirtschaft/feed.xml` and its siblings: the subscription documents. */
export function feedPaths(section: string): FormatUrls {
  return filesUnder(`/${section}`)
}

/** `/wirtschaft/podcast.xml`: the section's podcast episodes, for podcast apps. */
export function podcastPath(section: string): string {
  return `/${section}/podcast.xml`
}

/**
 * The WebSub topics, by path, with their absolute URLs: the three
 * subscription feeds and the podcast. Only these documents name the hub
 * (WebSub §4), and only their changes are sent to it: archive pages and
 * filtered views are not topics, and a reader that trusted the hub for them
 * would miss their changes.
 */
export function websubTopics(siteUrl: string, section: string): ReadonlyMap<string, string> {
  const feeds = feedPaths(section)
  const urls = absoluteUrls(siteUrl, feeds)
  const topics = new Map<string, string>(FEED_FORMATS.map((format) => [feeds[format], urls[format]]))
  topics.set(podcastPath(section), siteUrlFor(siteUrl, podcastPath(section)))
  return topics
}

/** `/wirtschaft/archiv/3/feed.xml` and its siblings: archive page 3 (1 is the oldest). */
export function archivePaths(section: string, page: number): FormatUrls {
  return filesUnder(`/${section}/archiv/${page}`)
}

/** Which format and archive page a path names, if any. */
export function parseArchivePath(section: string, path: string): { format: FeedFormat; page: number } | undefined {
  const prefix = `/${section}/archiv/`
  if (!path.startsWith(prefix)) return undefined
  const match = /^([1-9]\d{0,8})\/(feed\.xml|atom\.xml|feed\.json)$/.exec(path.slice(prefix.length))
  if (!match) return undefined
  const format = (Object.keys(FEED_FILES) as FeedFormat[]).find((f) => FEED_FILES[f] === match[2])
  return format === undefined ? undefined : { format, page: Number(match[1]) }
}

/** Site paths as absolute URLs under SITE_URL. */
export function absoluteUrls(siteUrl: string, paths: FormatUrls, query = ''): FormatUrls {
  const suffix = query === '' ? '' : `?${query}`
  return {
    rss: siteUrlFor(siteUrl, paths.rss) + suffix,
    atom: siteUrlFor(siteUrl, paths.atom) + suffix,
    json: siteUrlFor(siteUrl, paths.json) + suffix,
  }
}

/**
 * What a podcast episode links to beside its page (`/wirtschaft/folge-12.html`):
 * its JSON Chapters document (`/wirtschaft/folge-12/kapitel.json`) and its
 * transcript page (`/wirtschaft/folge-12/transkript.html`), when it has them.
 */
export function episodePaths(articlePath: string): { readonly chapters: string; readonly transcript: string } {
  const folder = articlePath.replace(/\.html$/, '')
  return { chapters: `${folder}/kapitel.json`, transcript: `${folder}/transkript.html` }
}
