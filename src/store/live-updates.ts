import type { Config } from '../config.js'
import type { ArticleSource } from '../content/article-source.js'
import { FolderWatcher } from '../content/watch-folder.js'
import type { Logger } from '../util/logger.js'
import type { ContentStore } from './content-store.js'

/** A folder watch: started once, closed once; reports changed paths relative to its root. */
export interface Watch {
  start(): Promise<void>
  close(): void
}

export type WatchFactory = (root: string, onChange: (paths: ReadonlySet<string>) => void, onError: (error: Error) => void) => Watch

/** Timers, so that tests can drive them with a fake clock. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface LiveUpdatesOptions {
  readonly store: Pick<ContentStore, 'applyChanges' | 'load' | 'settled' | 'mediaChanged' | 'knownFiles' | 'onRootMissing'>
  readonly source: Pick<ArticleSource, 'rootId' | 'stamps' | 'readStamp'>
  readonly config: Pick<Config, 'articlesDir' | 'mediaDir' | 'rescanIntervalMs'>
  readonly logger: Logger
  readonly watch?: WatchFactory
  readonly timers?: Timers
}

/** The first rescan after the watches are placed. */
const FIRST_RESCAN_MS = 1000
/** How often ARTICLES_DIR itself is looked at: gone, back, or another folder in its place (a deploy). */
const ROOT_CHECK_MS = 1000

const folderWatch: WatchFactory = (root, onChange, onError) => new FolderWatcher({ root, onChange, onError })
const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

/**
 * Turns what happens on disk into the store's applyChanges: watch events on
 * ARTICLES_DIR (sub-folders too), a rescan every RESCAN_INTERVAL for what the
 * watcher missed, and a look at the folder itself every second (gone: the
 * last content stays; back, or another folder in its place: everything is
 * read and watched again). A change under MEDIA_DIR renders the documents
 * again (enclosure lengths, image sizes).
 */
export class LiveUpdates {
  readonly #options: LiveUpdatesOptions
  readonly #watch: WatchFactory
  readonly #timers: Timers
  #watcher: Watch | undefined
  #mediaWatcher: Watch | undefined
  #rootTimer: unknown
  #rescanTimer: unknown
  /** ARTICLES_DIR's identity when it was last loaded, and whether it is gone now. */
  #rootId: string | undefined
  #rootGone = false
  /** Stamps seen by the last rescan, for files never read for the index (refused before or without reading). */
  #scanned: ReadonlyMap<string, string> = new Map()
  #closed = false

  constructor(options: LiveUpdatesOptions) {
    this.#options = options
    this.#watch = options.watch ?? folderWatch
    this.#timers = options.timers ?? realTimers
    options.store.onRootMissing(() => this.#noteRootGone())
  }

  /**
   * Reads every article file (the store's load), noting which folder it read,
   * then places the watches and starts the checks; resolves once the watches
   * are in place. A folder put in place of ARTICLES_DIR while it was read (a
   * deploy during start-up) is found by the first root check.
   */
  async start(): Promise<void> {
    const { logger, store } = this.#options
    await this.#load()
    await this.#watchFolders()
    this.#scheduleRootCheck()
    this.#mediaWatcher = this.#watch(
      this.#options.config.mediaDir,
      () => void store.mediaChanged().catch((error: unknown) => logger.warn(`media rebuild failed: ${String(error)}`)),
      (error) => logger.warn(`watch: ${error.message}`),
    )
    await this.#mediaWatcher.start()
  }

  /**
   * Stamps every file in ARTICLES_DIR and applies those that differ from
   * what was read, and those that came or went: changes no watch event
   * reported (a network file system, an overflowing inotify queue, a save
   * while the watches were being placed). Resolves to the number of files
   * applied.
   */
  async rescan(): Promise<number> {
    const { source, store } = this.#options
    if ((await source.rootId()) === undefined) return 0
    const onDisk = await source.stamps()
    const previous = this.#scanned
    this.#scanned = onDisk
    const changed = new Set<string>()
    for (const [file, stamp] of onDisk) {
      if (stamp !== (source.readStamp(file) ?? previous.get(file))) changed.add(file)
    }
    for (const file of store.knownFiles()) if (!onDisk.has(file)) changed.add(file)
    if (changed.size === 0) return 0
    this.#options.logger.info(`rescan: ${changed.size} file(s) changed since they were read`)
    await store.applyChanges(changed)
    return changed.size
  }

  /** Stops the watches and the timers. */
  close(): void {
    this.#closed = true
    this.#timers.clearTimeout(this.#rootTimer)
    this.#timers.clearTimeout(this.#rescanTimer)
    this.#watcher?.close()
    this.#mediaWatcher?.close()
  }

  async #watchFolders(): Promise<void> {
    const { logger, store } = this.#options
    this.#watcher = this.#watch(
      this.#options.config.articlesDir,
      (paths) => void store.applyChanges(paths),
      (error) => logger.warn(`watch: ${error.message}`),
    )
    await this.#watcher.start()
    // Soon (after the watcher's first batches), for what changed while the
    // files were read and before the watches were in place.
    this.#scheduleRescan(Math.min(FIRST_RESCAN_MS, this.#options.config.rescanIntervalMs))
  }

  #scheduleRootCheck(): void {
    if (this.#closed) return
    this.#timers.clearTimeout(this.#rootTimer)
    this.#rootTimer = this.#timers.setTimeout(() => {
      this.#checkRoot()
        .catch((error: unknown) => this.#options.logger.warn(`reload failed: ${String(error)}`))
        .finally(() => this.#scheduleRootCheck())
    }, ROOT_CHECK_MS)
  }

  async #checkRoot(): Promise<void> {
    const { source, store, logger } = this.#options
    const { articlesDir } = this.#options.config
    const id = await source.rootId()
    if (id === undefined) return this.#noteRootGone()
    if (!this.#rootGone && id === this.#rootId) return
    logger.info(`${articlesDir} ${this.#rootGone ? 'is back' : 'is another folder now'}; reloading`)
    this.#rootGone = false
    // The watches sit on the old folder: everything is read and watched again.
    this.#watcher?.close()
    this.#timers.clearTimeout(this.#rescanTimer)
    await store.settled()
    await this.#load()
    if (!this.#closed) await this.#watchFolders()
  }

  /** The store's load, with the identity of the folder it reads taken first: a swap while it reads is seen after. */
  async #load(): Promise<void> {
    this.#rootId = await this.#options.source.rootId()
    await this.#options.store.load()
  }

  #noteRootGone(): void {
    if (this.#rootGone) return
    this.#rootGone = true
    this.#options.logger.warn(`${this.#options.config.articlesDir} is missing; the last good content stays published until it is back`)
  }

  /** The next rescan, an interval after the last one ended, so they never overlap. RESCAN_INTERVAL=0: none. */
  #scheduleRescan(delay = this.#options.config.rescanIntervalMs): void {
    if (this.#options.config.rescanIntervalMs <= 0 || this.#closed) return
    this.#timers.clearTimeout(this.#rescanTimer)
    this.#rescanTimer = this.#timers.setTimeout(() => {
      this.rescan()
        .catch((error: unknown) => this.#options.logger.warn(`rescan failed: ${String(error)}`))
        .finally(() => this.#scheduleRescan())
    }, delay)
  }
}
