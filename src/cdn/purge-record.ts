import { createHash } from 'node:crypto'
import type { StateFile } from '../ops/state-file.js'
import { articleKey, changedKeys, SITE_KEY } from '../site/cache-keys.js'
import type { Logger } from '../util/logger.js'

/** The record's name under STATE_DIR. */
export const PURGE_RECORD = 'cdn-purges.v1'
/** Characters kept of each key's version (SHA-256 in hex): 64 bits, about 2 MB of record at 50,000 articles. */
const VERSION_CHARS = 16

/** What the first state purges, given its keys' versions: nothing, the keys changed since the last clean stop, or the whole site. */
export type FirstPurge = (current: ReadonlyMap<string, string>) => readonly string[]

/** The record as written: `running` from a start on, `keys` once a stop found every purge through. */
type Record = { readonly format: 1; readonly target: string } & ({ readonly running: true } | { readonly keys: { readonly [key: string]: string } })

/**
 * What the CDN was last told, under STATE_DIR: from the start on, that a run
 * is under way; at a stop whose purges all went through, the version of
 * every cache key of the state it served last. The next start purges from it
 * what its first state changed: the files edited, added or removed while the
 * service was stopped, and media files replaced meanwhile. Before, it purged
 * nothing, and the CDN kept the copies of before the stop for CDN_MAX_AGE (a
 * day in docs/deployment.md's example). After a run that did not stop so (a
 * crash, a kill, a purge not through at the stop, a stop before it served),
 * or one for another CDN or SITE_URL, it cannot tell what the CDN holds, and
 * the first state purges the whole site. With no record at all (the first
 * start on this STATE_DIR) it purges nothing: what a CDN holds from before is
 * the deploy's to purge, as before.
 */
export class PurgeRecord {
  readonly #file: StateFile
  readonly #target: string
  readonly #logger: Logger

  /** `target`: the CDN's purge target and SITE_URL, of which a digest is kept. */
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

  /** At the start: reads what the last run left, marks this run as under way, and says what its first state purges. */
  begin(): FirstPurge {
    const last = this.#read()
    this.#write({ format: 1, target: this.#target, running: true }, 'a crash of this run goes unnoticed at the next start')
    if (last === undefined) return () => []
    if (typeof last === 'string') {
      this.#logger.info(`purge: ${last}: the first state purges the whole site (key ${SITE_KEY})`)
      return () => [SITE_KEY]
    }
    this.#logger.info('purge: the last run stopped with every purge through; the first state purges what changed since')
    const before = new Map(Object.entries(last))
    return (current) => changedKeys(before, shortened(current, new Set()))
  }

  /**
   * At a stop whose purges all went through: `keys` are those of the state served last; `notAsWritten`, the page
   * paths of articles whose body a document was given not as written (plain text: no render worker, a time limit),
   * which the CDN may hold so under keys that did not change: the next start purges them.
   */
  end(keys: ReadonlyMap<string, string>, notAsWritten: Iterable<string>): void {
    const dirty = new Set([...notAsWritten].map((path) => articleKey(path)))
    this.#write({ format: 1, target: this.#target, keys: Object.fromEntries(shortened(keys, dirty)) }, 'the next start purges the whole site')
  }

  /** The keys of a clean stop; why none can be trusted; undefined when there is no record. */
  #read(): { readonly [key: string]: string } | string | undefined {
    const record = readRecord(this.#file)
    if (typeof record !== 'object') return record
    if (record.target !== this.#target) return 'the last run purged another CDN, or served another SITE_URL'
    if ('running' in record) return 'the last run did not stop with every purge through (a crash, a kill, a CDN that did not answer)'
    return record.keys
  }

  #write(record: Record, otherwise: string): void {
    try {
      this.#file.write(JSON.stringify(record))
    } catch (error) {
      this.#logger.warn(`warning STATE_DIR: cannot write ${this.#file.path} (${(error as Error).message}); ${otherwise}`, { file: this.#file.path, problem: 'unwritable' })
    }
  }
}

/** The record in `file`; why it is none; undefined when there is no file. */
function readRecord(file: StateFile): Record | string | undefined {
  let text: string | undefined
  try {
    text = file.read()
  } catch (error) {
    return `cannot read ${file.path} (${(error as Error).message})`
  }
  if (text === undefined) return undefined
  let record: { readonly format?: unknown; readonly target?: unknown; readonly running?: unknown; readonly keys?: unknown } | null
  try {
    record = JSON.parse(text) as typeof record
  } catch {
    record = null
  }
  if (typeof record !== 'object' || record === null || record.format !== 1 || typeof record.target !== 'string') return `${file.path} is not a record this service wrote`
  if (record.running === true) return { format: 1, target: record.target, running: true }
  const keys = record.keys
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys) || !Object.values(keys).every((version) => typeof version === 'string')) return `${file.path} is not a record this service wrote`
  return { format: 1, target: record.target, keys: keys as { readonly [key: string]: string } }
}

/** Versions cut to VERSION_CHARS, and the empty version (never one a key has) for the dirty keys. */
function shortened(keys: ReadonlyMap<string, string>, dirty: ReadonlySet<string>): Map<string, string> {
  const cut = new Map<string, string>()
  for (const [key, version] of keys) cut.set(key, dirty.has(key) ? '' : version.slice(0, VERSION_CHARS))
  return cut
}
