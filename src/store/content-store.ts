import type { Config } from '../config.js'
import type { Article } from '../content/article.js'
import { listArticleFiles, mapLimit, readArticleFile, type ArticleFile, type FolderListing } from '../content/load-articles.js'
import type { ParsedArticle } from '../content/parse-article.js'
import { excerptOf, renderMarkdown } from '../content/render-markdown.js'
import { ArticleError } from '../errors/article-error.js'
import { archivePage } from '../feeds/archive.js'
import type { RenderedBody } from '../feeds/build-feed.js'
import type { FeedFormat } from '../feeds/feed-model.js'
import { applyFilter, filterQuery, type FeedFilter } from '../feeds/filter.js'
import {
  archiveFeedDocument,
  buildAssets,
  buildSite,
  filteredFeedDocument,
  planSite,
  renderFeedResource,
  summaryOf,
  type Site,
} from '../site/build-site.js'
import { renderArticlePage, renderNotFoundPage } from '../site/pages.js'
import { createResource, type Resource } from '../site/resource.js'
import { findConflicts } from './conflicts.js'
import { LruCache } from './lru-cache.js'

/** Where article files come from: the file system, or a fake in tests. */
export interface ArticleSource {
  list(): Promise<FolderListing>
  read(entry: ArticleFile): Promise<ParsedArticle>
}

export interface Logger {
  info(message: string): void
  warn(message: string): void
}

/** Called after every swap of the site, with the site before (undefined at the first load). */
export type ChangeListener = (previous: Site | undefined, current: Site) => void

export interface ContentStoreOptions {
  readonly config: Config
  readonly source?: ArticleSource
  readonly clock?: () => Date
  readonly logger?: Logger
}

interface ArticleRecord {
  readonly entry: ArticleFile
  readonly article: Article
}

interface CachedArchive {
  readonly items: readonly Article[]
  readonly pages: number
  readonly resource: Promise<Resource>
}

/** setTimeout cannot wait longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1

export function fileSource(config: Pick<Config, 'articlesDir' | 'siteUrl' | 'timeZone' | 'language'>): ArticleSource {
  return {
    list: () => listArticleFiles(config.articlesDir),
    read: (entry) => readArticleFile(entry, config),
  }
}

/**
 * The service's state: every valid article's metadata, the files that were
 * refused and why, and the current Site. Bodies are not kept; they are read
 * and rendered when a document needs them, and cached. Documents that are
 * not rendered ahead (article pages, archive pages, filtered feeds) are
 * rendered on their first request and kept while their content is the same.
 */
export class ContentStore {
  readonly #config: Config
  readonly #source: ArticleSource
  readonly #clock: () => Date
  readonly #logger: Logger
  readonly #records = new Map<string, ArticleRecord>()
  readonly #refused = new Map<string, ArticleError>()
  readonly #bodies = new LruCache<string, RenderedBody>(2000)
  readonly #archives = new LruCache<string, CachedArchive>(600)
  readonly #listeners: ChangeListener[] = []
  #conflicts = new Map<string, ArticleError>()
  #assets: Map<string, Resource> | undefined
  #site: Site | undefined
  #views = new LruCache<string, Promise<Resource>>(1000)
  #notFound: Promise<Resource> | undefined
  #timer: NodeJS.Timeout | undefined
  #loadedAt: Date | undefined

  constructor(options: ContentStoreOptions) {
    this.#config = options.config
    this.#source = options.source ?? fileSource(options.config)
    this.#clock = options.clock ?? (() => new Date())
    this.#logger = options.logger ?? { info: (m) => console.log(m), warn: (m) => console.warn(m) }
  }

  /** Reads every article file and builds the site. */
  async load(): Promise<void> {
    const listing = await this.#source.list()
    this.#records.clear()
    this.#refused.clear()
    this.#bodies.clear()
    for (const error of listing.refused) this.#refuse(error)
    const results = await mapLimit(listing.files, async (entry) => {
      try {
        return { entry, parsed: await this.#source.read(entry) }
      } catch (error) {
        if (error instanceof ArticleError) return { entry, error }
        throw error
      }
    })
    for (const result of results) {
      if ('error' in result) this.#refuse(result.error as ArticleError)
      else this.#accept(result.entry, result.parsed)
    }
    this.#loadedAt = this.#clock()
    await this.rebuild()
    this.#logger.info(
      `loaded ${this.#records.size} articles (${this.#refused.size + this.#conflicts.size} refused); ` +
        `${this.site().plan.section.length} published in ${this.#config.section.slug}`,
    )
  }

