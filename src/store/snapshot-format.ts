import { createHash } from 'node:crypto'
import v8 from 'node:v8'
import type { Article } from '../content/article.js'
import type { ArticleProblem } from '../errors/article-error.js'

/** The first word of a snapshot file, and its version: a file of another version is not read. */
export const SNAPSHOT_FORMAT = 'wirtschaft-index-snapshot/1'

/** What a file read for the index gave, and the version (stamp) of the file it was read from. */
export interface SnapshotEntry {
  readonly article: Article
  readonly stamp: string
  /** The body's version (bodyDigest). */
  readonly bodyDigest: string
  readonly warnings: readonly ArticleProblem[]
}

/** What besides a file's bytes decides what it parses to; a snapshot written under another is not used. */
export interface SnapshotFingerprint {
  /** The build of the service and its dependencies. */
  readonly build: string
  /** ARTICLES_DIR, SITE_URL, the time zone and the language (what parse-article.ts is given). */
  readonly config: Readonly<Record<string, string>>
}

/**
 * The snapshot as bytes: a first line with the format and the SHA-256 of the
 * rest (a truncated or damaged file is never taken for true), then one
 * structured-clone document (v8.serialize: half the time of JSON to read,
 * and no string of 24 MB), one row per file: its stamp, digest, warnings and
 * the article's fields in the order of `keys` (dates as milliseconds). Rows,
 * not objects: the names are written once, not 50,000 times.
 */
export function encodeSnapshot(fingerprint: SnapshotFingerprint, entries: Iterable<SnapshotEntry>): { bytes: Buffer; count: number } {
  let keys: string[] | undefined
  let dates: Set<string> | undefined
  const rows: unknown[][] = []
  for (const { article, stamp, bodyDigest, warnings } of entries) {
    const record = article as unknown as Record<string, unknown>
    keys ??= Object.keys(record)
    dates ??= new Set(keys.filter((key) => record[key] instanceof Date))
    const own = Object.keys(record)
    // An article of another shape (none today) is left out: it is read again at the next start.
    if (own.length !== keys.length || own.some((key, i) => key !== keys?.[i])) continue
    const row: unknown[] = [stamp, bodyDigest, warnings.length > 0 ? warnings : 0]
    for (const key of keys) {
      const value = record[key]
      row.push(dates.has(key) ? (value as Date).getTime() : value)
    }
    rows.push(row)
  }
  const body = v8.serialize({ fingerprint, keys: keys ?? [], dates: [...(dates ?? [])], rows })
  return { bytes: Buffer.concat([Buffer.from(`${SNAPSHOT_FORMAT} ${sha256(body)}\n`), body]), count: rows.length }
}

/** The entries of a snapshot by file, or why it is not used (in words for the log). */
export function decodeSnapshot(
  bytes: Buffer,
  fingerprint: SnapshotFingerprint,
  compact: (article: Article) => Article = (article) => article,
): Map<string, SnapshotEntry> | { reason: string } {
  const newline = bytes.subarray(0, 200).indexOf(10)
  const [format, checksum] = bytes.subarray(0, Math.max(newline, 0)).toString('latin1').split(' ')
  if (format !== SNAPSHOT_FORMAT) return { reason: `is of another format (${JSON.stringify((format ?? '').slice(0, 40))}; this build reads ${SNAPSHOT_FORMAT})` }
  const body = bytes.subarray(newline + 1)
  if (checksum !== sha256(body)) return { reason: 'is truncated or damaged (its checksum does not match)' }
  let parsed: { fingerprint: SnapshotFingerprint; keys: string[]; dates: string[]; rows: unknown[][] }
  try {
    parsed = v8.deserialize(body)
  } catch {
    return { reason: 'is damaged (it cannot be deserialised)' }
  }
  if (parsed.fingerprint?.build !== fingerprint.build) return { reason: 'was written by another build of the service' }
  const changed = Object.keys({ ...fingerprint.config, ...parsed.fingerprint.config }).filter((key) => parsed.fingerprint.config[key] !== fingerprint.config[key])
  if (changed.length > 0) return { reason: `was written with another ${changed.join(', ')}` }
  try {
    return rowsToEntries(parsed.keys, new Set(parsed.dates), parsed.rows, compact)
  } catch (error) {
    return { reason: `is damaged (${(error as Error).message})` }
  }
}

/** `compact` shares lists and strings with the articles read from files (compact-articles.ts), and `updated` with `date`. */
function rowsToEntries(keys: readonly string[], dates: ReadonlySet<string>, rows: readonly unknown[][], compact: (article: Article) => Article): Map<string, SnapshotEntry> {
  const entries = new Map<string, SnapshotEntry>()
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== keys.length + 3) throw new Error('a row of another length')
    const [stamp, digest, warnings] = row
    if (typeof stamp !== 'string' || typeof digest !== 'string') throw new Error('a row without stamp or digest')
    const article: Record<string, unknown> = {}
    keys.forEach((key, i) => (article[key] = dates.has(key) ? new Date(row[i + 3] as number) : row[i + 3]))
    if (typeof article.file !== 'string') throw new Error('a row without a file')
    entries.set(article.file, { article: compact(article as unknown as Article), stamp, bodyDigest: digest, warnings: Array.isArray(warnings) ? warnings : [] })
  }
  return entries
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('base64url')
