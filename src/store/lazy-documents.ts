import type { Config } from '../config.js'
import type { Article } from '../content/article.js'
import type { ArticleSource } from '../content/article-source.js'
import type { MediaInfo } from '../content/media-info.js'
import { archivePage } from '../feeds/archive.js'
import { summaryOf } from '../feeds/build-feed.js'
import type { FeedDocument, FeedFormat } from '../feeds/feed-model.js'
import { applyFilter, FilterKeys, filterQuery, type FeedFilter } from '../feeds/filter.js'
import { isPublished, sameArticles } from '../feeds/select.js'
import { buildSite, type Site, type SitePlan } from '../site/build-site.js'
import { archiveFeedDocument, filteredFeedDocument, mediaPrefix } from '../site/feed-documents.js'
import { episodeDocumentPaths } from '../site/episode-documents.js'
import { renderFeedResource } from '../site/feed-resource.js'
import { archiveKeys, documentKeys, feedKeys, filteredKeys, SITE_KEY } from '../site/cache-keys.js'
import { renderArticlePage, renderNotFoundPage } from '../site/pages.js'
import { RENDER_IN_THREAD_LATER } from '../site/in-thread-later.js'
import type { Renderer } from '../site/render-request.js'
import { splicingRenderer } from '../site/spliced-feeds.js'
import { heldBytes } from '../site/inflated-identity.js'
import { createResource, identityFirstInTurns, type Resource } from '../site/resource.js'
import { ConcurrencyLimit } from '../util/concurrency-limit.js'
import { LruCache } from '../util/lru-cache.js'
import type { Logger } from '../util/logger.js'
import type { PublishedArticlesView } from './article-catalog.js'
import { RenderedBodies, type CheckedItemSource } from './rendered-bodies.js'
import { episodeRequest, type EpisodeResourceOptions } from './episode-resources.js'
import { ShortenedFeeds } from './shortened-feeds.js'

export interface LazyDocumentsOptions {
  readonly config: Config
  readonly source: Pick<ArticleSource, 'readBody'>
  readonly published: PublishedArticlesView
  /** The current site; documents are rendered for it. */
  readonly site: () => Site
  /** While a change is in the catalog only (its bodies read again, its site not yet in): resolves once it is (ContentStore#inSite). */
  readonly inSite?: () => Promise<unknown> | undefined
  readonly media: (url: string) => MediaInfo | undefined
  readonly clock: () => Date
  readonly logger: Logger
  /** Bytes kept of rendered archive pages, and of views, each (default 48 MiB). */
  readonly cacheBytes?: number | undefined
  /** Where bodies and feed documents are rendered (default: this thread). */
  readonly renderer?: Renderer | undefined
  /** RenderedBodiesOptions.onRenderedAgain: a body whose time ran out rendered as written. */
  readonly onRenderedAgain?: ((article: Article) => void) | undefined
}

interface CachedArchive {
  readonly items: readonly Article[]
  readonly pages: number
  readonly resource: Promise<Resource>
  /** Until when (clock ms) one holding a body not as written now (CheckedItemSource.incomplete) is kept: INCOMPLETE_KEPT_MS. */
  until?: number
}

/** Bytes (every encoding) kept of archive pages, and of views, each: filter URLs are the client's (1,000 views held 1 GB). */
const CACHE_BYTES = 48 * 2 ** 20
/** Entries kept at most, besides the bound in bytes: archive pages (every format), views. */
const ARCHIVES_KEPT = 600
const VIEWS_KEPT = 1000
/** Filtered views rendered at once (500 items at most each): a burst of distinct ones waits, not crowding out the current feeds. */
const VIEW_RENDERS = 2
/** How long an archive page holding a body not as written now (incomplete; cached like a live feed) is kept: kept until its articles changed, it never showed the body once rendered (a review). */
const INCOMPLETE_KEPT_MS = 60_000

/**
 * The documents too many to render ahead, rendered on their first request
 * and kept, bounded in bytes: article pages, archive pages, filtered views
 * and the 404 page; and the rendered bodies they (and the current feeds)
 * are made of.
 *
 * - Views (pages, filtered feeds) belong to one site: a new site starts
 *   with none.
 * - An archive page is kept across sites and rendered again only when its
 *   articles, or the number of pages, changed.
 * - A failed render is not kept.
 */
