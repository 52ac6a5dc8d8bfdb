import { folderId } from '../content/files.js'
import type { StateFile } from '../ops/state-file.js'
import type { Site } from '../site/build-site.js'
import { SITE_KEY } from '../site/cache-keys.js'
import type { Logger } from '../util/logger.js'
import type { ChangePurges } from './purge-on-change.js'
import { MEDIA_SLACK_MS, mediaPurge, NO_FOLDER_KNOWN, PurgeRecord, UnswappedMedia, type FirstPurge } from './purge-record.js'
import type { MediaChanged } from '../store/media-updates.js'

export interface RestartPurgesOptions {
  readonly file: StateFile
  /** recordTarget: the CDN purged and what every document is rendered with. */
  readonly target: string
  readonly mediaDir: string
  readonly changePurges: ChangePurges<Site>
  /** Whether every key queued went through (Purger.delivered). */
  readonly delivered: () => boolean
  readonly logger: Logger
}

/**
 * The CDN's side of a restart (docs/deployment.md, "What a start purges"),
 * around the record (purge-record.ts): the run is marked as under way at
 * construction; once the service serves, `purgeSinceStop` works out every
 * key's version with the event loop turning and purges what changed since the
 * last clean stop; at a stop whose purges all went through, `end` writes the
 * state served last and the media mark. main.ts wires it; without PURGE there
 * is none (PurgeRecord.markUnpurged).
 */
export class RestartPurges {
  readonly #options: RestartPurgesOptions
  readonly #record: PurgeRecord
  readonly #first: FirstPurge
  readonly #unswapped = new UnswappedMedia()
  /** Whether the start's purge went to the purger: a stop before is not a clean one. */
  #startPurged = false
  #stopping = false
  /**
   * MEDIA_DIR's identity as last looked at (at the start, then every second), and that of the folder whose files the
   * documents state (from a whole folder's change on, once its rebuild is swapped in): a stop's media mark names the
   * latter, or no folder while they differ. Read at the exit, a folder put in place just before the stop (a deploy's
   * link turned, then the restart) was marked as the one served: the next start purged none of the old one's media.
   */
  #mediaSeen: string | undefined
  #mediaServed: string | undefined | null = null // null: not looked at yet

  constructor(options: RestartPurgesOptions) {
    this.#options = options
    this.#record = new PurgeRecord(options.file, options.target, options.logger)
    this.#first = this.#record.begin()
  }

  /** LiveUpdates' folderId: MEDIA_DIR's identity, noted as seen. */
  readonly folderId = (dir: string): Promise<string | undefined> =>
    folderId(dir).then((id) => {
      if (!this.#stopping) [this.#mediaSeen, this.#mediaServed] = [id, this.#mediaServed === null ? id : this.#mediaServed]
      return id
    })

  /** LiveUpdates' onMediaChanged, around the purge of media files changed (purgeOnMediaChanged): noted for the mark. */
  mediaChanged(purge: MediaChanged): MediaChanged {
    return (files, rebuilt) => {
      this.#unswapped.track(rebuilt)
      const seen = this.#mediaSeen
      // Not once a stop began: the store swaps in no state then, and the documents still state the folder served before.
      if (files === undefined) rebuilt.then(() => void (this.#stopping || (this.#mediaServed = seen)), () => {})
      purge(files, rebuilt)
    }
  }

  /**
   * Once the service serves: every key's version of `first`, worked out with the event loop turning (in one go, the
   * first edit's purge held every answer 1.2–2 s at 50,000 articles), then the purge of what changed since the last
   * stop. When that cannot be worked out, the whole site: what the CDN holds is not known.
   */
  async purgeSinceStop(first: Site): Promise<void> {
    const { changePurges, logger, mediaDir } = this.#options
    try {
      const started = performance.now()
      await first.plan.warmKeys()
      const keys = new Set(await this.#first(first.plan.keys))
      const media = this.#record.media
      if (media) for (const key of await mediaPurge(mediaDir, media)) keys.add(key)
      if (keys.size > 0) changePurges.afterRebuild([...keys], Promise.resolve(first))
      logger.info(`purge: cache keys worked out in ${Math.round(performance.now() - started)} ms; ${keys.size} to purge for what changed since the last stop`)
    } catch (error) {
      logger.warn(`purge: cannot work out what changed since the last stop (${String(error)}); purging the whole site (key ${SITE_KEY})`)
      changePurges.afterRebuild([SITE_KEY], Promise.resolve(first))
    }
    this.#startPurged = true
  }

  /** The store's change listener: a state was swapped in, with the media changes whose rebuild failed before (UnswappedMedia.swapped). */
  readonly swapped = (): void => this.#unswapped.swapped()

  /** A stop begins: MEDIA_DIR is no longer looked at for the mark, and a media change not swapped in yet never is (quiesce). */
  stopping(): void {
    this.#stopping = true
    this.#unswapped.stop()
  }

  /**
   * Once the stop's purges were sent: the record of `site` (the state served last) when every purge went through,
   * with `notAsWritten` (RenderedBodies), and the media mark from a moment before the stop began (`stopBegan`), or
   * before the earliest change whose documents are not swapped in (its purge went now, while the old lengths are
   * served). Else the record says the run is under way, and the next start purges the whole site.
   */
  end(stopBegan: number, site: Site, notAsWritten: Iterable<string>): void {
    if (!this.#startPurged || !this.#options.changePurges.settled() || !this.#options.delivered()) return
    const since = Math.min(stopBegan, this.#unswapped.earliest()) - MEDIA_SLACK_MS
    const folder = this.#mediaSeen === this.#mediaServed ? (this.#mediaSeen ?? null) : NO_FOLDER_KNOWN
    this.#record.end(site.plan.keys, notAsWritten, { folder, since })
  }
}
