import v8 from 'node:v8'
import zlib from 'node:zlib'
import type { ArticleCompactor } from './compact-articles.js'
import { framedField, SNAPSHOT_FORMAT } from './snapshot-encode.js'
import { SnapshotRows, type Body, type Column, type SnapshotFingerprint } from './snapshot-rows.js'

export { encodeSnapshot, SNAPSHOT_FORMAT, writeSnapshot } from './snapshot-encode.js'
export type { SnapshotFile } from './snapshot-encode.js'
export type { SnapshotEntry, SnapshotFingerprint, SnapshotRows } from './snapshot-rows.js'

/** The checksum's line at the end of a snapshot file (snapshot-encode.ts): 8 hex digits and a line end. */
const CHECKSUM_LINE = 9

/** The entries of a snapshot, or why it is not used (in words for the log). The bytes are not kept. */
export function decodeSnapshot(bytes: Buffer, fingerprint: SnapshotFingerprint, compact: ArticleCompactor): SnapshotRows | { reason: string } {
  const parsed = snapshotBody(bytes)
  if ('reason' in parsed) return parsed
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

/** The document of a snapshot's bytes, its frames put together (snapshot-encode.ts), or why there is none; nothing checked but its checksum and shape. */
export function snapshotBody(bytes: Buffer): Body | { reason: string } {
  const newline = bytes.subarray(0, 200).indexOf(10)
  // Its first word: format 3 and older wrote their checksum after it, on the same line.
  const [format] = bytes.subarray(0, Math.max(newline, 0)).toString('latin1').split(' ')
  if (format !== SNAPSHOT_FORMAT) return { reason: `is of another format (${JSON.stringify((format ?? '').slice(0, 40))}; this build reads ${SNAPSHOT_FORMAT})` }
  const end = Math.max(bytes.length - CHECKSUM_LINE, newline + 1)
  const frames = bytes.subarray(newline + 1, end)
  if (bytes.subarray(end).toString('latin1') !== `${snapshotChecksum(frames)}\n`) return { reason: 'is truncated or damaged (its checksum does not match)' }
  try {
    let at = 0
    const next = (): unknown => {
      const length = frames.readUInt32LE(at)
      if (at + 4 + length > frames.length) throw new Error('a frame past the end')
      at += 4 + length
      return v8.deserialize(frames.subarray(at - length, at))
    }
    const body = next() as Body
    // A column's framed field (framedField: a plain column's values, a list column's lists), then the stamps and the
    // digests, were written in frames of their own:
    // put together once all are read (pushed one by one, the growing arrays cost 40 ms more at 50,000 files).
    const columns: unknown[] = Array.isArray(body?.columns) ? body.columns : [] // another shape: the rows refuse it
    const parts = Array.from({ length: columns.length + 2 }, (): unknown[][] => [])
    while (at < frames.length) {
      const [slot, values] = next() as [number, unknown[]]
      const into = parts[slot]
      if (!(slot >= columns.length || framedField(columns[slot])) || !into || !Array.isArray(values)) throw new Error('a frame of no column')
      into.push(values)
    }
    const joined = parts.map((arrays) => ([] as unknown[]).concat(...arrays))
    const put = (column: unknown, k: number) => {
      const field = framedField(column)
      return field ? { ...(column as object), [field]: joined[k] } : column
    }
    return { ...body, columns: Array.isArray(body?.columns) ? (columns.map(put) as Column[]) : body?.columns, stamps: joined[columns.length] as string[], digests: joined[columns.length + 1] as string[] }
  } catch {
    return { reason: 'is damaged (it cannot be deserialised)' }
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
