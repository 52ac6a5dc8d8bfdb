import path from 'node:path'
import type { Config } from '../config.js'
import { fileSource, type ArticleSource } from '../content/article-source.js'
import { createMediaFacts, type MediaFacts } from '../content/media-info.js'
import { isWithheldMedia, plusFolderKey } from '../content/plus-media.js'
import { publicBodySource } from '../content/public-bodies.js'
import type { FeedFormat } from '../feeds/feed-model.js'
import type { FeedFilter } from '../feeds/filter.js'
import { settingsMediaProblems } from '../feeds/podcast-rules.js'
import { buildAssets, planSite, sameDocumentsAhead, siteCompressed, type Site } from '../site/build-site.js'
import { nextChange } from '../site/build-sitemaps.js'
import type { Renderer } from '../site/render-request.js'
import type { Resource } from '../site/resource.js'
import type { ArticleError } from '../errors/article-error.js'
import { ArticleCatalog } from './article-catalog.js'
import { ArticleVersions } from './article-versions.js'
import { ChangeQueue } from './change-queue.js'
import { articleCompactor, compactSource } from './compact-articles.js'
import { snapshotSource } from './index-snapshot.js'
import { LaterSitemaps } from './later-sitemaps.js'
import type { ChangeListener, ContentStoreOptions } from './store-options.js'
import type { FilesBefore } from './files-before.js'
import { LazyDocuments } from './lazy-documents.js'
import { OvertakenChanges } from './overtaken-changes.js'
import { RebuildRetries } from './rebuild-retries.js'
import { Alarm } from '../util/alarm.js'
import type { Logger } from '../util/logger.js'
import { SerialTask } from '../util/serial-task.js'

export type { ChangeListener, ContentStoreOptions } from './store-options.js'

/**
 * The service's state, as one facade: the articles (an ArticleCatalog), the
 * current Site and the documents rendered on request (LazyDocuments).
 *
 * - A change re-reads only the files it names, and re-renders only what they touch: the current feeds when their
 *   window changed, an archive page when its articles changed, pages on their next request.
 * - Every rebuild swaps in a complete new Site once its identity bytes exist; `#compressed`
 *   resolves when its gzip and Brotli do (createIdentityFirst; the first too: settled() waits). Rebuilds never overlap.
 * - A timer rebuilds when the next scheduled article goes live, or one leaves the news sitemap; live-updates.ts watches the folder.
 */
export class ContentStore {
  readonly #config: Config
  readonly #source: ArticleSource
  readonly #clock: () => Date
  readonly #logger: Logger
  readonly #media: MediaFacts
  readonly #versions = new ArticleVersions()
  readonly #catalog: ArticleCatalog
  readonly #documents: LazyDocuments
  readonly #listeners: ChangeListener[] = []
  readonly #rootMissingListeners: (() => void)[] = []
  #assets: Map<string, Resource> | undefined
  readonly #sitemaps: LaterSitemaps
  readonly #plusFolder: string
  #site: Site | undefined
  #compressed: Promise<unknown> = Promise.resolve()
  readonly #publication = new Alarm() // the rebuild when the next scheduled article goes live
  #renderAgain = false // render the current documents again even if their articles did not change (a media file did)
  readonly #retries: RebuildRetries // a rebuild that failed is tried again until one succeeds, and said in problems() meanwhile
  readonly #rebuilds = new SerialTask(() => this.#retries.attempt(() => this.#rebuildOnce(), () => this.rebuild(), () => this.#changes.changing || this.#reloading, () => this.#overtaken.last))
  #reloading = false // a reload's rebuild runs: its failure is the reload's caller's to retry (live updates)
  #reload: Promise<void> | undefined // a reload of a site served, from its first file read to its site swapped in (or the catalog put back)
  readonly #changes: ChangeQueue // changes waiting to be applied, and those whose rebuild failed, tried again
  #closed: false | 'closed' | 'stopping' = false // closed: no change applied, no timer set; stopping (quiesce, a stop): no state swapped in either
  readonly #overtaken: OvertakenChanges // changes a stop overtook: put back, their pages owed a purge

