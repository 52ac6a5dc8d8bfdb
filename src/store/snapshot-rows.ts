import type { Article } from '../content/article.js'
import type { ArticleProblem } from '../errors/article-error.js'
import { NO_WARNINGS, pathWithin, type ArticleCompactor } from './compact-articles.js'

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
  /** The build of the service and its dependencies (its runtime included). */
  readonly build: string
  /** Node's version and its ICU and time-zone data (runtimeIdentity), so that a start can say it was Node that changed; none in files written before it was kept. */
  readonly runtime?: string
  /** ARTICLES_DIR, SITE_URL, the time zone and the language (what parse-article.ts is given). */
  readonly config: Readonly<Record<string, string>>
}

/**
 * One field of every article: dates as milliseconds; lists of strings
 * (categories, tags, authors) each distinct list once, and an index per
 * article; a field of few distinct values (language, access, flags) each
 * value once; anything else as it is.
 */
export type Column =
  | { readonly kind: 'date'; readonly times: Float64Array }
  | { readonly kind: 'list'; readonly lists: readonly string[][]; readonly index: Uint32Array }
  | { readonly kind: 'dict'; readonly values: readonly unknown[]; readonly index: Uint8Array }
  | { readonly kind: 'plain'; readonly values: readonly unknown[] }

/** The snapshot's document (snapshot-format.ts writes it). */
export interface Body {
  readonly fingerprint: SnapshotFingerprint
  /** The article's fields, in the order its object has them. */
  readonly keys: readonly string[]
  readonly columns: readonly Column[]
  readonly stamps: readonly string[]
  readonly digests: readonly string[]
  /** [row, warnings] of the files read with warnings (few). */
  readonly warned: readonly (readonly [number, readonly ArticleProblem[]])[]
}

/** An article's fields in the order parse-article.ts makes them: the snapshot's columns, and the order of a decoded article's. */
export const ARTICLE_KEYS = ['file', 'slug', 'id', 'title', 'date', 'updated', 'categories', 'tags', 'authors', 'summary', 'image', 'imageAlt', 'enclosure', 'episode', 'explicit', 'transcript', 'chapters', 'season', 'access', 'draft', 'lang', 'path', 'url'] as const satisfies readonly (keyof Article)[]

/**
 * A decoded snapshot: each file's row, taken at most once. An article is
 * made only for a file taken, in one object, with the lists, language and
 * date it shares with every other (the same `compact` as files read).
 */
export class SnapshotRows {
  readonly #body: Body
  readonly #files: readonly string[]
  /** Per column: the shared lists (list), or the values with strings shared (dict). */
  readonly #tables: readonly (readonly unknown[] | undefined)[]
  readonly #taken: Uint8Array
  readonly #warnings: ReadonlyMap<number, readonly ArticleProblem[]>
  #next = 0
  #rowOf: Map<string, number> | undefined