  /** The current site. Throws before the first load. */
  site(): Site {
    if (!this.#site) throw new Error('content not loaded yet')
    return this.#site
  }

  /** A document rendered ahead of requests (feeds, index, assets), by path. */
  resource(path: string): Resource | undefined {
    return this.site().resources.get(path) ?? this.#assets?.get(path)
  }

  get loadedAt(): Date | undefined {
    return this.#loadedAt
  }

  /** Files that are not published, with the reason. */
  refused(): ArticleError[] {
    return [...this.#refused.values(), ...this.#conflicts.values()]
  }

  /** Registers a listener for every new site (WebSub notifications, logging). */
  onChange(listener: ChangeListener): void {
    this.#listeners.push(listener)
  }

  /**
   * Re-plans and re-renders for the current time, then swaps the new site in
   * whole. Also arms the timer for the next scheduled article.
   */
  async rebuild(): Promise<Site> {
    this.#assets ??= await buildAssets(this.#config)
    const now = this.#clock()
    const plan = planSite(this.#publishable(), now, this.#config)
    const bodies = new Map<Article, RenderedBody>()
    await mapLimit(plan.window, async (article) => {
      bodies.set(article, await this.#body(article))
    })
    const site = await buildSite(plan, bodies, this.#config)
    const previous = this.#site
    this.#site = site
    this.#views = new LruCache(1000)
    this.#schedule(plan.nextPublication, now)
    for (const listener of this.#listeners) listener(previous, site)
    return site
  }

  /** The HTML page at `path`, or undefined when no public article lives there. */
  articlePage(path: string): Promise<Resource> | undefined {
    const site = this.site()
    const article = site.plan.pages.get(path)
    if (!article) return undefined
    return this.#view(`page ${path}`, async () => {
      const body = await this.#body(article)
      return createResource(renderArticlePage(site.context, article, summaryOf(article, body), body.html), {
        contentType: 'text/html; charset=utf-8',
        lastModified: article.updated,
      })
    })
  }

  /** Archive page `page` (1 = oldest) of the section in one format, or undefined when there is none. */
  archive(format: FeedFormat, page: number): Promise<Resource> | undefined {
    const site = this.site()
    const { plan } = site
    const found = archivePage(plan.section, this.#config.feedLimit, this.#config.archivePageSize, page)
    if (!found) return undefined
    const key = `${format} ${page}`
    const cached = this.#archives.get(key)
    // A page is re-rendered only when its articles, or its neighbours, changed.
    if (cached && cached.pages === plan.archivePages && sameArticles(cached.items, found.items)) return cached.resource
    const resource = (async () => {
      const bodies = await this.#renderBodies(found.items)
      return renderFeedResource(
        archiveFeedDocument(plan, found, (article) => bodies.get(article) as RenderedBody, this.#config),
        format,
        found.full ? 'archive' : 'live',
      )
    })()
    this.#archives.set(key, { items: found.items, pages: plan.archivePages, resource })
    resource.catch(() => this.#archives.delete(key))
    return resource
  }

  /** A filtered view of the section's feed in one format. */
  filtered(format: FeedFormat, filter: FeedFilter): Promise<Resource> {
    const site = this.site()
    return this.#view(`${format} ${filterQuery(filter)}`, async () => {
      const articles = applyFilter(site.plan.section, filter, this.#config.feedLimit)
      const bodies = await this.#renderBodies(articles)
      return renderFeedResource(
        filteredFeedDocument(articles, filter, (article) => bodies.get(article) as RenderedBody, this.#config),
        format,
        'live',
      )
    })
  }

  /** The short page for anything that is not there. */
  notFound(): Promise<Resource> {
    this.#notFound ??= createResource(renderNotFoundPage(this.site().context), { contentType: 'text/html; charset=utf-8' })
    return this.#notFound
  }

  /** Stops the publication timer. */
  close(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  /** A document of the current site, rendered once; a failed render is not kept. */
  #view(key: string, render: () => Promise<Resource>): Promise<Resource> {
    const views = this.#views
    const cached = views.get(key)
    if (cached) return cached
    const resource = render()
    views.set(key, resource)
    resource.catch(() => views.delete(key))
    return resource
  }

  #accept(entry: ArticleFile, parsed: ParsedArticle): void {
    this.#records.set(entry.file, { entry, article: parsed.article })
    this.#refused.delete(entry.file)
    this.#bodies.delete(entry.file)
    for (const warning of parsed.warnings) this.#logger.warn(`warning ${entry.file}: ${warning.field}: ${warning.problem}`)
  }

  #refuse(error: ArticleError): void {
    this.#refused.set(error.file, error)
    this.#records.delete(error.file)
    this.#bodies.delete(error.file)
    this.#logger.warn(`skipped ${error.message}`)
  }

  /** Valid articles minus those whose slug or id clashes with another file's. */
  #publishable(): Article[] {
    const articles = [...this.#records.values()].map((record) => record.article)
    const conflicts = findConflicts(articles)
    for (const [file, error] of conflicts) {
      if (this.#conflicts.get(file)?.message !== error.message) this.#logger.warn(`skipped ${error.message}`)
    }
    this.#conflicts = conflicts
    return articles.filter((article) => !conflicts.has(article.file))
  }

  async #renderBodies(articles: readonly Article[]): Promise<Map<Article, RenderedBody>> {
    const bodies = new Map<Article, RenderedBody>()
    await mapLimit(articles, async (article) => {
      bodies.set(article, await this.#body(article))
    })
    return bodies
  }

  async #body(article: Article): Promise<RenderedBody> {
    const cached = this.#bodies.get(article.file)
    if (cached) return cached
    const record = this.#records.get(article.file)
    let markdown = ''
    if (record) {
      try {
        markdown = (await this.#source.read(record.entry)).body
      } catch (error) {
        // Changed or removed since it was listed: the next load corrects it.
        this.#logger.warn(`body of ${article.file} unavailable: ${(error as Error).message}`)
        return { html: '', excerpt: '' }
      }
    }
    const body = { html: renderMarkdown(markdown, article.url), excerpt: excerptOf(markdown) }
    this.#bodies.set(article.file, body)
    return body
  }

  #schedule(next: Date | undefined, now: Date): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    if (!next) return
    const delay = Math.min(Math.max(next.getTime() - now.getTime(), 0), MAX_TIMER_MS)
    this.#timer = setTimeout(() => {
      this.rebuild().catch((error: unknown) => this.#logger.warn(`scheduled rebuild failed: ${String(error)}`))
    }, delay)
    this.#timer.unref?.()
  }
}

function sameArticles(a: readonly Article[], b: readonly Article[]): boolean {
  return a.length === b.length && a.every((article, index) => article === b[index])
}