  constructor(options: ContentStoreOptions) {
    const { config } = options
    this.#config = config
    this.#clock = options.clock ?? (() => new Date())
    this.#logger = options.logger ?? { info: (m) => console.log(m), warn: (m) => console.warn(m) }
    this.#retries = new RebuildRetries(this.#logger)
    this.#changes = new ChangeQueue({ apply: (paths, before) => this.#apply(paths, before), revert: (before) => this.#revert(before), logger: this.#logger })
    this.#plusFolder = plusFolderKey(config.siteUrl)
    this.#media = createMediaFacts(config.mediaDir, config.siteUrl, (line) => this.#logger.warn(line))
    const settingsFile = path.basename(config.settingsFile.path) // its images, checked once
    for (const { field, problem } of settingsMediaProblems(config.settings, this.#media)) this.#logger.warn(`warning ${settingsFile}: ${field}: ${problem}`, { file: settingsFile, field, problem })
    const compact = articleCompactor() // one set of shared lists and strings for files read and snapshot entries taken
    this.#source = this.#versions.wrap(snapshotSource(compactSource(options.source ?? fileSource(config.articlesDir, config), compact), options.snapshot, config, this.#logger, compact, (file) => void this.applyChanges([file])))
    this.#catalog = new ArticleCatalog({
      source: this.#source, sectionSlug: config.section.slug, maxArticles: config.maxArticles, clock: this.#clock, logger: this.#logger, media: this.#media,
      onFileChanged: (file) => this.#documents.forgetBody(file),
      unchanged: (published, read) => this.#versions.same(published, read),
    })
    this.#documents = new LazyDocuments({
      config,
      source: publicBodySource(this.#source), // the leak barrier: no plus body enters a public document
      published: this.#catalog.published,
      site: () => this.site(), inSite: () => this.#untilInSite(), // see #inSite
      media: this.#media.info,
      clock: this.#clock,
      logger: this.#logger,
      cacheBytes: options.cacheBytes,
      renderer: options.renderer,
      // Every document that holds it (mediaChanged's: the current ones, archive pages, pages), then the CDN's copies.
      onRenderedAgain: ({ path }) => { if (this.#closed) return; const rebuilt = this.mediaChanged(); options.onBodyRenderedAgain?.(path, rebuilt) },
    })
    // Render workers start again after none could: the bodies published as plain text meanwhile (kept nowhere) render as written, in every document (mediaChanged's; rebuild-retries.ts logs a failure and tries again).
    options.renderer?.onRecovered?.(() => void ((this.#site || this.#rebuilds.running) && !this.#closed && this.mediaChanged()))
    this.#overtaken = new OvertakenChanges(this.#catalog, () => this.#catalog.published.publishedPaths(this.site().plan.now), () => this.#documents.siteChanged())
    this.#sitemaps = new LaterSitemaps(config, options.laterSitemaps ?? false, (site) => this.#swapIn(site), this.#documents.createAhead, (line) => this.#logger.warn(line))
  }

  /** Reads every article file and builds the site, with no change applied meanwhile (ChangeQueue.exclusively: the load would replace what it wrote). A reload whose site cannot be built puts the catalog back as the site shows it (its pages were not the feeds', later changes failed with it) and rejects: live updates read it again. */
  async load(): Promise<void> {
    await this.#changes.exclusively(async () => {
      const restore = this.#site && this.#catalog.saved()
      const loading = (async () => { await this.#catalog.loadAll(); this.#documents.forgetBodies(); this.#reloading = restore !== undefined; await this.rebuild().catch((error: unknown) => { restore?.(); this.#documents.siteChanged(); throw error }); if (this.#overtaken.last && restore) this.#overtaken.reload(restore) })()
      this.#reload = restore && loading // pages wait for its reading too: a page not rendered yet read its file's new text under the old index's title (#inSite)
      await loading.finally(() => ((this.#reloading = false), (this.#reload = undefined)))
    })
    this.#logger.info(`loaded ${this.#catalog.published.size} articles (${this.refused().length} refused); ${this.site().plan.section.length} published in ${this.#config.section.slug}`)
  }

  /** Applies changes to the given paths (relative to ARTICLES_DIR; files, or folders that appeared or vanished), then rebuilds once; changes arriving meanwhile are applied right after. Resolves once published, or put back to be tried again (problems()). */
  applyChanges(paths: Iterable<string>): Promise<void> { return this.#changes.add(paths) }

  /** Renders every document again: a file under MEDIA_DIR changed (an enclosure's length, an image's pixel size), or render workers start again. A failure is RebuildRetries' to say and try again: callers may leave it unhandled. */
  mediaChanged(): Promise<Site> { this.#renderAgain = true; this.#documents.mediaChanged(); const rebuilt = this.rebuild(); rebuilt.catch(() => {}); return rebuilt }
  /** The current site. Throws before the first load. */
  site(): Site { if (this.#site) return this.#site; throw new Error('content not loaded yet') }
  /** A document rendered ahead of requests (feeds, index, assets), by path. */
  resource(path: string): Resource | undefined { return this.site().resources.get(path) ?? this.#assets?.get(path) }
  /** Why the feeds may not show the articles as they are on disk: the last rebuild, or a change's, failed and is tried again; a current feed's budget of HTML was spent (/healthz). */
  problems(): string[] { return [...this.#retries.problems(), ...this.#changes.problems(), ...(this.#site?.problems ?? [])] }
  /** Files that are not published as they are on disk, with the reason. */
  refused(): ArticleError[] { return this.#catalog.refused() }
  /** The folders under ARTICLES_DIR that cannot be read, with the error's code: for /healthz. */
  unreadableFolders(): [folder: string, code: string][] { return this.#catalog.unreadableFolders() }
  /** Every article file known, published or refused (a rescan looks for those gone from disk). */
  knownFiles(): string[] { return this.#catalog.knownFiles() }
  /** Whether /media/ withholds the file at `relative` (URL-encoded): a plus article's audio or transcript (plus-media.ts). */
  withholdsMedia(relative: string): boolean { return isWithheldMedia(this.#config.siteUrl, this.#plusFolder, relative, (key) => this.#catalog.published.isPlusMedia(key)) }
  /** Registers a listener for every new site (WebSub notifications, logging). */
  onChange(listener: ChangeListener): void { this.#listeners.push(listener) }
  /** Registers a listener for a change that finds ARTICLES_DIR gone (it is then not applied). */
  onRootMissing(listener: () => void): void { this.#rootMissingListeners.push(listener) }

  /** Re-plans for now and swaps in a new site (the current feeds re-rendered only when their articles changed); arms the timer for the next scheduled article; calls while one runs fold into one more. */
  rebuild(): Promise<Site> { return this.#rebuilds.run() }
  /** Paths of every public article page and of the episode documents beside them, for the static export. */
  publishedDocuments(): string[] { return this.#documents.publishedDocuments() }
  /** Paths of every document rendered ahead (feeds, index, assets), for the static export. */
  readyPaths(): string[] { return [...this.site().resources.keys(), ...(this.#assets?.keys() ?? [])] }
  /** Articles whose body a document was given not as written (plain text for now, or empty), by file, with their page's path: the static export renders the documents that show one again next time. */
  bodiesNotAsWritten(): ReadonlyMap<string, string> { return this.#documents.bodies.notAsWritten }
  /** Page paths of changes a stop overtook (put back, not swapped in): their pages were served since with the bodies on disk; the purge record marks them for the next start. */
  overtakenPages(): ReadonlySet<string> { return this.#overtaken.pages }
  // Rendered on first request (lazy-documents.ts): an article or archive page (undefined when there is none), a filtered view, the 404 page; and the bytes these hold. Each of the site that shows what the catalog holds (#inSite): while a change or a reload is in the catalog only (ChangeQueue.untilInSite; a failed reload's catalog is put back first), once it is swapped in. Asked meanwhile, a page showed the change (or a deleted article's 404) while the feeds did not, and a view or archive page mixed the old site's titles with bodies read since (tests/store/swap-pages.test.ts).
  articlePage(path: string): Promise<Resource | undefined> | undefined { return this.#inSite(() => this.#documents.articlePage(path)) }
  archive(format: FeedFormat, page: number, options?: { browserPage?: boolean }): Promise<Resource | undefined> | undefined { return this.#inSite(() => this.#documents.archive(format, page, options)) }
  filtered(format: FeedFormat, filter: FeedFilter): Promise<Resource> { return this.#inSite(() => this.#documents.filtered(format, filter)) }
  #inSite<T>(document: () => T): T | Promise<Awaited<T>> { const inSite = this.#untilInSite(); return inSite ? (inSite.then(document, document) as Promise<Awaited<T>>) : document() }
  #untilInSite(): Promise<void> | undefined { return this.#changes.untilInSite(this.#reload) }
  notFound(): Promise<Resource> { return this.#documents.notFound() }
  cachedBytes(): { archives: number; views: number } { return this.#documents.cachedBytes() }
  /** A sitemap of the first site while it is held back (laterSitemaps): written now, then given. */
  later(path: string): Promise<Resource | undefined> | undefined { return this.#sitemaps.resource(path) }
  /** Writes the sitemaps of the first site held back (laterSitemaps): main.ts, once the first feed is served; `hurry`: something waits. */
  completeFirstSite(hurry = false): Promise<void> { return this.#sitemaps.now(hurry) }
  /** Resolves when no change is being applied, no rebuild runs, and the current documents are compressed (live updates before a reload, tests). */
  async settled(): Promise<void> {
    while (this.#changes.running || this.#rebuilds.running) await Promise.all([this.#changes.running, this.#rebuilds.running])
    await this.completeFirstSite(true)
    await this.#compressed
  }
  /** A stop (main.ts): applies no further change, stops the publication timer, and swaps no state in from now on (#rebuildOnce); requests in flight are still answered. */
  quiesce(stopping = true): void { this.#closed = stopping ? 'stopping' : this.#closed || 'closed'; this.#publication.clear(); this.#retries.close(); this.#changes.close() }
  /** As quiesce(), but a load() after it still swaps its state in (tests, the export); and stops the source (an index snapshot not written yet is written now). */
  close(): void { this.quiesce(false); this.#source.close?.() }

  async #rebuildOnce(): Promise<Site> {
    // After a stop began (quiesce) no state is swapped in: its purge came after the stop's, and the next start purged the whole site (restart-purges.ts). Nor rendered: a rebuild asked for meanwhile (a media change's: every document) held the requests in flight.
    if ((this.#overtaken.last = this.#closed === 'stopping' && this.#site !== undefined)) return this.#site as Site
    const started = performance.now()
    await this.completeFirstSite(true) // nothing replaces the first site before its sitemaps are in
    this.#assets ??= await buildAssets(this.#config, this.#clock())
    const now = this.#clock()
    const plan = planSite(this.#catalog.published, now, this.#config, this.#versions.facts)
    const previous = this.#site
    const renderAgain = this.#renderAgain; this.#renderAgain = false
    // Nothing the current feeds, the podcast or the index show has changed: keep their bytes. The sitemaps show every article.
    const kept = previous && !renderAgain && sameDocumentsAhead(previous.plan, plan) ? { ...previous, plan } : undefined
    let site: Site
    try {
      const rendered = await this.#sitemaps.of(plan, kept ?? this.#documents.renderSite(plan), previous === undefined)
      if ((this.#overtaken.last = this.#closed === 'stopping' && previous !== undefined)) return previous as Site
      site = this.#swapIn(rendered)
    } catch (error) {
      this.#renderAgain ||= renderAgain // a media change not rendered yet is owed to the next attempt (rebuild-retries.ts)
      throw error
    }
    this.#documents.siteChanged()
    const publish = () => void this.rebuild().catch((error: unknown) => this.#logger.warn(`scheduled rebuild failed: ${String(error)}`))
    if (!this.#closed) this.#publication.set(nextChange(plan), now, publish)
    for (const listener of this.#listeners) listener(previous, site, (performance.now() - started) / 1000)
    return site
  }
  #swapIn(site: Site): Site { this.#compressed = siteCompressed(site); return (this.#site = site) }
  async #apply(paths: ReadonlySet<string>, before: FilesBefore): Promise<boolean> {
    const started = performance.now()
    if ((await this.#source.rootId()) === undefined) {
      // Applied now, every file would be gone: live updates reload everything when the folder is back.
      for (const listener of this.#rootMissingListeners) listener()
      return false
    }
    const files = await this.#catalog.applyFiles(paths, before)
    await this.rebuild()
    if (this.#overtaken.last) return this.#overtaken.change(before)
    if (files > 0) this.#logger.info(`applied ${files} changed file(s) in ${Math.round(performance.now() - started)} ms`)
    return true
  }
  /** A change not published: the index as the site shows it again (its page answered 200, in no feed); then, without the change, what else the failed run owed (an article going live, a media file). */
  async #revert(before: FilesBefore): Promise<void> {
    this.#catalog.revert(before)
    this.#documents.siteChanged()
    await this.rebuild().catch(() => {}) // RebuildRetries' to try again and report
  }
}
