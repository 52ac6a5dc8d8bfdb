import { createHash } from 'node:crypto'
import { changeTimesNotKept } from '../content/change-times.js'
import { changedSince, folderId } from '../content/files.js'
import type { Config } from '../config.js'
import type { StateFile } from '../ops/state-file.js'
import { articleKey, digest, mediaKeys, SITE_KEY } from '../site/cache-keys.js'
import { changedKeysInTurns } from '../site/key-changes.js'
import { KEY_VERSIONS_TURN_MS } from '../site/key-versions.js'
import { allSteps, fullTurn, stepsInTurns, type Steps } from '../util/event-loop-turns.js'
import type { Logger } from '../util/logger.js'

/** The record's name under STATE_DIR. */
export const PURGE_RECORD = 'cdn-purges.v1'
/** Characters kept of a SHA-256 (hex) of each key's version: 64 bits, about 2 MB of record at 50,000 articles. */
const VERSION_CHARS = 16

/**
 * PurgeRecord's `target`: the CDN purged, and what every document is rendered with besides the articles, which no
 * key's version holds: SITE_URL, SITE_NAME, SITE_LANG, SITE_TZ, FEED_CONTENT, the cache headers, CDN_MAX_AGE,
 * WEBSUB_HUB, the section and site.yaml. One of them changed while the service was stopped changes every document:
 * the first state purges the whole site. Left out, such a restart purged nothing, and the CDN kept every document of
 * before (another title, the excerpts of before) for CDN_MAX_AGE.
 */
export function recordTarget(purgeTarget: string, config: Pick<Config, 'siteUrl' | 'siteName' | 'language' | 'timeZone' | 'feedContent' | 'cache' | 'cdn' | 'websubHub' | 'section' | 'settings'>): string {
  const { siteUrl, siteName, language, timeZone, feedContent, cache, websubHub, section, settings } = config
  const rendered = { siteName, language, timeZone, feedContent, cache, cdnMaxAge: config.cdn?.maxAge, websubHub, section, settings }
  return `${purgeTarget} ${siteUrl} ${JSON.stringify(rendered, (_, value: unknown) => (value instanceof Map ? [...value] : value))}`
}

/**
 * What the first state purges, given its keys' versions: nothing, the keys changed since the last clean stop, or the
 * whole site; asked once. Worked out with the event loop turning: in one go, the parse, the digests and the diff held
 * every answer 0.26-0.38 s at 50,000 articles, 2-4 s after the start served.
 */
export type FirstPurge = (current: ReadonlyMap<string, string>) => Promise<readonly string[]>

/**
 * Changes under MEDIA_DIR not known to be purged: those at or after `since` (epoch milliseconds, status-change
 * times), and any at all when MEDIA_DIR is no longer the folder `folder` (folderId; null: there was none;
 * NO_FOLDER_KNOWN: a folder put in place was not served yet at the stop).
 */
export interface MediaMark {
  readonly folder: string | null
  readonly since: number
}

/** A MediaMark's folder that no folder's identity is: the next start purges every media file. */
export const NO_FOLDER_KNOWN = ''

/**
 * How long before a stop a media file's change counts as not purged: the watch reports a change within 100 ms
 * (watch-folder.ts), and a stop closes it at once; the rest is room for the kernel's coarse clock of change times.
 * (A network file system's changes made elsewhere reach no watch at all: fs.watch sees this machine's writes only.)
 */
export const MEDIA_SLACK_MS = 2_000

/**
 * The media changes whose documents are not swapped in yet, by when each was heard: a stop sends their purges at
 * once (ChangePurges.now), while the service still serves the old lengths, which the CDN may fetch again. The stop's
 * media mark starts at the earliest of them, so the next start purges them again, with the new lengths.
 */
export class UnswappedMedia {
  readonly #heard = new Map<object, number>()
  /**
   * Changes whose rebuild failed: not swapped in until the next state is (the store's retry, or a later change,
   * renders what a failed media change owed: content-store.ts, #renderAgain). Counted as swapped at the failure, a
   * stop before the retry marked the media as served, and the next start purged neither the file nor the documents
   * stating its old length (a review).
   */
  readonly #failed = new Set<object>()
  #stopped = false

