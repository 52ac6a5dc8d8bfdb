import v8 from 'node:v8'
import zlib from 'node:zlib'
import type { ArticleProblem } from '../errors/article-error.js'
import type { ArticleCompactor } from './compact-articles.js'
import { ARTICLE_KEYS, SnapshotRows, type Body, type Column, type SnapshotEntry, type SnapshotFingerprint } from './snapshot-rows.js'

export type { SnapshotEntry, SnapshotFingerprint, SnapshotRows }

/** The first word of a snapshot file, and its version: a file of another version is not read. */
export const SNAPSHOT_FORMAT = 'wirtschaft-index-snapshot/3'

/** More distinct values than this and a field is written as it is (its index is a byte). */
const MAX_DISTINCT = 256

/**
 * The snapshot as bytes: a first line with the format and the CRC-32 of the
 * rest (a truncated or damaged file is never taken for true), then one
 * structured-clone document (v8.serialize) of columns, one per field of the
 * articles plus their stamps, body digests and warnings. Columns, not an
 * object or row per file: a restart at 50,000 files decoded 50,000 rows, then
 * an object per row, then its compacted copy (a third of the time in GC);
 * now the decode makes typed arrays and the strings, and an article is made
 * in one go for a file taken (SnapshotRows#take, snapshot-rows.ts).
 */
export function encodeSnapshot(fingerprint: SnapshotFingerprint, entries: Iterable<SnapshotEntry>): { chunks: readonly Uint8Array[]; count: number } {
  const keys: readonly string[] = ARTICLE_KEYS
  const records: Record<string, unknown>[] = []
  const stamps: string[] = []
  const digests: string[] = []
  const warned: [number, readonly ArticleProblem[]][] = []
  for (const { article, stamp, bodyDigest, warnings } of entries) {
    const record = article as unknown as Record<string, unknown>
    const own = Object.keys(record)
    // An article of another shape (none today) is left out: it is read again at the next start.
    if (own.length !== keys.length || own.some((key, i) => key !== keys[i])) continue
    if (warnings.length > 0) warned.push([records.length, warnings])
    records.push(record)
    stamps.push(stamp)
    digests.push(bodyDigest)
  }
  const columns = keys.map((key) => columnOf(records.map((record) => record[key])))
  const body: Body = { fingerprint, keys, columns, stamps, digests, warned }
  const bytes = v8.serialize(body)
  // The first line and the document as two chunks, written one after the other: joined, they were a second copy of 26 MB at 50,000 files.
  return { chunks: [Buffer.from(`${SNAPSHOT_FORMAT} ${snapshotChecksum(bytes)}\n`), bytes], count: records.length }
}

function columnOf(values: readonly unknown[]): Column {
  if (values.length > 0 && values.every((value) => value instanceof Date)) return { kind: 'date', times: Float64Array.from(values as Date[], (date) => date.getTime()) }
  if (values.length > 0 && values.every((value) => Array.isArray(value) && value.every((item) => typeof item === 'string'))) {
    const { distinct, index } = indexed(values, (list) => (list as string[]).join('\u0000'))
    return { kind: 'list', lists: distinct as string[][], index }
  }
  if (values.some((value) => value !== null && typeof value === 'object')) return { kind: 'plain', values }
  const { distinct, index } = indexed(values, (value) => value)
  return distinct.length <= MAX_DISTINCT ? { kind: 'dict', values: distinct, index: Uint8Array.from(index) } : { kind: 'plain', values }
}

/** Each distinct value (by `key`) once, and which one each of `values` is. */
function indexed(values: readonly unknown[], key: (value: unknown) => unknown): { distinct: unknown[]; index: Uint32Array } {
  const ids = new Map<unknown, number>()
  const distinct: unknown[] = []
  const index = new Uint32Array(values.length)
  values.forEach((value, row) => {
    const k = key(value)
    let id = ids.get(k)
    if (id === undefined) {
      id = distinct.length
      ids.set(k, id)
      distinct.push(value)
    }
    index[row] = id
  })
  return { distinct, index }
}

