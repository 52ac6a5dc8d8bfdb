import type { ArticleSource } from '../content/article-source.js'
import type { ParseArticleOptions } from '../content/parse-article.js'
import type { Logger } from '../util/logger.js'
import { bodyDigest } from '../content/body-digest.js'
import type { ArticleCompactor } from './compact-articles.js'
import { keepableEntries, settledEntries, type ReadEntry } from './racy-entries.js'
import { encodeSnapshot, writeSnapshot, type SnapshotFile, type SnapshotFingerprint, type SnapshotRows } from './snapshot-format.js'
import { readSnapshot } from './snapshot-read.js'

export interface IndexSnapshotOptions {
  readonly file: SnapshotFile
  /** The parsing code of the service (content/build-identity.ts: the bundle's parse identity, Node): another may parse a file differently. */
  readonly build: string
  /** Node's version and its ICU and time-zone data (build-identity.ts: runtimeIdentity), part of `build` too: a start then says what changed. */
  readonly runtime?: string
  /** Quiet time after the last change before the snapshot is written again (default 5 s). */
  readonly delayMs?: number
  /**
   * A file whose status changed this close (ms) to the moment it was read is
   * not kept as read: a second save in the same tick of the file system's
   * clock, with the same size, would keep its stamp (default 2 s). It is
   * read again once its change is this old, and kept if unchanged (racy-entries.ts).
   */
  readonly racyMs?: number
}

/**
 * `source`, started from a snapshot of the index (docs/configuration.md):
 * what each file read for the index gave (its article, body digest and
 * warnings) with the stamp of the file it was read from. At the first load a
 * file whose stamp is still the one recorded is taken from the snapshot
 * without being read or parsed; every other file (changed, added, or not in
 * it) is read as usual. The snapshot is written again, atomically, a quiet
 * moment after the load and after changes. A snapshot that is damaged, of
 * another format, build or configuration is not used (one log line says
 * why); one that cannot be written costs a warning. `source` must be able to
 * stamp a file without reading it (stampNow) and adopt a stamp (adoptStamp),
 * so rescans know the version taken; without them it is returned as it is.
 */
