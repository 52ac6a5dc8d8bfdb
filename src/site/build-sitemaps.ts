import type { Article } from '../content/article.js'
import { newestChange } from '../content/dates.js'
import { siteUrlFor } from '../text/urls.js'
import type { Site, SiteConfig, SitePlan } from './build-site.js'
import { isSitemapPath, NEWS_SITEMAP_PATH, SITEMAP_PATH, sitemapPartPath } from './paths.js'
import { createResource, type Resource } from './resource.js'
import {
  lastChangeOf,
  MAX_SITEMAP_URLS,
  NEWS_WINDOW_MS,
  newsArticles,
  renderNewsSitemap,
  renderSitemapIndex,
  renderUrlSet,
  type SitemapEntry,
} from './sitemaps.js'

const XML = 'application/xml; charset=utf-8'
const encoder = new TextEncoder()

/**
 * The next instant the site changes by itself, with no file changed: a
 * scheduled article goes live, or the oldest article of the news sitemap
 * turns 48 hours old. The store rebuilds then.
 */
export function nextChange(plan: SitePlan): Date | undefined {
  const expiry = newsExpiry(newsArticles(plan.pages, plan.now))
  const next = plan.nextPublication
  return next === undefined || (expiry !== undefined && expiry < next) ? expiry : next
}

/** When the oldest of a news sitemap's articles leaves it. */
function newsExpiry(newestFirst: readonly Article[]): Date | undefined {
  const oldest = newestFirst.at(-1)
  return oldest && new Date(oldest.date.getTime() + NEWS_WINDOW_MS)
}

/**
 * `site` with the sitemaps of its plan. A sitemap whose bytes did not
 * change keeps the resource it had in `previous` (no hashing, no
 * compression: at 50,000 articles a sitemap is megabytes); parts that are no
 * longer needed are dropped.
 */
export async function withSitemaps(site: Site, previous: Site | undefined, config: SiteConfig, maxUrls = MAX_SITEMAP_URLS): Promise<Site> {
  const sitemaps = await buildSitemaps(site.plan, config, previous?.resources, maxUrls)
  const others = [...site.resources].filter(([path]) => !isSitemapPath(path))
  return { ...site, resources: new Map([...others, ...sitemaps]) }
}

/**
 * The sitemaps of a plan, by path: `/sitemap.xml` (the index page and every
 * public article, with `lastmod`; past `maxUrls` URLs a sitemap index of
 * parts of `maxUrls` each, oldest articles first, so a new article changes
 * only the last part) and `/news-sitemap.xml` (newsArticles).
 */
export async function buildSitemaps(
  plan: SitePlan,
  config: SiteConfig,
  previous: ReadonlyMap<string, Resource> | undefined,
  maxUrls = MAX_SITEMAP_URLS,
): Promise<Map<string, Resource>> {
  const home: SitemapEntry = { loc: config.siteUrl, lastmod: newestChange(plan.window, (article) => [article.date, article.updated]) }
  const entries = [home, ...plan.pages.map((article) => ({ loc: article.url, lastmod: lastChangeOf(article) }))]
  const documents: [string, string, Date | undefined, Date | undefined][] = []
  if (entries.length <= maxUrls) {
    documents.push([SITEMAP_PATH, renderUrlSet(entries), newestOf(entries), undefined])
  } else {
    const parts: SitemapEntry[] = []
    for (let start = 0, part = 1; start < entries.length; start += maxUrls, part += 1) {
      const slice = entries.slice(start, start + maxUrls)
      const lastmod = newestOf(slice)
      documents.push([sitemapPartPath(part), renderUrlSet(slice), lastmod, undefined])
      parts.push({ loc: siteUrlFor(config.siteUrl, sitemapPartPath(part)), lastmod })
    }
    documents.push([SITEMAP_PATH, renderSitemapIndex(parts), newestOf(parts), undefined])
  }
  const news = newsArticles(plan.pages, plan.now)
  documents.push([
    NEWS_SITEMAP_PATH,
    renderNewsSitemap(news, { name: config.siteName }, home),
    latest(newestChange(news, (article) => [article.date, article.updated]), lastAgedOut(plan)),
    newsExpiry(news),
  ])
  return new Map(
    await Promise.all(
      documents.map(async ([path, text, lastModified, expires]) => [path, await sitemapResource(text, lastModified, expires, plan.now, previous?.get(path))] as const),
    ),
  )
}

/**
 * When the news sitemap last lost an article to age: its Last-Modified must
 * not go back when that happens (a client asking If-Modified-Since would be
 * told nothing changed).
 */
function lastAgedOut(plan: SitePlan): Date | undefined {
  const since = plan.now.getTime() - NEWS_WINDOW_MS
  for (let index = plan.pages.length - 1; index >= 0; index -= 1) {
    const date = (plan.pages[index] as Article).date.getTime()
    if (date <= since) return new Date(date + NEWS_WINDOW_MS)
  }
  return undefined
}

async function sitemapResource(text: string, lastModified: Date | undefined, expires: Date | undefined, now: Date, old: Resource | undefined): Promise<Resource> {
  const body = encoder.encode(text)
  if (old && Buffer.from(old.identity.body.buffer, old.identity.body.byteOffset, old.identity.body.byteLength).equals(body)) {
    if (old.lastModified?.getTime() === lastModified?.getTime() && old.expires?.getTime() === expires?.getTime()) return old
  }
  return createResource(body, { contentType: XML, lastModified, expires, now, cache: 'live' })
}

function newestOf(entries: readonly SitemapEntry[]): Date | undefined {
  return entries.reduce<Date | undefined>((newest, entry) => latest(newest, entry.lastmod), undefined)
}

function latest(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return a > b ? a : b
}