  constructor(body: Body, compact: ArticleCompactor) {
    this.#body = body
    const { keys, columns, stamps, digests } = body
    const count = stamps.length
    if (!Array.isArray(keys) || keys.join() !== ARTICLE_KEYS.join() || !Array.isArray(columns) || columns.length !== keys.length || !Array.isArray(digests) || digests.length !== count || !Array.isArray(body.warned)) throw new Error('columns of another shape')
    if (!stamps.every((stamp) => typeof stamp === 'string') || !digests.every((digest) => typeof digest === 'string')) throw new Error('a row without stamp or digest')
    this.#tables = columns.map((column) => {
      const length = column.kind === 'date' ? column.times.length : column.kind === 'plain' ? column.values.length : column.index.length
      if (length !== count) throw new Error('a column of another length')
      if (column.kind === 'plain' || column.kind === 'date') return undefined
      const table: readonly unknown[] = column.kind === 'list' ? column.lists.map(compact.list) : column.values.map((value: unknown) => (typeof value === 'string' ? compact.string(value) : value))
      if (column.index.some((id: number) => id >= table.length)) throw new Error('an index beyond its table')
      return table
    })
    // What the build writes and a forged body (its checksum is no secret) might not hold: the articles are made later.
    const isDates = (column: Column | undefined) => column?.kind === 'date' && column.times instanceof Float64Array && column.times.every(Number.isFinite)
    const isLists = (column: Column | undefined) => column?.kind === 'list' && column.lists.every((list) => Array.isArray(list) && list.every((item) => typeof item === 'string'))
    if (count > 0 && !(isDates(columns[4]) && isDates(columns[5]))) throw new Error('a date that is none')
    if (count > 0 && !(isLists(columns[6]) && isLists(columns[7]) && isLists(columns[8]))) throw new Error('a list that is none')
    if (columns.some((column: Column) => 'index' in column && !(column.index instanceof Uint32Array || column.index instanceof Uint8Array))) throw new Error('an index that is no typed array')
    if (![1, 2, 3, 21, 22].every((k) => Array.from({ length: count }, (_, row) => this.#value(k, row)).every((value) => typeof value === 'string'))) throw new Error('a name or address that is no string')
    const files = Array.from({ length: count }, (_, row) => this.#value(0, row))
    if (!files.every((name) => typeof name === 'string')) throw new Error('a row without a file')
    this.#files = files as string[]
    this.#warnings = new Map(body.warned)
    this.#taken = new Uint8Array(count)
  }

  get size(): number {
    return this.#files.length
  }

  /**
   * The entry of `file` when `unchanged` accepts its stamp (no article is
   * made otherwise); undefined also when there is none or it was asked for
   * before. Files asked for in the order written are found without a map.
   */
  take(file: string, unchanged: (stamp: string) => boolean): SnapshotEntry | undefined {
    const row = this.#row(file)
    if (row === undefined || this.#taken[row] === 1) return undefined
    this.#taken[row] = 1
    const stamp = this.#body.stamps[row] as string
    return unchanged(stamp) ? this.#entry(row) : undefined
  }

  /** Every entry not taken yet, by file (for tests and tools). */
  *entries(): IterableIterator<[string, SnapshotEntry]> {
    for (let row = 0; row < this.#files.length; row++) if (this.#taken[row] === 0) yield [this.#files[row] as string, this.#entry(row)]
  }

  #row(file: string): number | undefined {
    if (this.#files[this.#next] === file) return this.#next++
    this.#rowOf ??= new Map(this.#files.map((name, row) => [name, row]))
    const row = this.#rowOf.get(file)
    if (row !== undefined) this.#next = row + 1
    return row
  }

  /** The entry of a row: its article one object literal (the fields of ARTICLE_KEYS, in order). */
  #entry(row: number): SnapshotEntry {
    const { stamps, digests } = this.#body
    // Each field is checked by the build that wrote it (the same build reads it: SnapshotFingerprint).
    const value = <T>(k: number): T => this.#value(k, row) as T
    const date = value<Date>(4)
    const updated = value<Date>(5)
    const article: Article = {
      file: value(0),
      slug: value(1),
      id: value(2),
      title: value(3),
      date,
      // The same Date as `date` when it is the same time, as compact-articles.ts makes it.
      updated: updated.getTime() === date.getTime() ? date : updated,
      categories: value(6),
      tags: value(7),
      authors: value(8),
      summary: value(9),
      image: value(10),
      imageAlt: value(11),
      enclosure: value(12),
      episode: value(13),
      explicit: value(14),
      transcript: value(15),
      chapters: value(16),
      season: value(17),
      access: value(18),
      draft: value(19),
      lang: value(20),
      path: pathWithin(value(22), value(21)),
      url: value(22),
    }
    return { article, stamp: stamps[row] as string, bodyDigest: digests[row] as string, warnings: this.#warnings.get(row) ?? NO_WARNINGS }
  }

  #value(k: number, row: number): unknown {
    const column = this.#body.columns[k] as Column
    if (column.kind === 'plain') return column.values[row]
    if (column.kind === 'date') return new Date(column.times[row] as number)
    return this.#tables[k]?.[column.index[row] as number]
  }
}
