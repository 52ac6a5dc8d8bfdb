import { isDeepStrictEqual } from 'node:util'
import type { Article } from '../content/article.js'
import type { ArticleSource } from '../content/article-source.js'
import { stampChangeTime } from '../content/load-articles.js'
import { bodyDigest } from '../content/body-digest.js'
import type { SnapshotEntry } from './snapshot-rows.js'
import { eventLoopTurns, fullTurn } from '../util/event-loop-turns.js'

/** What a file read for the index gave, as the index snapshot holds it until it is written. */
export interface ReadEntry extends SnapshotEntry {
  /** When the file was read (ms); none for entries taken from a snapshot (checked when it was written) or verified here. */
  readonly readAt?: number
}

/** What verifying a racy entry needs: a read that records no stamp (readBody), the stamp of a file as it is now, and what articles read go through. */
export type VerifySource = Pick<ArticleSource, 'readBody'> & {
  readonly stampNow: (file: string) => string | undefined
  readonly compact: (article: Article) => Article
  /** Hears of a file whose re-read differs from what the index holds under the same stamp: the index reads it again. */
  readonly onStale?: (file: string) => void
}

/** Racy files read again between two turns of the event loop. */
const VERIFIED_PER_TURN = 32

/**
 * The entries of `current` (file → entry, in the order to write) that an
 * index snapshot may keep, or how long to wait before it can tell.
 *
 * An entry is racy when its file's change time is within `racyMs` of the
 * moment it was read: a second save in the same tick of the file system's
 * clock, with the same size, could leave the stamp unchanged while the
 * bytes differ from those read. The live watcher reads an edited file at
 * once, so every edit was racy, left out, and the next start read it and
 * wrote the whole snapshot again (60–70 MB more RSS at 50,000 files).
 *
 * What is safe (git's "racy git" reasoning, with the change time, which the
 * kernel sets from its own clock and no program can set back): once the
 * clock is `racyMs` past the change time C recorded in the stamp, any later
 * save sets a change time after C + one tick, so the stamp differs. The file
 * is stat'ed (the same stamp), read again without recording a stamp
 * (readBody), and stat'ed again: when both show the stamp recorded, no save
 * came between the two, and what the read gave is what the file holds for as
 * long as its stamp is this one. That re-read (not the entry read at the
 * racy moment) is kept; a stamp changed in between leaves the file out, as
 * before: the next start reads it. A re-stat alone would not do: a second
 * same-size save in C's tick keeps the stamp and is only seen by reading.
 * Assumes the file system's clock tick and its skew from this clock are
 * below `racyMs` (2 s: FAT's mtime tick; ctime on Linux file systems is
 * finer); a change time further ahead than that is left out, not waited for.
 */
export async function keepableEntries(current: Map<string, ReadEntry>, racyMs: number, source: VerifySource, now: () => number = Date.now): Promise<ReadEntry[] | { readonly waitMs: number }> {
  const racy: [string, ReadEntry][] = []
  const time = now()
  let waitMs = 0
  // Over every file (50,000 stamps read in 30-50 ms): the event loop let go now and then.
  const turns = eventLoopTurns(TURN_MS, ENTRIES_PER_LOOK)
  for (const [file, entry] of current) {
    const pause = turns.due()
    if (pause) await pause
    if (settled(entry, racyMs)) continue
    const changedAt = stampChangeTime(entry.stamp) ?? Infinity
    const ripeIn = changedAt + racyMs - time
    if (ripeIn < 0) racy.push([file, entry])
    else if (ripeIn <= racyMs) waitMs = Math.max(waitMs, ripeIn + 1)
  }
  // Not old enough yet (the watcher read an edit moments ago): the write waits for them, at most racyMs.
  if (waitMs > 0) return { waitMs }
  for (const [index, [file, entry]] of racy.entries()) {
    // The reads are synchronous: a turn of the event loop now and then, as a rescan gives (STAMPS_PER_TURN).
    if (index > 0 && index % VERIFIED_PER_TURN === 0) await fullTurn()
    const verified = await verify(file, entry, source)
    // Replaced in place (the order written is the order a restart asks in); an entry read again meanwhile stays.
    if (verified && current.get(file) === entry) current.set(file, verified)
  }
  const kept: ReadEntry[] = []
  for (const entry of settledEntries(current, racyMs)) {
    const pause = turns.due()
    if (pause) await pause
    kept.push(entry)
  }
  return kept
}

/** Entries looked at between two chances to let the event loop turn, and how long it may run meanwhile. */
const ENTRIES_PER_LOOK = 1024
const TURN_MS = 10

/** The entries of `current` that may be kept without reading a file again: the racy ones left out (the next start reads them). */
export function* settledEntries(current: Map<string, ReadEntry>, racyMs: number): Generator<ReadEntry> {
  for (const entry of current.values()) if (settled(entry, racyMs)) yield entry
}

/** Whether an entry may be kept as it is: taken from a snapshot, verified, or read racyMs or more after its file's change. */
const settled = (entry: ReadEntry, racyMs: number): boolean => entry.readAt === undefined || (stampChangeTime(entry.stamp) ?? Infinity) < entry.readAt - racyMs

/** The file as it is now, read between two stats that both show the stamp recorded; undefined when it changed, is gone or invalid. */
async function verify(file: string, entry: ReadEntry, source: VerifySource): Promise<ReadEntry | undefined> {
  if (source.stampNow(file) !== entry.stamp) return undefined
  let parsed: Awaited<ReturnType<VerifySource['readBody']>>
  try {
    parsed = await source.readBody(file)
  } catch {
    return undefined // invalid now: the watcher reports it; the next start reads it
  }
  if (parsed === undefined || source.stampNow(file) !== entry.stamp) return undefined
  const digest = await bodyDigest(parsed.body)
  // The same as read (nearly always): the entry's own article, the one the index holds, not a second copy of it.
  if (digest === entry.bodyDigest && isDeepStrictEqual(parsed.article, entry.article) && isDeepStrictEqual(parsed.warnings, entry.warnings)) return { article: entry.article, stamp: entry.stamp, bodyDigest: entry.bodyDigest, warnings: entry.warnings }
  // The racy read missed a second save in the same tick: what the index holds is stale, and no rescan would see it.
  source.onStale?.(file)
  return { article: source.compact(parsed.article), stamp: entry.stamp, bodyDigest: digest, warnings: parsed.warnings }
}
