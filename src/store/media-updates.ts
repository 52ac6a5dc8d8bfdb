import type { Site } from '../site/build-site.js'
import type { Logger } from '../util/logger.js'
import { ROOT_CHECK_MS, type Timers, type Watch, type WatchFactory } from './folder-watch.js'

export interface MediaUpdatesOptions {
  readonly mediaDir: string
  readonly logger: Logger
  readonly watch: WatchFactory
  readonly timers: Timers
  /** A folder's identity (device, inode, birth time); undefined when there is none. */
  readonly folderId: (dir: string) => Promise<string | undefined>
  /** Renders the documents again (the store's mediaChanged, which handles its own failure): enclosure lengths and image sizes may have changed. */
  readonly rebuild: () => Promise<Site>
  /** Told of each rebuild, with the files that caused it. */
  readonly onRebuild?: MediaChanged | undefined
}

/**
 * Files under MEDIA_DIR changed (relative, `/`-separated; undefined: the folder itself), and the store's rebuild that
 * renders the documents again with their lengths: the CDN purges them once it is swapped in and compressed
 * (ChangePurges.afterRebuild). Purged at once, a CDN asked before the swap kept the old lengths for CDN_MAX_AGE, as
 * no key's version changes with them.
 */
export type MediaChanged = (files: readonly string[] | undefined, rebuilt: Promise<Site>) => void

/**
 * Follows MEDIA_DIR: a watch on it, whose every change renders the documents
 * again. The folder itself is looked at every second, as ARTICLES_DIR is:
 * missing at start, it is watched once it is there; replaced by another
 * folder (a deploy), it is watched anew; either way the documents are
 * rendered again. While it is gone, the sizes measured last stay published.
 */
export class MediaUpdates {
  readonly #options: MediaUpdatesOptions
  /** The identity of the folder watched; undefined while there is none. */
  #id: string | undefined
  #watcher: Watch | undefined
  #timer: unknown
  #closed = false

  constructor(options: MediaUpdatesOptions) {
    this.#options = options
  }

  /** Places the watch (or says the folder is missing) and starts looking at the folder. */
  async start(): Promise<void> {
    const { mediaDir, folderId, logger } = this.#options
    this.#id = await folderId(mediaDir)
    if (this.#id === undefined) logger.info(`${mediaDir} is missing (MEDIA_DIR); it is looked for every second, and watched once it is there`)
    else await this.#watchFolder()
    this.#schedule()
  }

  close(): void {
    this.#closed = true
    this.#options.timers.clearTimeout(this.#timer)
    this.#watcher?.close()
  }

  async #check(): Promise<void> {
    const { mediaDir, folderId, logger } = this.#options
    const id = await folderId(mediaDir)
    if (id === this.#id || this.#closed) return
    const was = this.#id
    this.#id = id
    this.#watcher?.close()
    this.#watcher = undefined
    if (id === undefined) {
      logger.warn(`${mediaDir} is missing (MEDIA_DIR); the sizes measured last stay published until it is back`)
      return
    }
    logger.info(`${mediaDir} is ${was === undefined ? 'there now' : 'another folder now'} (MEDIA_DIR); watching it and rendering the documents again`)
    await this.#watchFolder()
    // Closed while the watch was placed (it walks the tree): a stop, whose store applies nothing more.
    if (!this.#closed) this.#changed(undefined)
  }

  #changed(files: readonly string[] | undefined): void {
    // A failure is the store's to say and try again (ContentStore.mediaChanged).
    const rebuilt = this.#options.rebuild()
    this.#options.onRebuild?.(files, rebuilt)
  }

  async #watchFolder(): Promise<void> {
    const { mediaDir, logger } = this.#options
    const changed = (files: ReadonlySet<string>): void => this.#changed([...files])
    const watcher = this.#options.watch(mediaDir, changed, (error) => logger.warn(`watch: ${error.message}`))
    this.#watcher = watcher
    await watcher.start()
  }

  #schedule(): void {
    if (this.#closed) return
    this.#timer = this.#options.timers.setTimeout(() => {
      this.#check()
        .catch((error: unknown) => this.#options.logger.warn(`${this.#options.mediaDir} (MEDIA_DIR): ${String(error)}`))
        .finally(() => this.#schedule())
    }, ROOT_CHECK_MS)
  }
}
