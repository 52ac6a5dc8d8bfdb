// The index snapshot's bytes (snapshot-format.ts reads them), made a slice of rows at a time so that writing it never holds the event loop.
import v8 from 'node:v8'
import zlib from 'node:zlib'
import type { ArticleProblem } from '../errors/article-error.js'
import { eventLoopTurns } from '../util/event-loop-turns.js'
import { ARTICLE_KEYS, type Body, type Column, type SnapshotEntry, type SnapshotFingerprint } from './snapshot-rows.js'

/** The first line of a snapshot file, and its version: a file of another version is not read. */
export const SNAPSHOT_FORMAT = 'wirtschaft-index-snapshot/4'

/** More distinct values than this and a field is written as it is (its index is a byte). */
const MAX_DISTINCT = 256
/** Rows gathered between two chances to let the event loop turn (taken once TURN_MS have passed): well under a ms. */
const ROWS_PER_STEP = 512
/** Values of one column in a frame: serialised in 2-4 ms (fewer, larger frames decode faster). */
const VALUES_PER_FRAME = 16_384
/** How long a write runs before it lets the event loop turn (requests, timers, signals). */
const TURN_MS = 10

/** Where a snapshot is kept (a StateFile under STATE_DIR): read whole, replaced atomically. */
export interface SnapshotFile {
  readonly path: string
  readBytes(): Buffer | undefined
  /** The file's bytes in chunks, written one after the other (never joined: 26 MB more at 50,000 files). */
  write(chunks: readonly Uint8Array[]): void
  /** The same, the chunks written as they come; false when `cancelled()` said so before it replaced the file (it then did not). */
  writeInTurns(chunks: AsyncIterable<Uint8Array>, cancelled: () => boolean): Promise<boolean>
}

/**
 * The snapshot as bytes: a first line naming the format, frames, and a last
 * line with the CRC-32 of the frames (a truncated or damaged file is never
 * taken for true). A frame is a length (4 bytes) and a structured-clone
 * document (v8.serialize): the first holds the columns, one per field of the
 * articles, plus their stamps, body digests and warnings; the values of a
 * column kept as they are (a title, a URL), a list column's distinct lists,
 * the stamps and the digests are empty there, and follow in frames of
 * VALUES_PER_FRAME each ([slot, values]: slot k is column k, then the stamps,
 * then the digests). Columns, not an object or row per file: a restart at
 * 50,000 files decoded 50,000 rows, then an object per row, then its
 * compacted copy (a third of the time in GC).
 * In frames, not one document: serialised at once, the 18 MB of 50,000 files
 * held the event loop 0.6–0.75 s five seconds after every edit (1.5–2 s at
 * 200,000), as every client's answer waited.
 */
export function encodeSnapshot(fingerprint: SnapshotFingerprint, entries: Iterable<SnapshotEntry>): { chunks: readonly Uint8Array[]; count: number } {
  let count = 0
  const chunks = [...snapshotSteps(fingerprint, entries, (rows) => (count = rows))].filter((step) => step !== null)
  return { chunks, count }
}

/**
 * Writes the snapshot of `entries` to `file` a slice at a time. Resolves to the entries written, or undefined when
 * `cancelled()` stopped it (the file is then as it was).
 */
export async function writeSnapshot(file: SnapshotFile, fingerprint: SnapshotFingerprint, entries: Iterable<SnapshotEntry>, cancelled: () => boolean): Promise<number | undefined> {
  let count = 0
  const steps = snapshotSteps(fingerprint, entries, (rows) => (count = rows))
  return (await file.writeInTurns(inTurns(steps), cancelled)) ? count : undefined
}

/** The steps' chunks, the event loop let go every TURN_MS (writing a chunk lets it go too). */
async function* inTurns(steps: Iterable<Uint8Array | null>): AsyncGenerator<Uint8Array> {
  const turns = eventLoopTurns(TURN_MS)
  for (const step of steps) {
    if (step !== null) {
      yield step
      turns.turned()
    } else {
      const pause = turns.due()
      if (pause) await pause
    }
  }
}

/** The snapshot's chunks as they are made, null between steps (where a writer may let the event loop turn); `counted` hears the rows kept. */
function* snapshotSteps(fingerprint: SnapshotFingerprint, entries: Iterable<SnapshotEntry>, counted: (rows: number) => void): Generator<Uint8Array | null> {
  const keys: readonly string[] = ARTICLE_KEYS
  const all = Array.isArray(entries) ? (entries as readonly SnapshotEntry[]) : [...entries]
  // Values kept as they are are read from the rows when their frames are made: gathered in arrays that grew, the
  // young generation's collections copied them over and over (40-100 ms pauses at 50,000 files).
  const columns = keys.map((key) => new ColumnBuilder(key, all.length))
  const rows: SnapshotEntry[] = []
  const warned: [number, readonly ArticleProblem[]][] = []
  for (const entry of all) {
    const record = entry.article as unknown as Record<string, unknown>
    const own = Object.keys(record)
    // An article of another shape (none today) is left out: it is read again at the next start.
    if (own.length !== keys.length || own.some((key, i) => key !== keys[i])) continue
    if (entry.warnings.length > 0) warned.push([rows.length, entry.warnings])
    for (const column of columns) column.add(record, rows.length)
    rows.push(entry)
    if (rows.length % ROWS_PER_STEP === 0) yield null
  }
  counted(rows.length)
  const made = columns.map((column) => column.column(rows.length))
  yield* bodyChunks({ fingerprint, keys, columns: made, stamps: [], digests: [], warned }, rows)
}

/**
 * The bytes of a snapshot's document (encodeSnapshot), a frame at a time. With `rows`, the values of a column kept as
 * they are (`{ kind: 'plain', values: [] }`), the stamps and the digests are read from them; without, from `body`.
 */
