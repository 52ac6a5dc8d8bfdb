import type { Config } from '../config.js'
import type { Article } from '../content/article.js'
import { listArticleFiles, mapLimit, readArticleFile, type ArticleFile, type FolderListing } from '../content/load-articles.js'
import type { ParsedArticle } from '../content/parse-article.js'
import { excerptOf, renderMarkdown } from '../content/render-markdown.js'
import { ArticleError } from '../errors/article-error.js'
import type { RenderedBody } from '../feeds/build-feed.js'
import { buildSite, planSite, summaryOf, type Site } from '../site/build-site.js'
import { renderArticlePage } from '../site/pages.js'
import { createResource, type Resource } from '../site/resource.js'
import { findConflicts } from './conflicts.js'

/** Where article files come from: the file system, or a fake in tests. */
export interface ArticleSource {
  list(): Promise<FolderListing>
  read(entry: ArticleFile): Promise<ParsedArticle>
}

export interface Logger {
  info(message: string): void
  warn(message: string): void
}

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

/** setTimeout cannot wait longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1
/** Rendered bodies kept for article pages and archive documents. */
const BODY_CACHE_SIZE = 2000

export function fileSource(config: Pick<Config, 'articlesDir' | 'siteUrl' | 'timeZone' | 'language'>): ArticleSource {
  return {
    list: () => listArticleFiles(config.articlesDir),
    read: (entry) => readArticleFile(entry, config),
  }
}

/**
 * The service's state: every valid article's metadata, the files that were
 * refused and why, and the current Site. Bodies are not kept; they are read
 * and rendered when a document needs them, and cached.
 */
export class ContentStore {
  readonly #config: Config
  readonly #source: ArticleSource
  readonly #clock: () => Date
  readonly #logger: Logger
  readonly #records = new Map<string, ArticleRecord>()
  readonly #refused = new Map<string, ArticleError>()
  readonly #bodies = new Map<string, RenderedBody>()
  #conflicts = new Map<string, ArticleError>()
  #site: Site | undefined
  #pages = new Map<string, Resource>()
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

  get loadedAt(): Date | undefined {
    return this.#loadedAt
  }

  /** Files that are not published, with the reason. */
  refused(): ArticleError[] {
    return [...this.#refused.values(), ...this.#conflicts.values()]
  }

  /**
   * Re-plans and re-renders for the current time, then swaps the new site in
   * whole. Also arms the timer for the next scheduled article.
   */
  async rebuild(): Promise<Site> {
    const now = this.#clock()
    const articles = this.#publishable()
    const plan = planSite(articles, now, this.#config)
    const bodies = new Map<Article, RenderedBody>()
    await mapLimit(plan.window, async (article) => {
      bodies.set(article, await this.#body(article))
    })
    const site = buildSite(plan, bodies, this.#config)
    this.#site = site
    this.#pages = new Map()
    this.#schedule(plan.nextPublication, now)
    return site
  }

  /** The HTML page at `path`, rendered on first request and kept until the site changes. */
  async articlePage(path: string): Promise<Resource | undefined> {
    const site = this.site()
    const article = site.plan.pages.get(path)
    if (!article) return undefined
    const cached = this.#pages.get(path)
    if (cached) return cached
    const body = await this.#body(article)
    const resource = createResource(
      renderArticlePage(site.context, article, summaryOf(article, body), body.html),
      'text/html; charset=utf-8',
      article.updated,
    )
    if (this.#site === site) this.#pages.set(path, resource)
    return resource
  }

  /** Stops the publication timer. */
  close(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
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

  async #body(article: Article): Promise<RenderedBody> {
    const cached = this.#bodies.get(article.file)
    if (cached) {
      // Least recently used goes first: re-insert on every hit.
      this.#bodies.delete(article.file)
      this.#bodies.set(article.file, cached)
      return cached
    }
    const record = this.#records.get(article.file)
    let markdown = ''
    if (record) {
      try {
        markdown = (await this.#source.read(record.entry)).body
      } catch (error) {
        // Changed or removed since it was listed: show what the metadata says; the next load corrects it.
        this.#logger.warn(`body of ${article.file} unavailable: ${(error as Error).message}`)
      }
    }
    const body = { html: renderMarkdown(markdown, article.url), excerpt: excerptOf(markdown) }
    this.#bodies.set(article.file, body)
    if (this.#bodies.size > BODY_CACHE_SIZE) {
      const oldest = this.#bodies.keys().next().value
      if (oldest !== undefined) this.#bodies.delete(oldest)
    }
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
