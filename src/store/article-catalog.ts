import type { Article } from '../content/article.js'
import type { ArticleSource, TakenArticle } from '../content/article-source.js'
import { addInFolders, inFolder } from '../content/files.js'
import { mapLimit } from '../util/map-limit.js'
import type { MediaFacts } from '../content/media-info.js'
import type { ParsedArticle } from '../content/parse-article.js'
import { ArticleError, type ArticleProblem } from '../errors/article-error.js'
import { articleMediaProblems } from '../feeds/podcast-rules.js'
import type { Logger } from '../util/logger.js'
import { ArticleIndex } from './article-index.js'
import type { FilesBefore } from './files-before.js'
import { UnreadableFolders } from './unreadable-folders.js'
import { readFilesInOrder, takeUnchangedFiles, type ReadForIndex } from './unchanged-files.js'

export interface ArticleCatalogOptions {
  readonly source: ArticleSource
  readonly sectionSlug: string
  /** Article files read at most; more are refused. */
  readonly maxArticles: number
  readonly clock: () => Date
  readonly logger: Logger
  /** What is known of media files, for the warnings about an article's image and enclosure. */
  readonly media: MediaFacts
  /** Called with every file whose published version may have changed (its body must be read again). */
  readonly onFileChanged?: (file: string) => void
  /** Whether an article read again is what was published (ArticleVersions.same): then the published object stays. */
  readonly unchanged?: (published: Article, read: Article) => boolean
}

/** The catalog's published articles, read-only: what plans and lazy documents look up. */
export type PublishedArticlesView = Pick<
  ArticleIndex,
  'size' | 'byPath' | 'publishedSection' | 'publishedEpisodes' | 'publishedPaths' | 'publishedPages' | 'publishedCount' | 'nextPublication' | 'isPlusMedia'
>

/**
 * Which version of each article file is published, and why the others are
 * not: valid articles in an ArticleIndex (sorted, clashes checked), refused
 * files with their error, and held files — a valid version is published but
 * the file on disk is invalid now (a save in several steps, a slip), so the
 * last good version stays. Every refusal and warning is logged once, naming
 * the file, the field and the problem.
 */
export class ArticleCatalog {
  readonly #options: ArticleCatalogOptions
  readonly #index: ArticleIndex
  readonly #refused = new Map<string, ArticleError>() // files with no published version, and why
  /** Files whose current text is invalid; their last good version stays published. */
  readonly #held = new Map<string, ArticleError>()
  readonly #unreadableFolders: UnreadableFolders
  /** Where the change being applied notes each file as it was (applyFiles' `before`). */
  #before: FilesBefore | undefined

  constructor(options: ArticleCatalogOptions) {
    this.#options = options
    this.#index = new ArticleIndex(options.sectionSlug)
    this.#unreadableFolders = new UnreadableFolders(options.logger)
  }

  /** The published articles, for plans and documents. */
  get published(): PublishedArticlesView {
    return this.#index
  }

