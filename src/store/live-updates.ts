import type { Config } from '../config.js'
import type { ArticleSource } from '../content/article-source.js'
import { folderId } from '../content/files.js'
import type { Logger } from '../util/logger.js'
import { SerialTask } from '../util/serial-task.js'
import type { ContentStore } from './content-store.js'
import { folderWatch, realTimers, ROOT_CHECK_MS, type Timers, type WatchFactory, type Watch } from './folder-watch.js'
import type { HealthCheck } from '../util/health.js'
import { LiveHealth } from './live-health.js'
import { MediaUpdates, type MediaChanged } from './media-updates.js'
import { RescanBaseline } from './rescan-baseline.js'

export type { Timers, Watch, WatchFactory } from './folder-watch.js'

export interface LiveUpdatesOptions {
  readonly store: Pick<ContentStore, 'applyChanges' | 'load' | 'settled' | 'mediaChanged' | 'knownFiles' | 'onRootMissing' | 'onChange' | 'site' | 'refused' | 'unreadableFolders'>
  readonly source: Pick<ArticleSource, 'rootId' | 'stamps' | 'readStamp' | 'listedStamp'>
  readonly config: Pick<Config, 'articlesDir' | 'mediaDir' | 'rescanIntervalMs'>
  readonly logger: Logger
  readonly watch?: WatchFactory
  readonly timers?: Timers
  /** MEDIA_DIR's identity, undefined while it is not there; the file system's by default. */
  readonly folderId?: (dir: string) => Promise<string | undefined>
  readonly onMediaChanged?: MediaChanged | undefined // the CDN purges them once the documents are rendered again
}

export const FIRST_RESCAN_MS = 1000 // the first rescan after the watches are placed

/**
 * Turns what happens on disk into the store's applyChanges: watch events on
 * ARTICLES_DIR (sub-folders too), a rescan every RESCAN_INTERVAL for what the
 * watcher missed, and a look at the folder itself every second (gone: the
 * last content stays; back, or another folder in its place: everything is
 * read and watched again). A reload that fails (the folder swapped in cannot
 * be read yet) is retried after 1 s, 2 s, 4 s …, at most RESCAN_INTERVAL
 * apart, while the last good content stays. A watch that fails is placed
 * again at the same pace. problems() says what is wrong meanwhile
 * (LiveHealth). MEDIA_DIR is followed by MediaUpdates.
 */
export class LiveUpdates implements HealthCheck {
  readonly #options: LiveUpdatesOptions
  readonly #watch: WatchFactory
  readonly #timers: Timers
  readonly #media: MediaUpdates
  #watcher: Watch | undefined
  #rootTimer: unknown
  #rescanTimer: unknown
  #rootId: string | undefined // ARTICLES_DIR's identity when it was last loaded
  readonly #health: LiveHealth
  readonly #baseline = new RescanBaseline()
  readonly #rescans = new SerialTask(() => this.#rescan()) // never two at once (SIGHUP's beside the timer's): a call meanwhile gets one more run after
  #chain = { applied: 0 } // files applied by the chain of rescans in progress: what each of its callers is told
  #closed = false

  constructor(options: LiveUpdatesOptions) {
    this.#options = options
    this.#watch = options.watch ?? folderWatch
    this.#timers = options.timers ?? realTimers
    const { logger, store } = options
    this.#health = new LiveHealth({ folder: options.config.articlesDir, rescanIntervalMs: options.config.rescanIntervalMs, logger })
    store.onRootMissing(() => this.#health.setRootGone(true))
    store.onChange(() => this.#health.articlesKnown(store.knownFiles().length, store.site().plan.published, store.refused().length))
    this.#media = new MediaUpdates({
      mediaDir: options.config.mediaDir,
      logger,
      watch: this.#watch,
      timers: this.#timers,
      folderId: options.folderId ?? folderId,
      rebuild: () => store.mediaChanged(),
      onRebuild: options.onMediaChanged,
    })
  }

  /**
   * Reads every article file (the store's load), noting which folder it read,
   * then places the watches and starts the checks; resolves once the watches
   * are in place. A folder put in place of ARTICLES_DIR while it was read (a
   * deploy during start-up) is found by the first root check.
   */
  async start(): Promise<void> {
    await this.#load()
    await this.#watchFolders()
    this.#scheduleRootCheck()
    await this.#media.start()
  }

  /** Why the content served may not be what ARTICLES_DIR holds now, or may not follow it: for /healthz. */
  problems(): string[] {
    return this.#health.problems(this.#options.store.unreadableFolders())
  }

