/**
 * The index snapshot's bytes (store/snapshot-format.ts): columns, decoded
 * straight into the articles the store keeps, an article made only for a
 * file taken (its stamp checked first).
 */
import v8 from 'node:v8'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/content/article.js'
import { articleCompactor } from '../../src/store/compact-articles.js'
import { makeArticle } from '../helpers/article-fixtures.js'
import { decodeSnapshot, encodeSnapshot, type SnapshotEntry } from '../../src/store/snapshot-format.js'

const fingerprint = { build: 'build-1', config: { SITE_URL: 'https://www.example.de/' } }
/** The nth article: a file in a folder, tags, an author and a summary, dated n hours into 2025. */
const article = (n: number, fields: Partial<Article> = {}): Article =>
  makeArticle(`artikel-${n}`, {
    date: new Date(Date.UTC(2025, 0, 1) + n * 3_600_000).toISOString(),
    file: `2025/artikel-${n}.md`,
    title: `Überschrift ${n}`,
    tags: ['Zinsen', 'EZB'],
    authors: ['Anna Beispiel'],
    summary: `Zusammenfassung ${n}`,
    ...(fields as Omit<Partial<Article>, 'date' | 'updated'>),
    ...(fields.updated ? { updated: fields.updated.toISOString() } : {}),
  })

const entry = (a: Article, warnings: SnapshotEntry['warnings'] = []): SnapshotEntry => ({ article: a, stamp: `1:2:3:${a.file.length}`, bodyDigest: `digest-${a.slug}`, warnings })

function decoded(bytes: Buffer, compact = articleCompactor()) {
  const result = decodeSnapshot(bytes, fingerprint, compact)
  if ('reason' in result) throw new Error(result.reason)
  return result
}