  /** The folders under the root that cannot be read, with the error's code (`EACCES`), in the order they were found. */
  unreadableFolders(): [folder: string, code: string][] { return this.#unreadableFolders.entries() }
  /** Files that are not published as they are on disk, with the reason. */
  refused(): ArticleError[] { return [...this.#refused.values(), ...this.#held.values(), ...this.#index.clashes()] }

  /** The page paths of those of `files` published now. */
  pagesOf(files: Iterable<string>): string[] { return [...files].flatMap((file) => this.#index.get(file)?.path ?? []) }

  /** Every file the catalog knows of: published or refused (a rescan looks for the ones gone from disk). */
  knownFiles(): string[] { return [...this.#index.files(), ...this.#refused.keys()] }

  /** The catalog as it is now, and a function that puts it back: a reload whose site cannot be built (content-store.ts). */
  saved(): () => void {
    const articles = [...this.#index.files()].map((file) => this.#index.get(file) as Article)
    const [refused, held] = [new Map(this.#refused), new Map(this.#held)]
    return () => {
      this.#index.load(articles)
      for (const [map, was] of [[this.#refused, refused], [this.#held, held]] as const) (map.clear(), was.forEach((error, file) => map.set(file, error)))
    }
  }

  /** Reads every article file afresh; what was known before is forgotten. */
  async loadAll(): Promise<void> {
    const { source, maxArticles } = this.#options
    const listing = await source.list()
    this.#refused.clear()
    this.#held.clear()
    this.#unreadableFolders.note('', listing.skippedFolders)
    for (const error of listing.refused) this.#refuse(error)
    for (const file of listing.files.slice(maxArticles)) this.#refuse(beyondLimit(file, maxArticles))
    source.stampUnread?.(listing.files.slice(maxArticles)) // never read: a rescan compares their stamps now, reads none
    // In the listing's order, taken or read: which of two drafts at one path shows must not depend on which was read.
    const files = listing.files.slice(0, maxArticles)
    const articles = new Array<Article | undefined>(files.length)
    const noWorker = (work: string, here: string) => (error: Error) => this.#options.logger.warn(`warning: cannot ${work} in a worker thread (${error.message}); ${here} in this one`)
    const take = (taken: TakenArticle, index: number) => ((articles[index] = taken.article), this.#logWarnings(taken.article.file, taken))
    const toRead = await takeUnchangedFiles(source, files, take, noWorker("check the files' stamps", 'checked'))
    // Many to read (a first start, a new build): some are read ahead on another thread, by chunks (read-ahead.ts).
    const stopReadingAhead = source.readAhead?.(toRead.map((index) => files[index] as string), noWorker('read the files ahead', 'read'))
    const read = (outcome: ReadForIndex, index: number) => (outcome instanceof ArticleError ? this.#refuse(outcome) : ((articles[index] = outcome.article), this.#logWarnings(outcome.article.file, outcome)))
    await readFilesInOrder(source, files, toRead, read).finally(() => stopReadingAhead?.())
    // Only the files sharing a name, slug or id can clash or be warned about: not 50,000 lookups and a sort.
    this.#logClashes(this.#index.load(articles.filter((article) => article !== undefined)))
  }

  /**
   * Reads again the given paths (relative to ARTICLES_DIR; files, or folders that appeared or vanished, meaning every
   * file they hold now and held before; one named `*.md` with a trailing `/`: changedFolder). Resolves to the files read.
   * Each file is noted in `before` as it was, for revert().
   */
  async applyFiles(paths: ReadonlySet<string>, before?: FilesBefore): Promise<number> {
    this.#before = before
    try {
      return await this.#applyFiles(paths)
    } finally {
      this.#before = undefined
    }
  }

  /** Puts the files a change touched back as they were (its site could not be built): the index is the published site's again. */
  revert(before: FilesBefore): void {
    for (const file of before.restore(this.#index, this.#refused, this.#held)) this.#options.onFileChanged?.(file)
  }

  async #applyFiles(paths: ReadonlySet<string>): Promise<number> {
    const files = new Set<string>()
    const folders = new Set<string>()
    for (const changed of paths) {
      if (changed.endsWith('.md')) files.add(changed)
      // A folder too where it was one the service may not read (never watched, so never named `x.md/`).
      if (!changed.endsWith('.md') || this.#unreadableFolders.has(changed)) folders.add(changed.replace(/\/$/, ''))
    }
    // A folder that appeared or vanished (or was named again): what it holds now, and what it held. One inside another
    // named is in that one's listing: a chmod -R names every folder (each known file was looked up once per folder).
    const outermost = new Set([...folders].filter((folder) => !inFolder(folder, folders)))
    await addInFolders(files, outermost, this.#index.files(), this.#refused.keys(), this.#held.keys())
    // One listing at a time, the event loop let go every few milliseconds (mapLimit).
    await mapLimit([...outermost], async (p) => {
      const listing = await this.#options.source.list(p).catch(() => undefined)
      if (listing) this.#unreadableFolders.note(p, listing.skippedFolders)
      for (const entry of listing?.files ?? []) files.add(entry)
      for (const error of listing?.refused ?? []) this.#refuse(error)
    }, 1)
    const touched = new Set<string>()
    await mapLimit([...files], async (file) => {
      for (const t of await this.#update(file)) touched.add(t)
    })
    this.#logClashes(touched)
    return files.size
  }

  /** Re-reads one file; returns the files whose clash state may have changed. */
  async #update(file: string): Promise<Set<string>> {
    this.#before?.note(file, this.#index, this.#refused, this.#held)
    let parsed: ParsedArticle | undefined
    try {
      parsed = await this.#options.source.readForIndex(file)
    } catch (error) {
      if (!(error instanceof ArticleError)) throw error
      if (this.#index.get(file)) {
        // A save in several steps, or a slip: the last good version stays.
        if (this.#held.get(file)?.message !== error.message) this.#options.logger.warn(`kept the last good version of ${error.message}`, error.logFields())
        this.#held.set(file, error)
        return new Set()
      }
      this.#refuse(error)
      return new Set()
    }
    this.#held.delete(file)
    if (!parsed) {
      this.#refused.delete(file)
      return this.#index.delete(file)
    }
    if (!this.#index.get(file) && this.#index.size >= this.#options.maxArticles) {
      this.#refuse(beyondLimit(file, this.#options.maxArticles))
      return new Set()
    }
    this.#refused.delete(file)
    const published = this.#index.get(file)
    if (published && this.#options.unchanged?.(published, parsed.article)) return new Set()
    this.#options.onFileChanged?.(file)
    this.#logWarnings(file, parsed)
    return this.#index.set(parsed.article)
  }

  #logWarnings(file: string, parsed: Pick<ParsedArticle, 'article' | 'warnings'>): void {
    // Later than now, and than its own date (a scheduled article's updated is its date).
    const { date, updated } = parsed.article
    const future: ArticleProblem[] =
      updated > date && updated > this.#options.clock()
        ? [{ field: 'updated', problem: `is in the future (${updated.toISOString()}); feeds show it as written, HTTP Last-Modified the time of serving` }]
        : []
    for (const warning of [...parsed.warnings, ...future, ...articleMediaProblems(parsed.article, this.#options.media)]) {
      this.#options.logger.warn(`warning ${file}: ${warning.field}: ${warning.problem}`, { file, ...warning })
    }
  }

  #refuse(error: ArticleError): Set<string> {
    this.#before?.note(error.file, this.#index, this.#refused, this.#held)
    if (this.#refused.get(error.file)?.message !== error.message) this.#options.logger.warn(`skipped ${error.message}`, error.logFields())
    this.#refused.set(error.file, error)
    this.#options.onFileChanged?.(error.file)
    return this.#index.delete(error.file)
  }

  #logClashes(files: ReadonlySet<string>): void {
    for (const file of [...files].sort()) {
      const error = this.#index.clashError(file)
      if (error) this.#options.logger.warn(`skipped ${error.message}`, error.logFields())
      for (const { field, problem } of this.#index.clashWarnings(file)) this.#options.logger.warn(`warning ${file}: ${field}: ${problem}`, { file, field, problem })
    }
  }
}

const beyondLimit = (file: string, limit: number): ArticleError =>
  new ArticleError(file, [{ field: 'file', problem: `is beyond MAX_ARTICLES (${limit}); not loaded` }])