/** The entries of a snapshot, or why it is not used (in words for the log). The bytes are not kept. */
export function decodeSnapshot(bytes: Buffer, fingerprint: SnapshotFingerprint, compact: ArticleCompactor): SnapshotRows | { reason: string } {
  const newline = bytes.subarray(0, 200).indexOf(10)
  const [format, checksum] = bytes.subarray(0, Math.max(newline, 0)).toString('latin1').split(' ')
  if (format !== SNAPSHOT_FORMAT) return { reason: `is of another format (${JSON.stringify((format ?? '').slice(0, 40))}; this build reads ${SNAPSHOT_FORMAT})` }
  const body = bytes.subarray(newline + 1)
  if (checksum !== snapshotChecksum(body)) return { reason: 'is truncated or damaged (its checksum does not match)' }
  let parsed: Body
  try {
    parsed = v8.deserialize(body)
  } catch {
    return { reason: 'is damaged (it cannot be deserialised)' }
  }
  const written = parsed?.fingerprint
  // A forged body's fingerprint without its configuration threw below (the start with it).
  if (typeof written?.config !== 'object' || written.config === null) return { reason: 'is damaged (it names no configuration)' }
  // Node upgraded (or its ICU or time-zone data): said as such, not as a deploy of the service.
  if (typeof written.runtime === 'string' && fingerprint.runtime !== undefined && written.runtime !== fingerprint.runtime) {
    const [then, now] = [runtimeInWords(written.runtime), runtimeInWords(fingerprint.runtime)]
    // Two that read the same (another spelling of one runtime: a forged file) are no upgrade to speak of.
    if (then !== now) return { reason: `was written under ${then}, and this is ${now}` }
  }
  if (written.build !== fingerprint.build) return { reason: 'was written by another build of the service' }
  const changed = Object.keys({ ...fingerprint.config, ...written.config }).filter((key) => written.config[key] !== fingerprint.config[key])
  if (changed.length > 0) return { reason: `was written with another ${changed.join(', ')}` }
  try {
    return new SnapshotRows(ownArrays(parsed), compact)
  } catch (error) {
    return { reason: `is damaged (${(error as Error).message})` }
  }
}

/** A runtime identity (build-identity.ts: `[version, icu, tz, unicode]` as JSON) as a log says it: `Node.js v24.1.0 (ICU 77.1, time zones 2025b, Unicode 16.0)`. */
function runtimeInWords(identity: string): string {
  let parts: unknown
  try {
    parts = JSON.parse(identity)
  } catch {
    parts = undefined
  }
  if (!Array.isArray(parts) || parts.length !== 4 || !parts.every((part) => typeof part === 'string' || part === null)) return 'another Node.js'
  // Never a control or format character into the log line (a forged file's newline made two lines of one).
  const [version, icu, tz, unicode] = (parts as (string | null)[]).map((part) => (part ?? '?').replace(/[\p{Cc}\p{Cf}]/gu, '').slice(0, 40))
  return `Node.js ${version} (ICU ${icu}, time zones ${tz}, Unicode ${unicode})`
}

/**
 * What finds a damaged or truncated snapshot: the CRC-32 of its document, as
 * 8 hex digits. Damage, not forgery, is what it is for (STATE_DIR is the
 * service's own, docs/security.md; a forged document still meets the rows'
 * checks). Format 2 had the SHA-256: for the 24 MB of 50,000 files, 16 ms
 * against 6 ms (bench/hash-cost.ts), and 45-68 ms of a restart's main thread
 * as read from the file (a profile).
 */
export const snapshotChecksum = (bytes: Uint8Array): string => zlib.crc32(bytes).toString(16).padStart(8, '0')

/**
 * The body with its typed arrays copied out of `bytes`: Node's deserializer
 * makes them views of the input where they are aligned, so a few of 50 KB
 * held the whole file (26 MB at 50,000 files) as long as the rows, through
 * the load and its peak. Each is copied into a new array of its plain type:
 * a Buffer (a forged body) would pass the rows' checks as a Uint8Array, and
 * its slice() is a view, emptied when the file's bytes are freed (freeNow).
 * Anything else forged is left as it is, for the rows to refuse.
 */
function ownArrays(body: Body): Body {
  if (!Array.isArray(body?.columns)) return body
  const own = (value: unknown): unknown =>
    value instanceof Float64Array ? new Float64Array(value) : value instanceof Uint32Array ? new Uint32Array(value) : value instanceof Uint8Array ? new Uint8Array(value) : value
  const copy = ([key, value]: [string, unknown]) => [key, own(value)]
  const columns = body.columns.map((column: unknown) => (column !== null && typeof column === 'object' ? Object.fromEntries(Object.entries(column).map(copy)) : column))
  return { ...body, columns: columns as Column[] }
}
