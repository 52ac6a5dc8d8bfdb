import fs from 'node:fs'
import path from 'node:path'
import type { Config } from '../config.js'
import type { Article } from '../content/article.js'
import { listArticleFiles, mapLimit, readArticleFile, stampArticleFiles, type FolderListing } from '../content/load-articles.js'
import type { ParsedArticle } from '../content/parse-article.js'
import { excerptOf, renderMarkdown } from '../content/render-markdown.js'
import { FolderWatcher } from '../content/watch-folder.js'
import { ArticleError, type ArticleProblem } from '../errors/article-error.js'
import { createMediaInfo, mediaPathFor, type MediaInfo } from '../content/media-info.js'
import { archivePage } from '../feeds/archive.js'
import { summaryOf, type RenderedBody } from '../feeds/build-feed.js'
import type { FeedFormat } from '../feeds/feed-model.js'
import { applyFilter, filterQuery, type FeedFilter } from '../feeds/filter.js'
import { isAppleArtwork } from '../feeds/render-podcast.js'
import { isPublished } from '../feeds/select.js'
import {
  archiveFeedDocument,
  buildAssets,
  buildSite,
  filteredFeedDocument,
  planSite,
  renderFeedResource,
  type ItemSource,
  type Site,
} from '../site/build-site.js'
import { renderArticlePage, renderNotFoundPage } from '../site/pages.js'
import { createResource, type Resource } from '../site/resource.js'
import { ArticleIndex } from './article-index.js'
import { LruCache } from '../util/lru-cache.js'

/** Where article files come from: the file system, or a fake in tests. */
export interface ArticleSource {
  /** Every article file under the root, or under `folder` of it. */
  list(folder?: string): Promise<FolderListing>
  /**
   * One file parsed; undefined when it does not exist (any more). Throws
   * ArticleError when it is not valid. Reading for the index records the
   * file's stamp (readStamp); reading a body does not, so a change the
   * watcher missed is still found by the next rescan.
   */
  read(file: string, purpose?: 'index' | 'body'): Promise<ParsedArticle | undefined>
  /**
   * The root folder's identity (device, inode, birth time), which changes when
   * another folder takes its place; undefined when there is none.
   */
  rootId(): Promise<string | undefined>
  /** Every article file under the root with its stamp, a value that changes whenever the file does. */
  stamps(): Promise<ReadonlyMap<string, string>>
  /** The stamp of a file when it was last read for the index; undefined if it could not be opened. */
  readStamp(file: string): string | undefined
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
  /** Bytes kept of rendered archive pages, and of views, each (default 48 MiB). */
  readonly cacheBytes?: number
}

interface CachedArchive {
  readonly items: readonly Article[]
  readonly pages: number
  readonly resource: Promise<Resource>
}

/** setTimeout cannot wait longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1
/**
 * Bytes (every encoding) kept of rendered archive pages, and of views (pages,
 * filtered feeds), each. Filter URLs are the client's to choose: without a
 * bound in bytes, a thousand distinct ?limit=500&tag=… views held 1 GB.
 */
const CACHE_BYTES = 48 * 2 ** 20
/** The first rescan after the watches are placed. */
const FIRST_RESCAN_MS = 1000
/** How often ARTICLES_DIR itself is looked at: gone, back, or another folder in its place (a deploy). */
const ROOT_CHECK_MS = 1000

/** Article files on disk, under `config.articlesDir`. */
function fileSource(config: Pick<Config, 'articlesDir' | 'siteUrl' | 'timeZone' | 'language'>): ArticleSource {
  const readStamps = new Map<string, string>()
  const record = (file: string) => (stamp: string | undefined) => {
    if (stamp === undefined) readStamps.delete(file)
    else readStamps.set(file, stamp)
  }
  return {
    list: async (folder = '') => listArticleFiles(config.articlesDir, folder),
    read: async (file, purpose = 'index') =>
      readArticleFile(config.articlesDir, file, config, purpose === 'index' ? record(file) : undefined),
    rootId: () =>
      fs.promises.stat(config.articlesDir).then(
        (stat) => (stat.isDirectory() ? `${stat.dev}:${stat.ino}:${stat.birthtimeMs}` : undefined),
        () => undefined,
      ),
    stamps: () => stampArticleFiles(config.articlesDir),
    readStamp: (file) => readStamps.get(file),
  }
}