  /**
   * Stamps every file in ARTICLES_DIR and applies those that differ from
   * what was read, and those that came or went: changes no watch event
   * reported (a network file system, an overflowing inotify queue, a save
   * while the watches were being placed). Resolves to the files applied by the chain of runs it joined, the one in
   * progress too (a SIGHUP during the timer's rescan, which applied the file just saved, was told 0). Noted for problems().
   */
  async rescan(): Promise<number> {
    const chain = this.#rescans.running ? this.#chain : (this.#chain = { applied: 0 }) // a chain starts once the last ended
    const done = this.#rescans.run()
    done.then(() => this.#health.rescanDone(), (error: unknown) => this.#health.rescanDone(error))
    return done.then(() => chain.applied)
  }

  async #rescan(): Promise<void> {
    const { source, store } = this.#options
    const id = await source.rootId()
    // Gone, another folder than the one read, or one whose reload failed (a SIGHUP's rescan applied its files to the last good index: half of each): the root check reloads it.
    if (id === undefined || (this.#rootId !== undefined && id !== this.#rootId) || this.#health.reloads.pending) return
    const { files: onDisk, unreadable } = await source.stamps()
    const { files: changed, folders } = this.#baseline.changes(onDisk, unreadable, (file) => source.readStamp(file), store.knownFiles(), (file) => source.listedStamp?.(file))
    if (changed.size + folders.length === 0) return
    if (changed.size > 0) this.#options.logger.info(`rescan: ${changed.size} file(s) changed since they were read`)
    await store.applyChanges([...changed, ...folders])
    this.#chain.applied += changed.size + folders.length
  }

  /** Stops the watches and the timers. */
  close(): void {
    this.#closed = true
    this.#timers.clearTimeout(this.#rootTimer)
    this.#timers.clearTimeout(this.#rescanTimer)
    this.#watcher?.close()
    this.#media.close()
  }

  async #watchFolders(): Promise<void> {
    const { logger, store } = this.#options
    this.#health.watchPlacing()
    this.#watcher = this.#watch(
      this.#options.config.articlesDir,
      (paths) => void store.applyChanges(paths).catch((error: unknown) => logger.warn(`applying a change failed: ${String(error)}`)),
      (error) => {
        logger.warn(`watch: ${error.message}`)
        this.#health.watchFailed(error)
      },
    )
    await this.#watcher.start()
    this.#health.watchPlaced()
    // Soon (after the watcher's first batches), for what changed while the files were read and before the watches were
    // in place. Also with RESCAN_INTERVAL=0, which turns off the periodic ones: nothing else finds such a change.
    this.#scheduleRescan(Math.min(FIRST_RESCAN_MS, this.#options.config.rescanIntervalMs || FIRST_RESCAN_MS), true)
  }

  #scheduleRootCheck(delay = ROOT_CHECK_MS): void {
    if (this.#closed) return
    this.#timers.clearTimeout(this.#rootTimer)
    const failed = (error: unknown): number => {
      this.#options.logger.warn(`checking ${this.#options.config.articlesDir} failed: ${String(error)}`)
      return ROOT_CHECK_MS
    }
    this.#rootTimer = this.#timers.setTimeout(() => void this.#checkRoot().catch(failed).then((next) => this.#scheduleRootCheck(next)), delay)
  }

  /** Looks at ARTICLES_DIR and reloads it when it is back, another folder, or a reload is due again; resolves to the wait before the next look. */
  async #checkRoot(): Promise<number> {
    const { source, logger } = this.#options
    const { articlesDir } = this.#options.config
    const id = await source.rootId()
    const health = this.#health
    if (id === undefined) {
      health.setRootGone(true)
      return ROOT_CHECK_MS
    }
    if (!health.rootGone && id === this.#rootId && !health.reloads.pending) {
      if (health.watchDue()) await this.#watchAgain()
      return ROOT_CHECK_MS
    }
    if (health.rootGone || !health.reloads.pending) logger.info(`${articlesDir} ${health.rootGone ? 'is back' : 'is another folder now'}; reloading`)
    health.setRootGone(false)
    try {
      await this.#reload()
    } catch (error) {
      // The last good content stays; no watch, no rescan until a reload succeeds (they would mix two folders).
      const { waitMs, problem } = health.reloads.failed(error)
      logger.warn(problem)
      return waitMs
    }
    const failures = health.reloads.succeeded()
    if (failures > 0) logger.info(`reloaded ${articlesDir} after ${failures} failed attempt(s); content is current again`)
    return ROOT_CHECK_MS
  }

  /** Reads everything again and watches the folder now at ARTICLES_DIR. */
  async #reload(): Promise<void> {
    // The watches sit on the old folder.
    this.#watcher?.close()
    this.#timers.clearTimeout(this.#rescanTimer)
    await this.#options.store.settled()
    this.#baseline.reloaded()
    await this.#load()
    if (!this.#closed) await this.#watchFolders()
  }

  /** The store's load, with the identity of the folder it reads taken first: a swap while it reads is seen after. */
  async #load(): Promise<void> {
    this.#rootId = await this.#options.source.rootId()
    await this.#options.store.load()
  }

  /** Places the watch again after it failed, then rescans for what changed while it was not there. */
  async #watchAgain(): Promise<void> {
    if (this.#closed) return
    this.#watcher?.close()
    await this.#watchFolders()
    await this.#rescanLogged()
  }

  /** rescan(), a failure logged (noted for problems() too). */
  #rescanLogged(): Promise<unknown> { return this.rescan().catch((error: unknown) => this.#options.logger.warn(`rescan failed: ${String(error)}`)) }

  /** The next rescan, an interval after the last one ended, so they never overlap. RESCAN_INTERVAL=0: none but the `first`. */
  #scheduleRescan(delay = this.#options.config.rescanIntervalMs, first = false): void {
    if ((this.#options.config.rescanIntervalMs <= 0 && !first) || this.#closed) return
    this.#timers.clearTimeout(this.#rescanTimer)
    this.#rescanTimer = this.#timers.setTimeout(() => void this.#rescanLogged().then(() => this.#scheduleRescan()), delay)
  }
}