describe('snapshot format', () => {
  it('gives back every field of every article, with its stamp, body version and warnings', () => {
    const episode = article(2, {
      enclosure: { url: 'https://www.example.de/media/folge-2.mp3', type: 'audio/mpeg', length: 1234, duration: 61 },
      transcript: { url: 'https://www.example.de/media/folge-2.vtt', type: 'text/vtt' },
      chapters: [{ start: 0, title: 'Anfang', url: undefined, image: undefined }],
      episode: 2,
      season: 1,
      explicit: false,
      access: 'plus',
      image: 'https://www.example.de/media/bild.jpg',
      imageAlt: 'Ein Bild',
      updated: new Date('2025-03-01T10:00:00Z'),
      authors: [],
    })
    const entries = [entry(article(1)), entry(episode, [{ field: 'unbekannt', problem: 'is not a known field and is ignored' }]), entry(article(3, { draft: true, transcript: 'article', lang: 'en' }))]
    const rows = decoded(Buffer.concat(encodeSnapshot(fingerprint, entries).chunks))
    expect(rows.size).toBe(3)
    for (const expected of entries) expect(rows.take(expected.article.file, () => true)).toEqual(expected)
    // Taken once: a second ask finds nothing.
    expect(rows.take(entries[0]!.article.file, () => true)).toBeUndefined()
  })

  it('gives its bytes in frames of a few thousand values, never one document of them all (serialised at once, 50,000 files held the event loop 0.6-0.75 s)', () => {
    const entries = Array.from({ length: 10_000 }, (_, n) => entry(article(n + 1)))
    const { chunks, count } = encodeSnapshot(fingerprint, entries)
    expect(count).toBe(10_000)
    const bytes = Buffer.concat(chunks)
    expect(Buffer.from(chunks[0]!).toString('latin1')).toBe('wirtschaft-index-snapshot/4\n')
    expect(Buffer.from(chunks.at(-1)!).toString('latin1')).toMatch(/^[0-9a-f]{8}\n$/)
    // The largest chunk is the first frame (the dates and indexes as typed arrays, copied as they are) or 4,096 values
    // of one column (URLs, titles): a small part of the whole.
    const largest = Math.max(...chunks.map((chunk) => chunk.byteLength))
    expect(bytes.byteLength).toBeGreaterThan(2_000_000)
    expect(largest).toBeLessThan(bytes.byteLength / 5)
    const rows = decoded(bytes)
    expect(rows.size).toBe(10_000)
    for (const expected of [entries[0]!, entries[4095]!, entries[4096]!, entries[9999]!]) expect(rows.take(expected.article.file, () => true)).toEqual(expected)
  })

  // Hostile review of the frames: a list column's distinct lists were all in the first frame. The bench's corpus has
  // ten tag lists; where each article has tags of its own (a firm, a place), 50,000 lists were serialised at once,
  // 55-82 ms of the event loop (160-244 ms at 200,000 files), as every answer waited.
  it('gives the distinct lists of a list column in frames of their own too, as many as the values of a column', () => {
    const entries = Array.from({ length: 20_000 }, (_, n) => entry(article(n + 1, { tags: ['Zinsen', `Firma ${n + 1}`] })))
    const bytes = Buffer.concat(encodeSnapshot(fingerprint, entries).chunks)
    const frames = bytes.subarray(bytes.indexOf(10) + 1, bytes.length - 9)
    const documents: unknown[] = []
    for (let at = 0; at < frames.length; at += 4 + frames.readUInt32LE(at)) documents.push(v8.deserialize(frames.subarray(at + 4, at + 4 + frames.readUInt32LE(at))))
    const [first, ...rest] = documents as [{ columns: { kind: string; lists?: unknown[] }[] }, ...[number, unknown[]][]]
    // Column 7 is the tags (ARTICLE_KEYS): none in the first frame, then 16,384 and the 3,616 left.
    expect(first.columns[7]?.lists).toEqual([])
    expect(rest.filter(([slot]) => slot === 7).map(([, lists]) => lists.length)).toEqual([16_384, 3_616])
    expect(Math.max(...rest.map(([, values]) => values.length))).toBe(16_384)
    const rows = decoded(bytes)
    for (const expected of [entries[0]!, entries[16_383]!, entries[16_384]!, entries[19_999]!]) expect(rows.take(expected.article.file, () => true)).toEqual(expected)
  })

  it('makes an article only for a file taken, sharing lists, the language and the date as files read do', () => {
    const compact = articleCompactor()
    const rows = decoded(Buffer.concat(encodeSnapshot(fingerprint, [entry(article(1)), entry(article(2))]).chunks), compact)
    const stamps: string[] = []
    // A file whose stamp changed is not taken, and no article is made for it.
    expect(rows.take('2025/artikel-1.md', (stamp) => (stamps.push(stamp), false))).toBeUndefined()
    expect(stamps).toEqual(['1:2:3:17'])
    const taken = rows.take('2025/artikel-2.md', () => true)?.article
    const read = compact(article(3))
    expect(taken?.tags).toBe(read.tags)
    expect(taken?.categories).toBe(read.categories)
    expect(Object.isFrozen(taken?.tags)).toBe(true)
    expect(taken?.updated).toBe(taken?.date)
    expect(Object.keys(taken ?? {})).toEqual(Object.keys(article(2)))
  })

  it('keeps nothing of the bytes it was decoded from: with them gone, every entry is still given back whole', () => {
    const entries = Array.from({ length: 300 }, (_, n) => entry(article(n + 1, { lang: n % 2 ? 'en' : 'de', draft: n % 3 === 0 })))
    const bytes = Buffer.concat(encodeSnapshot(fingerprint, entries).chunks)
    const rows = decoded(bytes)
    // Moved away (as index-snapshot.ts frees them): a typed array that viewed them now has no elements.
    structuredClone(bytes.buffer, { transfer: [bytes.buffer] })
    expect(bytes.byteLength).toBe(0)
    for (const expected of entries) expect(rows.take(expected.article.file, () => true)).toEqual(expected)
  })
})