/**
 * The service's state: every valid article's metadata (in an ArticleIndex),
 * the files that are refused and why, and the current Site.
 *
 * - Bodies are not kept; they are read and rendered when a document needs
 *   them, and cached.
 * - A change re-reads only the files it names, and re-renders only what they
 *   touch: the current feeds when their window changed, an archive page when
 *   its articles changed, pages on their next request.
 * - Every rebuild swaps in a complete new Site; rebuilds never overlap.
 * - A file that turns invalid keeps its last good version published.
 */
export class ContentStore {
  readonly #config: Config
  readonly #source: ArticleSource
  readonly #clock: () => Date
  readonly #logger: Logger
  readonly #index: ArticleIndex
  /** Files with no published version, and why. */
  readonly #refused = new Map<string, ArticleError>()
  /** Files whose current text is invalid; their last good version stays published. */
  readonly #held = new Map<string, ArticleError>()
  readonly #bodies = new LruCache<string, RenderedBody>(2000)
  readonly #cacheBytes: number
  readonly #archives: LruCache<string, CachedArchive>
  readonly #listeners: ChangeListener[] = []
  readonly #media: (url: string) => MediaInfo | undefined
  /** Where a /media/ URL's file lies; undefined for other URLs. */
  readonly #mediaPath: (url: string) => string | undefined
  #assets: Map<string, Resource> | undefined
  #site: Site | undefined
  #views: LruCache<string, Promise<Resource>>
  #notFound: Promise<Resource> | undefined
  #timer: NodeJS.Timeout | undefined
  #watcher: FolderWatcher | undefined
  #mediaWatcher: FolderWatcher | undefined
  /** Render the current documents again even if their articles did not change (a media file did). */
  #renderAgain = false
  #settingsChecked = false
  #rootTimer: NodeJS.Timeout | undefined
  /** ARTICLES_DIR's identity when it was last loaded, and whether it is gone now. */
  #rootId: string | undefined
  #rootGone = false
  #rescanTimer: NodeJS.Timeout | undefined
  /** Stamps seen by the last rescan, for files never read for the index (refused before or without reading). */
  #scanned: ReadonlyMap<string, string> = new Map()
  /** The running rebuild, and whether another was asked for meanwhile. */
  #rebuilding: Promise<Site> | undefined
  #rebuildAgain = false
  /** Changes waiting to be applied, and the run applying them. */
  #queued = new Set<string>()
  #applying: Promise<void> | undefined
  #closed = false

  constructor(options: ContentStoreOptions) {
    this.#config = options.config
    this.#source = options.source ?? fileSource(options.config)
    this.#clock = options.clock ?? (() => new Date())
    this.#logger = options.logger ?? { info: (m) => console.log(m), warn: (m) => console.warn(m) }
    this.#index = new ArticleIndex(options.config.section.slug)
    this.#cacheBytes = options.cacheBytes ?? CACHE_BYTES
    this.#archives = new LruCache(600, this.#cacheBytes)
    this.#views = new LruCache(1000, this.#cacheBytes)
    this.#media = createMediaInfo(options.config.mediaDir, options.config.siteUrl)
    this.#mediaPath = mediaPathFor(options.config.mediaDir, options.config.siteUrl)
  }

