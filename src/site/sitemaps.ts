import type { Article } from '../content/article.js'
import { toRfc3339 } from '../content/dates.js'
import { escapeHtml } from '../text/escape.js'

/**
 * The search documents, as text: `/sitemap.xml` (sitemaps.org 0.9), its
 * parts when it outgrows one file, `/news-sitemap.xml` (Google's News
 * sitemap extension) and `/robots.txt` (RFC 9309). Pure: articles in, text
 * out; which articles, and when, is build-sitemaps.ts's to decide.
 */

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9'
const NEWS_NS = 'http://www.google.com/schemas/sitemap-news/0.9'

/** sitemaps.org: at most 50,000 URLs (and 50 MB) in one sitemap file; more need a sitemap index. */
export const MAX_SITEMAP_URLS = 50_000
/**
 * The URLs the service puts in one sitemap file: past them, `/sitemap.xml` is
 * a sitemap index of parts this long (WordPress writes 2,000 a file). At
 * 50,000 URLs one file was 5.7 MB: writing it and its gzip and Brotli, a
 * second after a restart's first feed, lifted the peak 13-20 MB higher than
 * parts of 10,000 do (1.1 MB each, issue 14); and a new or edited article
 * makes crawlers fetch again only its part.
 */
export const SITEMAP_PART_URLS = 10_000
/** Google News: only articles published in the last two days… */
export const NEWS_WINDOW_MS = 48 * 3600 * 1000
/** …and at most 1,000 `news:news` entries in one news sitemap. */
export const MAX_NEWS_URLS = 1000

/** One `<url>` of a sitemap. */
export interface SitemapEntry {
  readonly loc: string
  readonly lastmod: Date | undefined
}

/** The publication a news sitemap names on every entry. */
export interface NewsPublication {
  /** As readers see it on the articles (Google matches it to the Publisher Center name). */
  readonly name: string
}

/** When an article last changed, as `lastmod` says: the later of its date and its update. */
export function lastChangeOf(article: Pick<Article, 'date' | 'updated'>): Date {
  return article.updated > article.date ? article.updated : article.date
}

/**
 * The articles each file of `/sitemap.xml` lists: `maxUrls` URLs a file,
 * oldest first, the index page last (so the last file has room for one
 * article fewer): a new article changes only the last file. One file is the
 * sitemap itself; more are its parts, behind a sitemap index.
 */
export function sitemapParts<T>(oldestFirst: readonly T[], maxUrls: number): T[][] {
  const parts: T[][] = []
  for (let start = 0; start < oldestFirst.length + 1; start += maxUrls) parts.push(oldestFirst.slice(start, start + maxUrls))
  return parts
}

/**
 * The articles of a news sitemap at `now`: published within the last 48
 * hours, the newest 1,000 at most, newest first. `oldestFirst` is every
 * public article, oldest first, so only its end is looked at.
 */
export function newsArticles(oldestFirst: readonly Article[], now: Date): Article[] {
  const since = now.getTime() - NEWS_WINDOW_MS
  const out: Article[] = []
  for (let index = oldestFirst.length - 1; index >= 0 && out.length < MAX_NEWS_URLS; index -= 1) {
    const article = oldestFirst[index] as Article
    if (article.date.getTime() <= since) break
    out.push(article)
  }
  return out
}

/**
 * The language code Google News accepts: ISO 639 (two or three letters),
 * `zh-cn` or `zh-tw` for Chinese; an RFC 5646 tag gives its primary subtag.
 */
export function newsLanguage(tag: string): string {
  const lower = tag.toLowerCase()
  if (lower === 'zh-cn' || lower.startsWith('zh-hans')) return 'zh-cn'
  if (lower === 'zh-tw' || lower.startsWith('zh-hant')) return 'zh-tw'
  return lower.split('-')[0] ?? lower
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'

function urlElement(entry: SitemapEntry, extra = ''): string {
  const lastmod = entry.lastmod ? `<lastmod>${toRfc3339(entry.lastmod)}</lastmod>` : ''
  return `<url><loc>${escapeHtml(entry.loc)}</loc>${lastmod}${extra}</url>\n`
}

/** A `<urlset>` of at most MAX_SITEMAP_URLS entries. */
export function renderUrlSet(entries: readonly SitemapEntry[]): string {
  return urlSetOf(entries.length, renderUrls(entries))
}

/** The `<url>` elements of `entries`, for urlSetOf: a long list can be rendered a slice at a time (build-sitemaps.ts). */
export function renderUrls(entries: readonly SitemapEntry[]): string {
  return entries.map((entry) => urlElement(entry)).join('')
}

/** The `<urlset>` of `count` entries, at most MAX_SITEMAP_URLS, whose `<url>` elements are `urls` (renderUrls). */
export function urlSetOf(count: number, urls: string): string {
  if (count > MAX_SITEMAP_URLS) throw new RangeError(`a sitemap holds at most ${MAX_SITEMAP_URLS} URLs (${count} given)`)
  return `${XML_HEAD}<urlset xmlns="${SITEMAP_NS}">\n${urls}</urlset>\n`
}

/** A `<sitemapindex>`: where the parts of a sitemap too large for one file are. */
export function renderSitemapIndex(parts: readonly SitemapEntry[]): string {
  const items = parts.map(
    (part) => `<sitemap><loc>${escapeHtml(part.loc)}</loc>${part.lastmod ? `<lastmod>${toRfc3339(part.lastmod)}</lastmod>` : ''}</sitemap>\n`,
  )
  return `${XML_HEAD}<sitemapindex xmlns="${SITEMAP_NS}">\n${items.join('')}</sitemapindex>\n`
}

/**
 * A Google News sitemap of `articles` (newsArticles): every entry names the
 * publication and the article's language, title and first publication.
 * The sitemaps.org schema wants at least one `<url>`: a quiet desk's news
 * sitemap lists `fallback` (the index page) without news data, which Google
 * crawls like any sitemap URL.
 */
export function renderNewsSitemap(articles: readonly Article[], publication: NewsPublication, fallback: SitemapEntry): string {
  const name = escapeHtml(publication.name)
  const urls = articles.map((article) =>
    urlElement(
      { loc: article.url, lastmod: lastChangeOf(article) },
      `<news:news><news:publication><news:name>${name}</news:name><news:language>${newsLanguage(article.lang)}</news:language></news:publication>` +
        `<news:publication_date>${toRfc3339(article.date)}</news:publication_date><news:title>${escapeHtml(article.title)}</news:title></news:news>`,
    ),
  )
  return `${XML_HEAD}<urlset xmlns="${SITEMAP_NS}" xmlns:news="${NEWS_NS}">\n${urls.length > 0 ? urls.join('') : urlElement(fallback)}</urlset>\n`
}

/** `/robots.txt`: everything may be crawled; the sitemaps are named (RFC 9309 §2.2.4 leaves `Sitemap:` to sitemaps.org). */
export function renderRobotsTxt(sitemaps: readonly string[]): string {
  return `User-agent: *\nDisallow:\n\n${sitemaps.map((url) => `Sitemap: ${url}\n`).join('')}`
}