export class LazyDocuments {
  readonly #options: LazyDocumentsOptions
  readonly #renderer: Renderer
  readonly #ahead: Renderer
  readonly bodies: RenderedBodies // what its documents and the current feeds are made of (the export asks which were not as written)
  readonly createAhead = identityFirstInTurns() // the documents rendered ahead (renderSite, the store's sitemaps): Brotli takes turns
  readonly #episodes: EpisodeResourceOptions
  readonly #filterKeys: FilterKeys
  readonly #viewRenders = new ConcurrencyLimit(VIEW_RENDERS)
  readonly #archives: LruCache<string, CachedArchive>
  readonly #cacheBytes: number
  readonly #shortened: ShortenedFeeds // which documents carry some items' summary only: logged once per streak
  #views: LruCache<string, Promise<Resource>>
  #notFound: Promise<Resource> | undefined

  constructor(options: LazyDocumentsOptions) {
    this.#options = options
    this.#renderer = options.renderer ?? RENDER_IN_THREAD_LATER
    this.#ahead = splicingRenderer(this.#renderer)
    this.bodies = new RenderedBodies({ ...options, renderer: this.#renderer, siteUrl: options.config.siteUrl, now: () => options.clock().getTime() })
    this.#filterKeys = new FilterKeys(options.config.section.author)
    this.#episodes = { config: options.config, body: (article) => this.bodies.body(article), clock: options.clock, page: this.#renderer.articlePage }
    this.#cacheBytes = options.cacheBytes ?? CACHE_BYTES
    this.#archives = new LruCache(ARCHIVES_KEPT, this.#cacheBytes)
    this.#views = new LruCache(VIEWS_KEPT, this.#cacheBytes)
    this.#shortened = new ShortenedFeeds(options.logger)
  }

  /** The HTML page at `path`, or an episode's document beside it; undefined when no public article has it. */
  articlePage(path: string): Promise<Resource> | undefined {
    const site = this.#options.site()
    const beside = episodeRequest(path, this.#episodes)
    const article = this.#options.published.byPath(beside?.page ?? path)
    if (!article || !isPublished(article, site.plan.now)) return undefined
    const render = beside?.render(article, site)
    if (beside) return render && this.#view(`episode ${path}`, render)
    return this.#view(`page ${path}`, async () => {
      const body = await this.bodies.body(article)
      const page = { context: site.context, article, summary: summaryOf(article, body), html: body.html, episode: site.plan.episodes.includes(article) }
      // The workers render, hash and compress the export's and a large one (render-pool.ts articlePage); else this thread does.
      return createResource((await this.#renderer.articlePage?.(page)) ?? renderArticlePage(page.context, article, page.summary, page.html, page.episode), {
        contentType: 'text/html; charset=utf-8',
        lastModified: article.updated,
        now: this.#options.clock(),
        keys: documentKeys([], [article]),
      })
    })
  }

  /** Every public article page and the episode documents beside them, by path: what the static export writes. */
  publishedDocuments(): string[] { const { plan } = this.#options.site(); return [...this.#options.published.publishedPaths(plan.now), ...episodeDocumentPaths(plan.episodes)] }

  /** Archive page `page` (1 = oldest) of the section in one format, or undefined when there is none; without `browserPage` (the export's), without its page and not kept. */
  archive(format: FeedFormat, page: number, { browserPage = true } = {}): Promise<Resource> | undefined {
    const { config } = this.#options
    const { plan } = this.#options.site()
    const found = archivePage(plan.section, config.feedLimit, config.archivePageSize, page)
    if (!found) return undefined
    const key = `${format} ${page}`
    const cached = this.#archives.get(key)
    // A page is re-rendered only when its articles, or its neighbours, changed (or it was incomplete: INCOMPLETE_KEPT_MS).
    if (cached && cached.pages === plan.archivePages && sameArticles(cached.items, found.items) && (cached.until === undefined || cached.until > this.#options.clock().getTime())) return cached.resource
    let entry: CachedArchive | undefined
    const resource = (async () => {
      const source = await this.itemSource(found.items)
      if (source.incomplete && entry) entry.until = this.#options.clock().getTime() + INCOMPLETE_KEPT_MS
      return renderFeedResource(
        this.#noted(archiveFeedDocument(plan, found, source, config)),
        format,
        // The newest page gains a next-archive link when the next page begins,
        // and a page without a body that is unreadable now (a file being saved)
        // is rendered again once it is back: both cached like a live feed.
        found.full && page < plan.archivePages && !source.incomplete ? 'archive' : 'live',
        feedKeys(archiveKeys(page, format), found.items, mediaPrefix(config.siteUrl)),
        this.#options.clock(),
        this.#renderer,
        browserPage ? this.#options.site().context : undefined, // a browser's page too: the current feeds' pages link here
      )
    })()
    if (!browserPage) return resource
    entry = { items: found.items, pages: plan.archivePages, resource }
    this.#archives.set(key, entry)
    resource.then((done) => this.#archives.weigh(key, heldBytes(done), entry), () => this.#archives.delete(key))
    return resource
  }

  /** A filtered view of the section's feed in one format. */
  filtered(format: FeedFormat, filter: FeedFilter): Promise<Resource> {
    const { config } = this.#options
    return this.#view(`${format} ${filterQuery(filter)}`, () =>
      this.#viewRenders.run(async () => {
        // Its turn may come while a change is in the catalog only: then the site after it, not the plan of its request over the bodies read since.
        await this.#options.inSite?.()
        const { plan } = this.#options.site()
        const articles = applyFilter(plan.section, filter, config.feedLimit, this.#filterKeys)
        const source = await this.itemSource(articles)
        const document = this.#noted(filteredFeedDocument(plan, articles, filter, source, config))
        return renderFeedResource(document, format, 'live', filteredKeys(filter, config.feedLimit, articles, mediaPrefix(config.siteUrl)), this.#options.clock(), this.#renderer)
      }),
    )
  }

  /** The short page for anything that is not there; the caller adds the keys of what may appear there (missingKeys). */
  notFound(): Promise<Resource> {
    return (this.#notFound ??= createResource(renderNotFoundPage(this.#options.site().context), { contentType: 'text/html; charset=utf-8', now: this.#options.clock(), keys: [SITE_KEY] }))
  }

  /** The documents rendered ahead for `plan` (buildSite), with the bodies of its current feeds and episodes; their compressed forms follow (identityFirstInTurns); an edit renders the changed items only (spliced-feeds.ts). */
  async renderSite(plan: SitePlan): Promise<Site> {
    const source = await this.itemSource([...new Set([...plan.window, ...plan.episodes])])
    return buildSite(plan, source, this.#options.config, this.#ahead, this.createAhead, (document) => this.#shortened.note(document))
  }

  /** Bodies of the given articles, rendered (or kept): what documents need (RenderedBodies). */
  itemSource(articles: readonly Article[]): Promise<CheckedItemSource> { return this.bodies.itemSource(articles) }

  /** A file's published version changed: its body is read again when next needed. */
  forgetBody(file: string): void { this.bodies.forget(file) }
  /** Every file was read afresh. */
  forgetBodies(): void { this.bodies.forgetAll() }
  /** A new site was swapped in: the views of the last one are dropped. */
  siteChanged(): void { this.#views = new LruCache(VIEWS_KEPT, this.#cacheBytes) }
  /** A media file changed (an enclosure's length, an image's size): archive pages are rendered again. */
  mediaChanged(): void { this.#archives.clear() }
  /** Bytes held by rendered archive pages and by views (pages, filtered feeds). */
  cachedBytes(): { archives: number; views: number } { return { archives: this.#archives.weight, views: this.#views.weight } }

  /** `document`, noted by path and query (a log line's URL loses its query: every view read the same): a warning when its budget of HTML is first spent, a line when it fits again (ShortenedFeeds). */
  #noted(document: FeedDocument): FeedDocument { const { pathname, search } = new URL(document.links.self.rss); this.#shortened.note(document, pathname + search); return document }
  /** A document of the current site, rendered once; a failed render is not kept. */
  #view(key: string, render: () => Promise<Resource>): Promise<Resource> {
    const views = this.#views
    const cached = views.get(key)
    if (cached) return cached
    const resource = render()
    views.set(key, resource)
    resource.then(
      (done) => views.weigh(key, heldBytes(done), resource),
      () => views.delete(key),
    )
    return resource
  }
}