export function snapshotSource(
  source: ArticleSource,
  snapshot: IndexSnapshotOptions | undefined,
  config: ParseArticleOptions & { readonly articlesDir: string },
  logger: Logger,
  /** What the articles read from files go through (compact-articles.ts): the snapshot's entries go through it too. */
  compact: ArticleCompactor,
  /** Hears of a file the index read too close to a second save (racy-entries.ts): it must be read again. */
  onStale?: (file: string) => void,
): ArticleSource {
  const { stampNow, adoptStamp } = source
  if (!snapshot || !stampNow || !adoptStamp) return source
  const fingerprint: SnapshotFingerprint = {
    build: snapshot.build,
    runtime: snapshot.runtime,
    config: { ARTICLES_DIR: config.articlesDir, SITE_URL: config.siteUrl, 'time zone': config.timeZone, language: config.language },
  }
  const racyMs = snapshot.racyMs ?? 2000
  const current = new Map<string, ReadEntry>()
  /** The snapshot's entries not asked for yet: read at the first load, null once the snapshot has been written again (it is never read twice). */
  let loaded: SnapshotRows | null | undefined
  let lastError: string | undefined
  /** Whether a file was read (or found gone) since the snapshot on disk was read or written: else it holds what a write would. */
  let differs = false
  /** Whether a load is taking files with stamps from other threads (stampAll): it may wait longer than delayMs for them. */
  let taking = false
  /** Whether a write is verifying racy entries (it awaits their reads). */
  let writing = false
  const verifier = { readBody: source.readBody, stampNow, compact, onStale }
  /** Whether the source was closed (close): it wrote what it could then, and writes nothing after. */
  let closed = false
  const saved = (count: number): void => {
    if (lastError !== undefined) logger.info(`wrote the index snapshot ${snapshot.file.path} again (${count} files)`)
    lastError = undefined
  }
  /** In one go (close(): nothing is served after it). */
  const save = (kept: Iterable<ReadEntry>): void => {
    try {
      const { chunks, count } = encodeSnapshot(fingerprint, kept)
      snapshot.file.write(chunks)
      saved(count)
    } catch (error) {
      failed(error)
    }
  }
  /** What was not written is written by the next write; one warning per kind of failure, whether verifying or writing failed. */
  const failed = (error: unknown): void => {
    differs = true
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    if (code !== lastError) logger.warn(`warning STATE_DIR: cannot write the index snapshot ${snapshot.file.path} (${code}); the next start reads the files changed since the last one written (every file if there is none)`)
    lastError = code
  }
  const write = async (): Promise<void> => {
    if (closed) return
    if (taking || writing) return changed() // not while a load takes from it: what it holds would be read instead
    loaded = null // what it held and was not asked for is gone from disk
    // A restart that took every file from the snapshot writes nothing: the same 26 MB at 50,000 files took 60–70 MB more RSS to encode.
    if (!differs) return
    writing = true
    // Cleared before the verification awaits: a file read meanwhile sets it again, and is written by the next write.
    differs = false
    try {
      const kept = await keepableEntries(current, racyMs, verifier)
      if (closed) return // close() wrote what it could keep without waiting
      // Files read moments ago (an edit, read at once by the watcher) are verified once old enough: the write waits.
      if ('waitMs' in kept) {
        differs = true
        timer ??= setTimeout(() => ((timer = undefined), void write()), kept.waitMs).unref()
        return
      }
      // A slice at a time (snapshot-encode.ts): in one go, it held the event loop 0.6-0.75 s at 50,000 files.
      const count = await writeSnapshot(snapshot.file, fingerprint, kept, () => closed)
      if (count !== undefined) saved(count)
    } catch (error) {
      failed(error) // never an unhandled rejection
    } finally {
      writing = false
    }
  }
  let timer: NodeJS.Timeout | undefined
  const changed = (): void => {
    if (closed) return
    if (timer) timer.refresh()
    else timer = setTimeout(() => ((timer = undefined), void write()), snapshot.delayMs ?? 5000).unref()
  }
  /** The snapshot's entry of an unchanged file, its stamp adopted; the entry itself is what the load takes (no copy). */
  const take = (file: string, now?: string): ReadEntry | undefined => {
    if (loaded === null) return undefined
    loaded ??= readSnapshot(snapshot.file, fingerprint, logger, compact)
    // The stamp is checked before the article is made: none is made for a file changed since.
    let entry: ReadEntry | undefined
    try {
      // A stamp given (stampAll) is the file's as it is now; none given (or none: unreadable, gone) is taken here.
      entry = loaded?.take(file, (stamp) => stamp === (now ?? stampNow(file)))
    } catch (error) {
      // A row the build would not write (a forged body: its checksum is no secret): this file and every later one are read.
      logger.info(`not using the index snapshot ${snapshot.file.path} further: it is damaged (${(error as Error).message}); reading every file`)
      loaded = null
      return undefined
    }
    if (!entry) return undefined
    adoptStamp(file, entry.stamp)
    current.set(file, entry)
    changed()
    return entry
  }
  const { stampAll } = source
  async function* taken(stamps: AsyncIterable<readonly (string | undefined)[]>): AsyncGenerator<readonly (string | undefined)[]> {
    taking = true
    try {
      yield* stamps
    } finally {
      taking = false
    }
  }
  return {
    ...source,
    takeUnchanged: take,
    // A change not written yet is written now (a restart right after an edit takes it from the snapshot), without the
    // files read too recently to trust (racy-entries.ts: they are read at the next start); nothing is written after.
    close: () => {
      source.close?.()
      if (closed) return
      closed = true
      clearTimeout(timer)
      timer = undefined
      // Not during a load (what it has not taken yet would be lost), nor when the file holds what a write would.
      if (!taking && loaded !== undefined && (differs || writing)) save(settledEntries(current, racyMs))
    },
    // The snapshot is decoded while the stamps are taken; with none to use (a first start, a new build) they are stopped.
    stampAll:
      stampAll &&
      ((files, options) => {
        // Written again since it was read (a full reload later on): nothing to take, so no worker to start.
        if (loaded === null) return NO_STAMPS
        const stop = new AbortController()
        const stamps = stampAll(files, { ...options, signal: stop.signal })
        loaded ??= readSnapshot(snapshot.file, fingerprint, logger, compact)
        if (loaded) return taken(stamps)
        stop.abort()
        return NO_STAMPS
      }),
    readForIndex: async (file) => {
      const hit = take(file)
      if (hit) return { article: hit.article, body: '', warnings: hit.warnings, bodyDigest: hit.bodyDigest }
      const readAt = Date.now()
      differs = true
      changed()
      // The entry it replaces stays in its place until then (its stamp is no longer the file's: never taken): the order
      // written stays the order a restart asks in, which finds each row without a map of 50,000 files (SnapshotRows#row).
      // A new file's place is kept from now: reads finish out of the listing's order (those read ahead: read-ahead.ts).
      if (!current.has(file)) current.set(file, UNDER_WAY)
      try {
        const parsed = await source.readForIndex(file)
        const stamp = source.readStamp(file)
        if (!parsed || stamp === undefined) {
          current.delete(file)
          return parsed
        }
        // Read ahead on another thread (read-ahead.ts), the body is not given: its digest is.
        const digest = parsed.bodyDigest ?? (await bodyDigest(parsed.body))
        // Read ahead, the file was read before it was asked for: that moment decides whether it is racy.
        current.set(file, { article: parsed.article, stamp, bodyDigest: digest, warnings: parsed.warnings, readAt: parsed.readAt ?? readAt })
        return { ...parsed, bodyDigest: digest }
      } catch (error) {
        current.delete(file)
        throw error
      } finally {
        // A write may have run during this read (slower than the delay): the next one holds what it gave, not a later change's.
        differs = true
        changed()
      }
    },
  }
}

const NO_STAMPS: AsyncIterable<readonly (string | undefined)[]> = { [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }) }

/** The place of a row whose first read is under way: never written (no change time in its stamp: never settled, nor verified). */
const UNDER_WAY: ReadEntry = { article: undefined as never, stamp: '', bodyDigest: '', warnings: [], readAt: 0 }