  /** A media change heard now, and the rebuild that swaps its documents in. */
  track(rebuilt: Promise<unknown>): void {
    const change = {}
    this.#heard.set(change, Date.now())
    rebuilt.then(
      () => void (this.#stopped || this.#heard.delete(change)),
      () => void (this.#stopped || this.#failed.add(change)),
    )
  }

  /** A state was swapped in (the store's change listener): the media changes whose rebuild failed before are in it. */
  swapped(): void {
    if (this.#stopped) return
    for (const change of this.#failed) this.#heard.delete(change)
    this.#failed.clear()
  }

  /**
   * A stop began: the store swaps no state in from now on (ContentStore.quiesce), so a change not swapped in yet never
   * is, though its rebuild may still end. Counted as swapped then, its file was older than the mark, and the next
   * start purged neither it nor the documents stating its old length.
   */
  stop(): void {
    this.#stopped = true
  }

  /** When the earliest change not swapped in was heard (epoch milliseconds); Infinity when there is none. */
  earliest(): number {
    return Math.min(...this.#heard.values())
  }
}

/** The record as written: `running` from a start on, `keys` and `media` once a stop found every purge through. */
type Record = { readonly format: 1; readonly target: string } & ({ readonly running: true } | { readonly keys: { readonly [key: string]: string }; readonly media: MediaMark })

/**
 * What the CDN was last told, under STATE_DIR: from the start on, that a run
 * is under way; at a stop whose purges all went through, the version of
 * every cache key of the state it served last. The next start purges from it
 * what its first state changed: the files edited, added or removed while the
 * service was stopped, and media files replaced meanwhile. Before, it purged
 * nothing, and the CDN kept the copies of before the stop for CDN_MAX_AGE (a
 * day in docs/deployment.md's example). After a run that did not stop so (a
 * crash, a kill, a purge not through at the stop, a stop before its start's
 * purge), or one for another CDN, SITE_URL or site settings (recordTarget),
 * it cannot tell what the CDN holds, and
 * the first state purges the whole site. With no record at all (the first
 * start on this STATE_DIR) it purges nothing: what a CDN holds from before is
 * the deploy's to purge, as before.
 */
export class PurgeRecord {
  readonly #file: StateFile
  readonly #target: string
  readonly #logger: Logger
  #media: MediaMark | undefined

  /** `target`: the CDN's purge target and what documents are rendered with (recordTarget), of which a digest is kept. */
  constructor(file: StateFile, target: string, logger: Logger) {
    this.#file = file
    this.#target = createHash('sha256').update(target).digest('base64url')
    this.#logger = logger
  }

  /**
   * A run without PURGE: a record a run with it left no longer tells what a CDN holds once this one served unpurged
   * (a file edited and edited back meanwhile changes no key since the record), so it is marked as a run under way.
   */
  static markUnpurged(file: StateFile, logger: Logger): void {
    const last = readRecord(file)
    if (typeof last === 'object' && 'keys' in last) new PurgeRecord(file, '', logger).#write({ format: 1, target: last.target, running: true }, 'a later run with PURGE purges only what changed since its record')
  }

  /**
   * At the start: reads what the last run left and marks this run as under way. What its first state purges is worked
   * out when asked, once the service serves (main.ts): parsed in the start, the record (2 MB at 50,000 articles) held
   * up serving by about 0.2 s. Asked once; then let go.
   */
  begin(): FirstPurge {
    let read = readText(this.#file)
    if (!this.#write({ format: 1, target: this.#target, running: true }, 'emptying it instead, so that the next start does not trust it')) this.#spoil()
    return async (current) => {
      const text = read
      read = undefined
      await fullTurn() // after the keys' last step (SitePlan.warmKeys)
      const last = typeof text === 'object' ? this.#clean(parseRecord(text.text, this.#file.path)) : text
      if (last === undefined) return []
      if (typeof last === 'string') {
        this.#logger.info(`purge: ${last}: the first state purges the whole site (key ${SITE_KEY})`)
        return [SITE_KEY]
      }
      this.#logger.info('purge: the last run stopped with every purge through; the first state purges what changed since')
      this.#media = last.media
      await fullTurn()
      const before = new Map(Object.entries(last.keys))
      await fullTurn()
      const now = await stepsInTurns(shortened(current, new Set()), KEY_VERSIONS_TURN_MS)
      return changedKeysInTurns(before, now)
    }
  }

  /** Once the first purge was asked (begin), the last clean stop's media mark: what the start purges of MEDIA_DIR (mediaPurge); undefined: nothing to look for. */
  get media(): MediaMark | undefined {
    return this.#media
  }

  /**
   * At a stop whose purges all went through: `keys` are those of the state served last; `notAsWritten`, the page
   * paths of articles whose body a document was given not as written (plain text: no render worker, a time limit),
   * which the CDN may hold so under keys that did not change: the next start purges them; `media`, what of MEDIA_DIR
   * the next start looks at (RestartPurges.end).
   */
  end(keys: ReadonlyMap<string, string>, notAsWritten: Iterable<string>, media: MediaMark): void {
    const dirty = new Set([...notAsWritten].map((path) => articleKey(path)))
    const cut = allSteps(shortened(keys, dirty))
    // One the state served has not (a page of a change a stop overtook, at its new path): gone at the next start (edited back), still purged.
    for (const key of dirty) if (!cut.has(key)) cut.set(key, '')
    this.#write({ format: 1, target: this.#target, keys: Object.fromEntries(cut), media }, 'the next start purges the whole site')
  }

  /** The keys and media mark of a clean stop; why none can be trusted. */
  #clean(record: Record | string): { readonly keys: { readonly [key: string]: string }; readonly media: MediaMark } | string {
    if (typeof record !== 'object') return record
    if (record.target !== this.#target) return 'the last run purged another CDN, or served another SITE_URL or site settings'
    if ('running' in record) return 'the last run did not stop with every purge through (a crash, a kill, a CDN that did not answer)'
    return record
  }

  /** Whether the record was written; else says so, with what follows (`otherwise`). */
  #write(record: Record, otherwise: string): boolean {
    try {
      this.#file.write(JSON.stringify(record))
      return true
    } catch (error) {
      this.#logger.warn(`warning STATE_DIR: cannot write ${this.#file.path} (${(error as Error).message}); ${otherwise}`, { file: this.#file.path, problem: 'unwritable' })
      return false
    }
  }

  /**
   * A start that could not say its run is under way (a full disk, STATE_DIR no longer writable) empties the record
   * instead: left as it was, a clean stop's keys were trusted by the start after this run, however it ended (a crash,
   * a purge that never went through, bodies published as plain text), and the CDN kept what this run changed.
   */
  #spoil(): void {
    try {
      this.#file.empty()
      this.#logger.warn(`warning STATE_DIR: emptied ${this.#file.path}: the next start purges the whole site`, { file: this.#file.path, problem: 'unwritable' })
    } catch (error) {
      this.#logger.warn(`warning STATE_DIR: cannot empty ${this.#file.path} either (${(error as Error).message}); the next start may trust the record of a run before this one`, { file: this.#file.path, problem: 'unwritable' })
    }
  }
}

/** The record in `file`; why it is none; undefined when there is no file. */
function readRecord(file: StateFile): Record | string | undefined {
  const read = readText(file)
  return typeof read === 'object' ? parseRecord(read.text, file.path) : read
}

/** The text of `file`; why it cannot be read; undefined when there is no file. */
function readText(file: StateFile): { readonly text: string } | string | undefined {
  try {
    const text = file.read()
    return text === undefined ? undefined : { text }
  } catch (error) {
    return `cannot read ${file.path} (${(error as Error).message})`
  }
}

/** The record `text` holds; why it is none. */
function parseRecord(text: string, path: string): Record | string {
  let record: { readonly format?: unknown; readonly target?: unknown; readonly running?: unknown; readonly keys?: unknown } | null
  try {
    record = JSON.parse(text) as typeof record
  } catch {
    record = null
  }
  if (typeof record !== 'object' || record === null || record.format !== 1 || typeof record.target !== 'string') return `${path} is not a record this service wrote`
  if (record.running === true) return { format: 1, target: record.target, running: true }
  const { keys, media } = record as { keys?: unknown; media?: Partial<MediaMark> | null }
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys) || !Object.values(keys).every((version) => typeof version === 'string')) return `${path} is not a record this service wrote`
  if (typeof media !== 'object' || media === null || !(media.folder === null || typeof media.folder === 'string') || !Number.isFinite(media.since)) return `${path} is not a record this service wrote`
  return { format: 1, target: record.target, keys: keys as { readonly [key: string]: string }, media: { folder: media.folder, since: media.since as number } }
}

/**
 * A digest of each version, cut to VERSION_CHARS, and the empty version (never one a key has) for the dirty keys. Not
 * the version cut: only an article's is a digest; the feeds' begins with the number of archive pages and a date
 * (`999\n2025-09-14T0` was all that was kept of it), the sitemap index's with its first part's newest lastmod, and an
 * article added while the service was stopped changed neither, nor purged them (45 ms at 50,000 articles). As steps:
 * in one go at a stop, with the event loop turning at a start (allSteps, stepsInTurns).
 */
function* shortened(keys: ReadonlyMap<string, string>, dirty: ReadonlySet<string>): Steps<Map<string, string>> {
  const cut = new Map<string, string>()
  for (const [key, version] of keys) {
    cut.set(key, dirty.has(key) ? '' : short(version))
    if (cut.size % 100 === 0) yield
  }
  return cut
}

const short = (version: string): string => digest(version).slice(0, VERSION_CHARS)

/**
 * The media keys a start purges for `mark` (PurgeRecord.media): every media file (MEDIA_KEY) when MEDIA_DIR is
 * another folder than at the stop, came or went, or lies where status-change times do not tell every change (an
 * image, FAT, FUSE: change-times.ts), or a folder in it changed (a file removed or renamed, which leaves no file to
 * name; or one added); else the files changed since. Replaced while the service was stopped, or in the moment a
 * stop closed the watch, a file kept its CDN copy, and the feeds stating its length theirs, for their max-age.
 */
export async function mediaPurge(mediaDir: string, mark: MediaMark): Promise<readonly string[]> {
  const folder = (await folderId(mediaDir)) ?? null
  if (folder !== mark.folder || (folder !== null && changeTimesNotKept(mediaDir) !== undefined)) return mediaKeys(undefined)
  if (folder === null) return []
  const { files, folders } = await changedSince(mediaDir, mark.since)
  return folders ? mediaKeys(undefined) : files.length > 0 ? mediaKeys(files) : []
}