  /** Reads every article file and builds the site. */
  async load(): Promise<void> {
    if (!this.#settingsChecked) {
      this.#settingsChecked = true
      this.#logSettingsWarnings()
    }
    this.#rootId = await this.#source.rootId()
    const listing = await this.#source.list()
    this.#refused.clear()
    this.#held.clear()
    this.#bodies.clear()
    for (const error of listing.refused) this.#refuse(error)
    const { maxArticles } = this.#config
    for (const file of listing.files.slice(maxArticles)) this.#refuse(beyondLimit(file, maxArticles))
    const articles: Article[] = []
    await mapLimit(listing.files.slice(0, maxArticles), async (file) => {
      try {
        // Only the metadata is kept; the body is read again when it is rendered.
        const parsed = await this.#source.read(file)
        if (!parsed) return
        this.#logWarnings(file, parsed)
        articles.push(parsed.article)
      } catch (error) {
        if (error instanceof ArticleError) this.#refuse(error)
        else throw error
      }
    })
    this.#index.load(articles)
    this.#logClashes(new Set(this.#index.files()))
    await this.rebuild()
    this.#logger.info(
      `loaded ${this.#index.size} articles (${this.refused().length} refused); ` +
        `${this.site().plan.section.length} published in ${this.#config.section.slug}`,
    )
  }

  /**
   * Watches ARTICLES_DIR (sub-folders too) and applies every change as it
   * comes; every `rescanIntervalMs` a rescan catches what the watcher missed.
   * Resolves once the watches are in place.
   */
  async watch(): Promise<void> {
    await this.#watchFolders()
    this.#scheduleRootCheck()
    // Enclosure lengths and image sizes are measured from MEDIA_DIR: a replaced file changes the feeds.
    this.#mediaWatcher = new FolderWatcher({
      root: this.#config.mediaDir,
      onChange: () => void this.mediaChanged().catch((error: unknown) => this.#logger.warn(`media rebuild failed: ${String(error)}`)),
      onError: (error) => this.#logger.warn(`watch: ${error.message}`),
    })
    await this.#mediaWatcher.start()
  }

  /**
   * Renders every document again: a file under MEDIA_DIR changed, and with it
   * an enclosure's length or an image's pixel size.
   */
  mediaChanged(): Promise<Site> {
    this.#renderAgain = true
    this.#archives.clear()
    return this.rebuild()
  }

  async #watchFolders(): Promise<void> {
    this.#watcher = new FolderWatcher({
      root: this.#config.articlesDir,
      onChange: (paths) => this.applyChanges(paths),
      onError: (error) => this.#logger.warn(`watch: ${error.message}`),
    })
    await this.#watcher.start()
    // Soon (after the watcher's first batches), for what changed while the
    // files were read and before the watches were in place.
    this.#scheduleRescan(Math.min(FIRST_RESCAN_MS, this.#config.rescanIntervalMs))
  }

  /**
   * Applies changes to the given paths (relative to ARTICLES_DIR; files, or
   * folders that appeared or vanished), then rebuilds once. Changes that
   * arrive while this runs are applied right after.
   */
  applyChanges(paths: Iterable<string>): Promise<void> {
    for (const p of paths) this.#queued.add(p)
    this.#applying ??= (async () => {
      try {
        while (this.#queued.size > 0 && !this.#closed) {
          const batch = this.#queued
          this.#queued = new Set()
          await this.#apply(batch)
        }
      } finally {
        this.#applying = undefined
      }
    })()
    return this.#applying
  }

  /**
   * Stamps every file in ARTICLES_DIR and applies those that differ from
   * what was read, and those that came or went: changes no watch event
   * reported (a network file system, an overflowing inotify queue, a save
   * while the watches were being placed). Resolves to the number of files
   * applied.
   */
  async rescan(): Promise<number> {
    if ((await this.#source.rootId()) === undefined) return 0
    const onDisk = await this.#source.stamps()
    const previous = this.#scanned
    this.#scanned = onDisk
    const changed = new Set<string>()
    for (const [file, stamp] of onDisk) {
      if (stamp !== (this.#source.readStamp(file) ?? previous.get(file))) changed.add(file)
    }
    for (const file of [...this.#index.files(), ...this.#refused.keys()]) if (!onDisk.has(file)) changed.add(file)
    if (changed.size === 0) return 0
    this.#logger.info(`rescan: ${changed.size} file(s) changed since they were read`)
    await this.applyChanges(changed)
    return changed.size
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

  /** Bytes held by rendered archive pages and by views (pages, filtered feeds). */
  cachedBytes(): { archives: number; views: number } {
    return { archives: this.#archives.weight, views: this.#views.weight }
  }

  /** Files that are not published as they are on disk, with the reason. */
  refused(): ArticleError[] {
    return [...this.#refused.values(), ...this.#held.values(), ...this.#index.clashes()]
  }

  /** Registers a listener for every new site (WebSub notifications, logging). */
  onChange(listener: ChangeListener): void {
    this.#listeners.push(listener)
  }

  /**
   * Re-plans for the current time and swaps in a new site. The current feeds
   * are re-rendered only when their articles changed. Also arms the timer
   * for the next scheduled article. Calls made while one runs are folded
   * into one more run.
   */
  rebuild(): Promise<Site> {
    if (this.#rebuilding) {
      this.#rebuildAgain = true
      return this.#rebuilding
    }
    this.#rebuilding = (async () => {
      try {
        let site = await this.#rebuildOnce()
        while (this.#rebuildAgain) {
          this.#rebuildAgain = false
          site = await this.#rebuildOnce()
        }
        return site
      } finally {
        this.#rebuilding = undefined
      }
    })()
    return this.#rebuilding
  }

  /** Paths of every public article page, for the static export. */
  publishedPages(): string[] {
    return this.#index.publishedPaths(this.site().plan.now)
  }

  /** Paths of every document rendered ahead (feeds, index, assets), for the static export. */
  readyPaths(): string[] {
    return [...this.site().resources.keys(), ...(this.#assets?.keys() ?? [])]
  }

  /** The HTML page at `path`, or undefined when no public article lives there. */
  articlePage(path: string): Promise<Resource> | undefined {
    const site = this.site()
    const article = this.#index.byPath(path)
    if (!article || !isPublished(article, site.plan.now)) return undefined
    return this.#view(`page ${path}`, async () => {
      const body = await this.#body(article)
      const episode = site.plan.episodes.includes(article)
      return createResource(renderArticlePage(site.context, article, summaryOf(article, body), body.html, episode), {
        contentType: 'text/html; charset=utf-8',
        lastModified: article.updated,
        now: this.#clock(),
      })
    })
  }

  /** Archive page `page` (1 = oldest) of the section in one format, or undefined when there is none. */
  archive(format: FeedFormat, page: number): Promise<Resource> | undefined {
    const { plan } = this.site()
    const found = archivePage(plan.section, this.#config.feedLimit, this.#config.archivePageSize, page)
    if (!found) return undefined
    const key = `${format} ${page}`
    const cached = this.#archives.get(key)
    // A page is re-rendered only when its articles, or its neighbours, changed.
    if (cached && cached.pages === plan.archivePages && sameArticles(cached.items, found.items)) return cached.resource
    const resource = (async () => {
      const source = await this.#itemSource(found.items)
      return renderFeedResource(
        archiveFeedDocument(plan, found, source, this.#config),
        format,
        // The newest page gains a next-archive link when the next page begins,
        // and a page without a body that is unreadable now (a file being saved)
        // is rendered again once it is back: both cached like a live feed.
        found.full && page < plan.archivePages && !source.incomplete ? 'archive' : 'live',
        this.#clock(),
      )
    })()
    const entry = { items: found.items, pages: plan.archivePages, resource }
    this.#archives.set(key, entry)
    resource.then(
      (done) => this.#archives.weigh(key, bytesOf(done), entry),
      () => this.#archives.delete(key),
    )
    return resource
  }

  /** A filtered view of the section's feed in one format. */
  filtered(format: FeedFormat, filter: FeedFilter): Promise<Resource> {
    const { plan } = this.site()
    return this.#view(`${format} ${filterQuery(filter)}`, async () => {
      const articles = applyFilter(plan.section, filter, this.#config.feedLimit, this.#config.section.author)
      const source = await this.#itemSource(articles)
      return renderFeedResource(
        filteredFeedDocument(plan, articles, filter, source, this.#config),
        format,
        'live',
        this.#clock(),
      )
    })
  }

  /** The short page for anything that is not there. */
  notFound(): Promise<Resource> {
    this.#notFound ??= createResource(renderNotFoundPage(this.site().context), { contentType: 'text/html; charset=utf-8', now: this.#clock() })
    return this.#notFound
  }

  /** Resolves when no change is being applied and no rebuild runs (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#applying || this.#rebuilding) {
      await this.#applying
      await this.#rebuilding
    }
  }

  /** Stops the watcher and the timers. */
  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
    clearTimeout(this.#rootTimer)
    clearTimeout(this.#rescanTimer)
    this.#timer = undefined
    this.#watcher?.close()
    this.#mediaWatcher?.close()
  }

  async #rebuildOnce(): Promise<Site> {
    this.#assets ??= await buildAssets(this.#config, this.#clock())
    const now = this.#clock()
    const plan = planSite(this.#index, now, this.#config)
    const previous = this.#site
    let site: Site
    const renderAgain = this.#renderAgain
    this.#renderAgain = false
    if (
      previous &&
      !renderAgain &&
      sameArticles(previous.plan.window, plan.window) &&
      sameArticles(previous.plan.episodes, plan.episodes) &&
      previous.plan.archivePages === plan.archivePages
    ) {
      // Nothing the current feeds, the podcast or the index show has changed: keep their bytes.
      site = { ...previous, plan }
    } else {
      site = await buildSite(plan, await this.#itemSource([...new Set([...plan.window, ...plan.episodes])]), this.#config)
    }
    this.#site = site
    this.#views = new LruCache(1000, this.#cacheBytes)
    this.#schedule(plan.nextPublication, now)
    for (const listener of this.#listeners) listener(previous, site)
    return site
  }

  async #apply(paths: ReadonlySet<string>): Promise<void> {
    const started = performance.now()
    if ((await this.#source.rootId()) === undefined) {
      // The root check reloads everything when the folder is back.
      this.#noteRootGone()
      return
    }
    const files = new Set<string>()
    for (const p of paths) {
      if (p.endsWith('.md')) {
        files.add(p)
        continue
      }
      // A folder that appeared or vanished: what it holds now, and what it held.
      for (const file of this.#index.files()) if (file.startsWith(`${p}/`)) files.add(file)
      for (const file of [...this.#refused.keys(), ...this.#held.keys()]) if (file.startsWith(`${p}/`)) files.add(file)
      const listing = await this.#source.list(p).catch(() => undefined)
      for (const entry of listing?.files ?? []) files.add(entry)
      for (const error of listing?.refused ?? []) this.#refuse(error)
    }
    const touched = new Set<string>()
    await mapLimit([...files], async (file) => {
      for (const t of await this.#update(file)) touched.add(t)
    })
    this.#logClashes(touched)
    await this.rebuild()
    if (files.size > 0) this.#logger.info(`applied ${files.size} changed file(s) in ${Math.round(performance.now() - started)} ms`)
  }

  /** Re-reads one file; returns the files whose clash state may have changed. */
  async #update(file: string): Promise<Set<string>> {
    let parsed: ParsedArticle | undefined
    try {
      parsed = await this.#source.read(file)
    } catch (error) {
      if (!(error instanceof ArticleError)) throw error
      if (this.#index.get(file)) {
        // A save in several steps, or a slip: the last good version stays.
        if (this.#held.get(file)?.message !== error.message) this.#logger.warn(`kept the last good version of ${error.message}`)
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
    if (!this.#index.get(file) && this.#index.size >= this.#config.maxArticles) {
      this.#refuse(beyondLimit(file, this.#config.maxArticles))
      return new Set()
    }
    return this.#accept(file, parsed)
  }

  #accept(file: string, parsed: ParsedArticle): Set<string> {
    this.#refused.delete(file)
    this.#bodies.delete(file)
    this.#logWarnings(file, parsed)
    return this.#index.set(parsed.article)
  }

  #logWarnings(file: string, parsed: ParsedArticle): void {
    // Later than now, and than its own date (a scheduled article's updated is its date).
    const { date, updated } = parsed.article
    const future: ArticleProblem[] =
      updated > date && updated > this.#clock()
        ? [{ field: 'updated', problem: `is in the future (${updated.toISOString()}); feeds show it as written, HTTP Last-Modified the time of serving` }]
        : []
    for (const warning of [...parsed.warnings, ...future, ...this.#enclosureWarnings(parsed)]) {
      this.#logger.warn(`warning ${file}: ${warning.field}: ${warning.problem}`)
    }
  }

  /** Podcast apps need an enclosure's true size: measured for files the site serves, else from the front matter. */
  #enclosureWarnings({ article }: ParsedArticle): ArticleProblem[] {
    const problems: ArticleProblem[] = []
    // Only whether the image is there: measuring it here would read the head of every image at start.
    if (article.image && this.#isMissingMedia(article.image)) {
      problems.push({ field: 'image', problem: 'names a file that is not in MEDIA_DIR; readers will show a broken image' })
    }
    const enclosure = article.enclosure
    if (!enclosure) return problems
    const measured = this.#media(enclosure.url)?.length
    if (measured === undefined && this.#mediaPath(enclosure.url) !== undefined) {
      problems.push({ field: 'enclosure.url', problem: 'names a file that is not in MEDIA_DIR; podcast apps will fail to download it' })
    } else if (measured === undefined && enclosure.length === undefined) {
      problems.push({ field: 'enclosure.length', problem: 'is missing, and the file is not under MEDIA_DIR to measure; podcast apps need the size in bytes' })
    } else if (measured !== undefined && enclosure.length !== undefined && enclosure.length !== measured) {
      problems.push({ field: 'enclosure.length', problem: `says ${enclosure.length} bytes, the file has ${measured}; the file's size is published` })
    }
    if (enclosure.type.startsWith('audio/')) {
      if (!APPLE_MEDIA_TYPES.has(enclosure.type)) {
        problems.push({ field: 'enclosure.type', problem: `${enclosure.type} is not a format Apple Podcasts plays (MP3, M4A); other podcast apps may` })
      }
      if (enclosure.duration === undefined) problems.push({ field: 'enclosure.duration', problem: 'is missing; podcast apps show no playing time' })
    }
    return problems
  }

  /** Images the site settings name that are not there, or that Apple Podcasts would refuse as cover art. */
  #logSettingsWarnings(): void {
    const { settings, settingsFile } = this.#config
    const file = path.basename(settingsFile.path)
    const images: [field: string, url: string | undefined][] = [
      ['images.icon', settings.images.icon],
      ['images.favicon', settings.images.favicon],
      ['images.rss.url', settings.images.rss?.url],
      ['podcast.image', settings.podcast?.image],
    ]
    for (const [field, url] of images) {
      if (url && this.#isMissingMedia(url)) this.#logger.warn(`warning ${file}: ${field}: names a file that is not in MEDIA_DIR`)
    }
    const cover = settings.podcast?.image
    const measured = cover === undefined ? undefined : this.#media(cover)
    if (cover && measured?.width !== undefined && !isAppleArtwork(cover, measured.width, measured.height)) {
      this.#logger.warn(
        `warning ${file}: podcast.image: is ${measured.width} × ${measured.height} px; Apple Podcasts wants a square JPEG or PNG of 1400 to 3000 px`,
      )
    }
  }

  /** Whether a URL points into MEDIA_DIR, as the site serves it, at a file that is not there. */
  #isMissingMedia(url: string): boolean {
    const file = this.#mediaPath(url)
    return file !== undefined && !fs.statSync(file, { throwIfNoEntry: false })?.isFile()
  }

  #refuse(error: ArticleError): Set<string> {
    if (this.#refused.get(error.file)?.message !== error.message) this.#logger.warn(`skipped ${error.message}`)
    this.#refused.set(error.file, error)
    this.#bodies.delete(error.file)
    return this.#index.delete(error.file)
  }

  #logClashes(files: ReadonlySet<string>): void {
    for (const file of [...files].sort()) {
      const error = this.#index.clashError(file)
      if (error) this.#logger.warn(`skipped ${error.message}`)
    }
  }

  /**
   * Looks at ARTICLES_DIR itself every second. Gone: the last good content
   * stays. Back, or another folder in its place (`rm -rf` and a copy, or a
   * deploy's `mv new articles`): the watches sit on the old folder, so
   * everything is read and watched again.
   */
  #scheduleRootCheck(): void {
    if (this.#closed) return
    clearTimeout(this.#rootTimer)
    this.#rootTimer = setTimeout(() => {
      this.#checkRoot()
        .catch((error: unknown) => this.#logger.warn(`reload failed: ${String(error)}`))
        .finally(() => this.#scheduleRootCheck())
    }, ROOT_CHECK_MS)
    this.#rootTimer.unref?.()
  }

  async #checkRoot(): Promise<void> {
    const id = await this.#source.rootId()
    if (id === undefined) return this.#noteRootGone()
    if (!this.#rootGone && id === this.#rootId) return
    this.#logger.info(`${this.#config.articlesDir} ${this.#rootGone ? 'is back' : 'is another folder now'}; reloading`)
    this.#rootGone = false
    this.#watcher?.close()
    clearTimeout(this.#rescanTimer)
    await this.settled()
    await this.load()
    if (!this.#closed) await this.#watchFolders()
  }

  #noteRootGone(): void {
    if (this.#rootGone) return
    this.#rootGone = true
    this.#logger.warn(`${this.#config.articlesDir} is missing; the last good content stays published until it is back`)
  }

  /** The next rescan, an interval after the last one ended, so they never overlap. RESCAN_INTERVAL=0: none. */
  #scheduleRescan(delay = this.#config.rescanIntervalMs): void {
    if (this.#config.rescanIntervalMs <= 0 || this.#closed) return
    clearTimeout(this.#rescanTimer)
    this.#rescanTimer = setTimeout(() => {
      this.rescan()
        .catch((error: unknown) => this.#logger.warn(`rescan failed: ${String(error)}`))
        .finally(() => this.#scheduleRescan())
    }, delay)
    this.#rescanTimer.unref?.()
  }

  /** A document of the current site, rendered once; a failed render is not kept. */
  #view(key: string, render: () => Promise<Resource>): Promise<Resource> {
    const views = this.#views
    const cached = views.get(key)
    if (cached) return cached
    const resource = render()
    views.set(key, resource)
    resource.then(
      (done) => views.weigh(key, bytesOf(done), resource),
      () => views.delete(key),
    )
    return resource
  }

  /**
   * Bodies of the given articles, rendered (or from the cache), with the media
   * lookup: what documents need. `incomplete` when a body could not be read.
   */
  async #itemSource(articles: readonly Article[]): Promise<ItemSource & { readonly incomplete: boolean }> {
    const bodies = new Map<Article, RenderedBody>()
    let incomplete = false
    await mapLimit(articles, async (article) => {
      const body = await this.#body(article)
      if (body === UNREADABLE_BODY) incomplete = true
      bodies.set(article, body)
    })
    return {
      incomplete,
      bodyOf: (article) => {
        const body = bodies.get(article)
        if (!body) throw new Error(`no rendered body for ${article.file}`)
        return body
      },
      media: this.#media,
    }
  }

  async #body(article: Article): Promise<RenderedBody> {
    const cached = this.#bodies.get(article.file)
    if (cached) return cached
    let markdown: string
    try {
      // The file as it is now: if it changed since it was indexed, the watcher's update follows.
      const parsed = await this.#source.read(article.file, 'body')
      if (!parsed) return UNREADABLE_BODY
      markdown = parsed.body
    } catch (error) {
      // The file turned invalid and its last good body is not cached: only its metadata is kept.
      this.#logger.warn(`body of ${article.file} unavailable: ${(error as Error).message}`)
      return UNREADABLE_BODY
    }
    const body = { html: renderMarkdown(markdown, article.url, this.#config.siteUrl), excerpt: excerptOf(markdown) }
    this.#bodies.set(article.file, body)
    return body
  }

  #schedule(next: Date | undefined, now: Date): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    if (!next || this.#closed) return
    const delay = Math.min(Math.max(next.getTime() - now.getTime(), 0), MAX_TIMER_MS)
    this.#timer = setTimeout(() => {
      this.rebuild().catch((error: unknown) => this.#logger.warn(`scheduled rebuild failed: ${String(error)}`))
    }, delay)
    this.#timer.unref?.()
  }
}

const beyondLimit = (file: string, limit: number): ArticleError =>
  new ArticleError(file, [{ field: 'file', problem: `is beyond MAX_ARTICLES (${limit}); not loaded` }])

/** Enclosure types Apple Podcasts accepts (podcasters.apple.com, "Podcast RSS feed requirements"). */
const APPLE_MEDIA_TYPES = new Set(['audio/mpeg', 'audio/x-m4a', 'audio/mp4', 'video/mp4', 'video/quicktime', 'video/x-m4v'])

/** The body of an article whose file cannot be read now (gone, or invalid while its last good metadata stays). */
const UNREADABLE_BODY: RenderedBody = Object.freeze({ html: '', excerpt: '' })

/** What a rendered document holds in memory: its bytes in every encoding. */
function bytesOf(resource: Resource): number {
  return Object.values(resource.encodings).reduce((sum, encoded) => sum + encoded.body.byteLength, resource.identity.body.byteLength)
}

function sameArticles(a: readonly Article[], b: readonly Article[]): boolean {
  return a.length === b.length && a.every((article, index) => article === b[index])
}