export function* bodyChunks(body: Body, rows?: readonly SnapshotEntry[]): Generator<Uint8Array | null> {
  yield Buffer.from(`${SNAPSHOT_FORMAT}\n`)
  let crc = 0
  function* frame(document: unknown): Generator<Uint8Array | null> {
    const bytes = v8.serialize(document)
    const length = Buffer.alloc(4)
    length.writeUInt32LE(bytes.byteLength)
    crc = zlib.crc32(bytes, zlib.crc32(length, crc))
    yield length
    yield bytes
  }
  const slot = (length: number, values: (start: number, end: number) => readonly unknown[]) => ({ length, values })
  // Without rows (a body forged in the tests), each column by its own length.
  const ofRows = (read: (row: SnapshotEntry) => unknown, values: readonly unknown[]) => slot(rows?.length ?? values.length, (start, end) => (rows ? rows.slice(start, end).map(read) : values.slice(start, end)))
  const framed = (column: Column, k: number) => {
    const field = framedField(column)
    const items: unknown = field && (column as unknown as Record<string, unknown>)[field]
    if (!Array.isArray(items)) return undefined
    // A plain column's values are read from the rows (snapshotSteps gathers none); a list column's lists are its own.
    return field === 'values' ? ofRows((row) => (row.article as unknown as Record<string, unknown>)[body.keys[k] as string], items) : slot(items.length, (start, end) => items.slice(start, end))
  }
  const slots = [...body.columns.map(framed), ofRows((row) => row.stamp, body.stamps), ofRows((row) => row.bodyDigest, body.digests)]
  yield* frame({ ...body, columns: body.columns.map((column, k) => (slots[k] ? { ...column, [framedField(column) as string]: [] } : column)), stamps: [], digests: [] })
  for (const [k, part] of slots.entries()) {
    if (part) for (let start = 0; start < part.length; start += VALUES_PER_FRAME) yield* frame([k, part.values(start, start + VALUES_PER_FRAME)])
  }
  yield Buffer.from(`${crc.toString(16).padStart(8, '0')}\n`)
}

/**
 * The field of a column whose items follow the snapshot's first frame in frames of their own (snapshot-format.ts puts
 * them back): a plain column's values, and a list column's distinct lists (one per file or nearly where tags vary:
 * serialised with the first frame, they held the event loop 55 ms at 50,000 files, 160 ms at 200,000).
 */
export function framedField(column: unknown): 'values' | 'lists' | undefined {
  const { kind } = (column ?? {}) as { kind?: unknown }
  return kind === 'plain' ? 'values' : kind === 'list' ? 'lists' : undefined
}

/**
 * One field of every article, gathered row by row; what column it makes is known at the end: dates as milliseconds;
 * lists of strings (categories, tags, authors) each distinct list once, and an index per article; a field of few
 * distinct values (language, access, flags) each value once; anything else as it is (read from the rows later).
 */
class ColumnBuilder {
  readonly #key: string
  readonly #size: number
  #times: Float64Array | undefined
  #objects = false
  /** The distinct values while they are few, and which one each row is. */
  readonly #ids = new Map<unknown, number>()
  readonly #distinct: unknown[] = []
  #index: Uint8Array | undefined
  /** The distinct lists (by content), and which one each row is. */
  readonly #listByKey = new Map<string, number>()
  readonly #lists: (readonly string[])[] = []
  #listIndex: Uint32Array | undefined

  /** `size`: the most rows there will be. */
  constructor(key: string, size: number) {
    this.#key = key
    this.#size = size
  }

  add(record: Readonly<Record<string, unknown>>, row: number): void {
    const value = record[this.#key]
    if (row === 0) {
      // What it may be is known at the first row; each is dropped at the first row it does not fit.
      if (value instanceof Date) this.#times = new Float64Array(this.#size)
      if (Array.isArray(value)) this.#listIndex = new Uint32Array(this.#size)
      this.#index = new Uint8Array(this.#size)
    }
    if (this.#times) {
      if (value instanceof Date) this.#times[row] = value.getTime()
      else this.#times = undefined
    }
    if (this.#listIndex) this.#addList(value, row)
    if (value !== null && typeof value === 'object') this.#objects = true
    else if (!this.#objects && this.#distinct.length <= MAX_DISTINCT) {
      let id = this.#ids.get(value)
      if (id === undefined) {
        id = this.#distinct.push(value) - 1
        this.#ids.set(value, id)
      }
      ;(this.#index as Uint8Array)[row] = id
    }
  }

  #addList(value: unknown, row: number): void {
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      this.#listIndex = undefined
      return
    }
    // By content, joined per row: a map by identity beside it doubled the maps that grow (and rehash) together,
    // 100 ms in one step at 200,000 files whose tags are each their own. The key is unambiguous: the parser drops
    // empty items and NUL characters (categories are slugs), so no two different lists join alike.
    const key = value.join('\u0000')
    let id = this.#listByKey.get(key)
    if (id === undefined) {
      id = this.#lists.push(value) - 1
      this.#listByKey.set(key, id)
    }
    ;(this.#listIndex as Uint32Array)[row] = id
  }

  /** The column of the `rows` added; a plain one's values are left to be read from the rows. */
  column(rows: number): Column {
    if (rows > 0 && this.#times) return { kind: 'date', times: this.#times.slice(0, rows) }
    if (rows > 0 && this.#listIndex) return { kind: 'list', lists: this.#lists as string[][], index: this.#listIndex.slice(0, rows) }
    if (this.#objects || this.#distinct.length > MAX_DISTINCT) return { kind: 'plain', values: [] }
    return { kind: 'dict', values: this.#distinct, index: (this.#index ?? new Uint8Array(0)).slice(0, rows) }
  }
}
