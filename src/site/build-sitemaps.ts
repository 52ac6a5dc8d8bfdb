import type { Article } from '../content/article.js'
import { newestChange } from '../content/dates.js'
import { siteUrlFor } from '../text/urls.js'
import { sameArticles } from '../feeds/select.js'
import type { Site, SiteConfig, SitePlan } from './build-site.js'
import { isSitemapPath, NEWS_SITEMAP_PATH, SITEMAP_PATH, sitemapPartPath } from './paths.js'
import { byteLengthOf } from './inflated-identity.js'
import { createResource, type CreateResource, type Encoded, type Resource } from './resource.js'
import { NEWS_SITEMAP_KEY, SITE_KEY, SITEMAP_KEY, sitemapPartKey } from './cache-keys.js'
import { fullTurn } from '../util/event-loop-turns.js'
import {
  lastChangeOf,
  NEWS_WINDOW_MS,
  newsArticles,
  renderNewsSitemap,
  renderSitemapIndex,
  renderUrls,
  SITEMAP_PART_URLS,
  sitemapParts,
  urlSetOf,
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

/** One sitemap document: what it shows (to tell whether it changed) and how to write it. */
interface SitemapDocument {
  readonly path: string
  /** The articles it lists, in order; with `stamp`, everything its bytes depend on. */
  readonly articles: readonly Article[]
  /** Whether two versions of a listed article show alike in it; by default only the same object does. */
  readonly showsAlike?: (a: Article, b: Article) => boolean
  readonly stamp: string
  /** Its text and newest lastmod: worked out only when it is written again; `whole`: in one turn of the event loop (URLS_A_TURN). */
  readonly write: (whole: boolean) => Written | Promise<Written>
  readonly expires: Date | undefined
  /** Its cache keys, versioned by what it shows (key-versions.ts sitemapVersions). */
  readonly keys: readonly string[]
}

/** A sitemap document's text, and the newest lastmod it lists. */
interface Written {
  readonly text: string
  readonly lastModified: Date | undefined
}

/**
 * `<url>` elements rendered in one turn of the event loop. A sitemap part
 * holds 10,000: rendered whole, the last part's elements alone took one turn
 * of 26-76 ms at load 8 (1,000: 1.4-7 ms), on every batch of a bulk import
 * of new articles, the longest a client polling the feed waited at load 6
 * (535 / 558 ms, 241 / 274 ms in turns; issue 14). Not while the
 * builder is patient (a start's first sitemaps, each file compressed before
 * the next): there the parts' turns let the rest of the start run beside
 * them, and the service held 7 MB more 8 s after a warm start at 50,000
 * articles (225-231 MB against 218-220, three starts each).
 */
export const URLS_A_TURN = 1_000

/** A `<urlset>` of `articles` (made entries by `entryOf`) and then `after`, if any, `perTurn` of them a turn of the event loop. */
async function urlSetInTurns(articles: readonly Article[], entryOf: (article: Article) => SitemapEntry, after: SitemapEntry | undefined, perTurn: number): Promise<Written> {
  const slices: string[] = []
  let lastModified: Date | undefined
  for (let start = 0; start < articles.length; start += perTurn) {
    if (start > 0) await fullTurn()
    const entries = articles.slice(start, start + perTurn).map(entryOf)
    slices.push(renderUrls(entries))
    lastModified = latest(lastModified, newestOf(entries))
  }
  if (after) slices.push(renderUrls([after]))
  return { text: urlSetOf(articles.length + (after ? 1 : 0), slices.join('')), lastModified: latest(lastModified, after?.lastmod) }
}

interface Kept {
  readonly articles: readonly Article[]
  readonly stamp: string
  readonly resource: Resource
  /** The newest lastmod it lists, as written (a resource's Last-Modified is clamped to its rendering). */
  readonly lastmod: Date | undefined
}

/**
 * Renders the sitemaps of each new site, and keeps what it rendered: a
 * sitemap whose articles show alike to last time (the same objects; for a
 * `<url>` list, the same URLs and lastmods, so a title edit counts as alike)
 * is not written again at all, nor are its entries made — at 50,000
 * articles writing `/sitemap.xml` took 0.4 s of the event loop, and making
 * its entries ~20 ms, on every change — and one written again to the same
 * bytes keeps its resource (ETag, compressed forms). One per store.
 */
export class SitemapBuilder {
  readonly #config: SiteConfig
  readonly #maxUrls: number
  readonly #create: CreateResource
  #kept = new Map<string, Kept>()

  /**
   * `maxUrls` other than SITEMAP_PART_URLS splits files where the keys' versions (planSite) do not: for tests of rendering only.
   * `create` makes the resources (the store's: createIdentityFirst, so that compressing a large sitemap holds no change back).
   */
  constructor(config: SiteConfig, maxUrls = SITEMAP_PART_URLS, create: CreateResource = createResource) {
    this.#config = config
    this.#maxUrls = maxUrls
    this.#create = create
  }

  /**
   * `site` with the sitemaps of `plan` (its plan); parts no longer needed are
   * dropped. The sitemaps are written while `site` is still being rendered
   * (in the render workers): at 50,000 articles a start waited ~0.3 s for
   * each in turn. `patient`: see build.
   */
  async withSitemaps(plan: SitePlan, rendering: Site | Promise<Site>, patient?: () => boolean): Promise<Site> {
    const [sitemaps, site] = await Promise.all([this.build(plan, patient), rendering])
    const others = [...site.resources].filter(([path]) => !isSitemapPath(path))
    return { ...site, resources: new Map([...others, ...sitemaps]) }
  }

  /**
   * The sitemaps of a plan, by path: `/sitemap.xml` (the index page and every
   * public article, with `lastmod`; past `maxUrls` URLs a sitemap index of
   * parts of `maxUrls` each, oldest articles first and the index page last,
   * so a new article changes only the last part) and `/news-sitemap.xml` (newsArticles).
   * `patient`: while it says so, each file is compressed before the next is
   * written (a start's first sitemaps, until someone waits for them): with
   * `create` the store's identity-first resources, the five parts of 50,000
   * articles (1.1 MB each) were otherwise held uncompressed at once, at the
   * start's peak.
   */
  async build(plan: SitePlan, patient?: () => boolean): Promise<Map<string, Resource>> {
    const kept = new Map<string, Kept>()
    // One after another: each file is rendered, encoded and hashed in turns of the event loop of its own (resource.ts),
    // not every part in one (at 50,000 articles, five parts of 1.1 MB).
    const write = async (documents: readonly SitemapDocument[]) => {
      const written: (readonly [string, Resource])[] = []
      for (const document of documents) {
        const made = await this.#resource(document, plan.now, patient?.() === true)
        if (patient?.()) await made.resource.compressed
        kept.set(document.path, { articles: document.articles, stamp: document.stamp, ...made })
        written.push([document.path, made.resource] as const)
      }
      return written
    }
    const { parts, others } = sitemapDocuments(plan, this.#config, this.#maxUrls)
    const written = await write(parts)
    // The sitemap index names each part with its newest lastmod.
    const lastmods = parts.map((part) => kept.get(part.path)?.lastmod)
    const resources = [...written, ...(await write(others(lastmods)))]
    this.#kept = kept
    return new Map(resources)
  }

  async #resource(document: SitemapDocument, now: Date, whole: boolean): Promise<Omit<Kept, 'articles' | 'stamp'>> {
    const old = this.#kept.get(document.path)
    if (old && old.stamp === document.stamp && sameArticles(old.articles, document.articles, document.showsAlike)) return old
    const { text, lastModified } = await document.write(whole)
    const body = encoder.encode(text)
    const { expires, keys } = document
    // The old bytes compared without a copy of them (held, or inflated: resource.ts), and only when of the same length.
    const sameBytes = (identity: Encoded) => byteLengthOf(identity) === body.byteLength && Buffer.compare(identity.body, body) === 0
    if (old && sameBytes(old.resource.identity) && old.lastmod?.getTime() === lastModified?.getTime()) {
      if (old.resource.expires?.getTime() === expires?.getTime()) return old
    }
    return { resource: await this.#create(body, { contentType: XML, lastModified, expires, now, cache: 'live', keys }), lastmod: lastModified }
  }
}

/**
 * What the sitemaps of a plan are, each with what it depends on: the
 * `<url>` lists (the parts, or `/sitemap.xml` itself), and the others (the
 * sitemap index, given the parts' newest lastmods, and the news sitemap).
 */
function sitemapDocuments(
  plan: SitePlan,
  config: SiteConfig,
  maxUrls: number,
): { parts: SitemapDocument[]; others: (lastmods: readonly (Date | undefined)[]) => SitemapDocument[] } {
  const homeLastmod = newestChange(plan.window, (article) => [article.date, article.updated])
  const home: SitemapEntry = { loc: config.siteUrl, lastmod: homeLastmod }
  const entryOf = (article: Article): SitemapEntry => ({ loc: article.url, lastmod: lastChangeOf(article) })
  // The index page's lastmod is in the last file, which a new article changes too.
  const articlesOf = sitemapParts(plan.pages, maxUrls)
  const last = articlesOf.length - 1
  const urlSet = (path: string, articles: readonly Article[], index: number, keys: readonly string[]): SitemapDocument => ({
    path,
    articles,
    showsAlike: sameUrlAndLastmod,
    stamp: index === last ? `${homeLastmod?.getTime()}` : '',
    write: (whole) => urlSetInTurns(articles, entryOf, index === last ? home : undefined, whole ? Infinity : URLS_A_TURN),
    expires: undefined,
    keys,
  })
  const single = articlesOf.length === 1
  const parts = single
    ? [urlSet(SITEMAP_PATH, plan.pages, 0, [SITE_KEY, SITEMAP_KEY])]
    : articlesOf.map((articles, i) => urlSet(sitemapPartPath(i + 1), articles, i, [SITE_KEY, sitemapPartKey(i + 1)]))
  const others = (lastmods: readonly (Date | undefined)[]): SitemapDocument[] => {
    const documents: SitemapDocument[] = []
    if (!single) {
      const index = lastmods.map((lastmod, i) => ({ loc: siteUrlFor(config.siteUrl, sitemapPartPath(i + 1)), lastmod }))
      const text = renderSitemapIndex(index)
      documents.push({ path: SITEMAP_PATH, articles: [], stamp: text, write: () => ({ text, lastModified: newestOf(index) }), expires: undefined, keys: [SITE_KEY, SITEMAP_KEY] })
    }
    const news = newsArticles(plan.pages, plan.now)
    const lastModified = latest(newestChange(news, (article) => [article.date, article.updated]), lastAgedOut(plan))
    documents.push({
      path: NEWS_SITEMAP_PATH,
      articles: news,
      stamp: `${homeLastmod?.getTime()} ${lastModified?.getTime()}`,
      write: () => ({ text: renderNewsSitemap(news, { name: config.siteName }, home), lastModified }),
      expires: newsExpiry(news),
      keys: [SITE_KEY, NEWS_SITEMAP_KEY],
    })
    return documents
  }
  return { parts, others }
}

/**
 * A sitemap's `<url>` shows an article's URL and lastmod only: an edit of its
 * title or body leaves the file as it was, and at 50,000 articles writing it
 * again took ~200 ms of the event loop on every edit.
 */
function sameUrlAndLastmod(a: Article, b: Article): boolean {
  return a === b || (a.url === b.url && lastChangeOf(a).getTime() === lastChangeOf(b).getTime())
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

function newestOf(entries: readonly SitemapEntry[]): Date | undefined {
  return entries.reduce<Date | undefined>((newest, entry) => latest(newest, entry.lastmod), undefined)
}

function latest(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return a > b ? a : b
}
