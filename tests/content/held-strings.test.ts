/**
 * What the store keeps for every article file (issue 14: bytes per article):
 * a stamp and a default id are made from pieces, and V8 keeps a string made
 * with `+` or a template literal as a tree of those pieces (32 bytes a node,
 * beside the text) until something reads it whole, which for these never
 * happens. Measured as the heap 20,000 of them hold after a full GC: as one
 * flat string each 80–90 bytes (with the slot that keeps it), as a tree
 * 210 (a stamp) and 305 (an id). The other way round, a slice of 13
 * characters or more is a view (32 bytes) that keeps its source whole: a
 * body digest must not be one, an article's path is one of its URL.
 */
import type fs from 'node:fs'
import v8 from 'node:v8'
import { describe, expect, it } from 'vitest'
import { stampOf } from '../../src/content/load-articles.js'
import { defaultId } from '../../src/content/permanent-id.js'
import { parseArticle } from '../../src/content/parse-article.js'
import { loadConfig } from '../../src/config.js'
import { bodyDigest } from '../../src/content/body-digest.js'
import { articleCompactor, oneByte } from '../../src/store/compact-articles.js'
import { decodeSnapshot, encodeSnapshot } from '../../src/store/snapshot-format.js'
import { articleText } from '../helpers/temp-dir.js'
import { gc } from '../helpers/collected.js'

/** Heap bytes per value that `make` returns, for `count` values kept at once. */
function heldPerValue(make: (n: number) => string, count = 20_000): number {
  gc()
  const before = process.memoryUsage().heapUsed
  const kept = Array.from({ length: count }, (_, n) => make(n))
  gc()
  const held = process.memoryUsage().heapUsed - before
  expect(kept.length).toBe(count)
  return held / count
}

/** What fs.statSync gives for the file stamped, as far as stampOf reads it. */
const statOf = (n: number) => ({ ino: 2_369_367 + n, size: 3063, mtimeMs: 1_796_108_216_891.9038 + n, ctimeMs: 1_796_108_216_891.9038 + n }) as unknown as fs.Stats

describe('strings held for every article file', () => {
  it('holds a stamp as one flat string: under 150 bytes each, with the slot that keeps it', () => {
    expect(stampOf(statOf(0))).toBe('2369367:3063:1796108216891.9038:1796108216891.9038')
    expect(heldPerValue((n) => stampOf(statOf(n)))).toBeLessThan(150)
  })

  it('holds a default id as one flat string: under 150 bytes each', () => {
    const date = new Date('2025-11-03T06:30:00Z')
    expect(defaultId('https://www.example.de/', 'wirtschaft', 'wochenmarkt', date)).toBe('tag:www.example.de,2025:wirtschaft/wochenmarkt')
    // The slugs exist before the ids, as when a file is parsed: only the id is counted.
    const slugs = Array.from({ length: 20_000 }, (_, n) => `meldung-${n}-boerse-im-blick`)
    expect(heldPerValue((n) => defaultId('https://www.example.de/', 'wirtschaft', slugs[n] as string, date))).toBeLessThan(150)
  })

  it('holds a body digest as one flat string of 22 characters: under 70 bytes each, not a slice of the whole digest', () => {
    // A slice of 13 characters or more is a view (32 bytes) that keeps its source, the whole digest (43 characters), alive: ~100 bytes.
    expect(bodyDigest('# Börse\n\nDer DAX schloss fester.\n')).toBe('iViO133sG57di5doIdeSxP')
    expect(heldPerValue((n) => bodyDigest(`Meldung ${n}: der DAX schloss fester.`) as string)).toBeLessThan(70)
  })

  describe('text of a file with a character beyond Latin-1 anywhere (a „quote“, a dash, €): held one byte a character where it can be', () => {
    // V8's structured clone writes a string as it holds it: tag '"' one byte a character, 'c' two.
    const width = (text: string | undefined) => (text === undefined ? 'none' : v8.serialize(text)[2] === 0x22 ? 1 : 2)
    const config = loadConfig({ SITE_URL: 'https://www.example.de/' })
    const fields = { title: '"Börse im Blick"', date: '2025-11-03T06:30:00Z', category: 'wirtschaft', tags: '[Börse, Zölle]', author: 'Jörg Maß', summary: '"Die Märkte schließen fester."', image: 'https://www.example.de/b.jpg', image_alt: 'Händler an der Börse' }
    const text = articleText(fields, 'Der Index „stieg“ um 1,2 Prozent – auf 20.000 Punkte, 3 €.\n')

    /**
     * `text` held two bytes a character, as V8 holds a slice of a file with a character beyond Latin-1 (Node 20's parse
     * gives such slices; Node 24's narrows some of them itself): V8's deserializer keeps the width it is given ('c').
     */
    const twoBytes = (text: string): string => {
      const utf16 = Buffer.from(text, 'utf16le')
      const length: number[] = []
      for (let n = utf16.length; ; ) {
        const low = n & 0x7f
        n >>>= 7
        length.push(n > 0 ? low | 0x80 : low)
        if (n === 0) break
      }
      return v8.deserialize(Buffer.concat([Buffer.from([0xff, 0x0f, 0x63]), Buffer.from(length), utf16])) as string
    }

    it('title, summary, id, alt text, tags and authors held two bytes a character: one byte as the store holds them, the same text', () => {
      const parsed = parseArticle(text, 'meldung.md', config).article
      if (!parsed) throw new Error('a valid article expected')
      const widths = (a: typeof parsed) => [a.title, a.summary, a.id, a.imageAlt, ...a.tags, ...a.authors].map(width)
      const wide = {
        ...parsed,
        title: twoBytes(parsed.title),
        summary: twoBytes(parsed.summary as string),
        id: twoBytes(parsed.id),
        imageAlt: twoBytes(parsed.imageAlt),
        tags: parsed.tags.map(twoBytes),
        authors: parsed.authors.map(twoBytes),
      }
      expect(widths(wide)).toEqual([2, 2, 2, 2, 2, 2, 2])
      const held = articleCompactor()(wide)
      expect(widths(held)).toEqual([1, 1, 1, 1, 1, 1, 1])
      expect(held).toEqual(parsed)
      expect([held.title, held.summary, held.id]).toEqual(['Börse im Blick', 'Die Märkte schließen fester.', 'tag:www.example.de,2025:wirtschaft/meldung'])
      // And as parsed here, whatever width this Node's parse gave them.
      expect(widths(articleCompactor()(parsed))).toEqual([1, 1, 1, 1, 1, 1, 1])
    })

    it('a title with a character beyond Latin-1 stays as it is; the summary beside it is narrowed', () => {
      const parsed = parseArticle(articleText({ ...fields, title: '"„Zölle“ – was nun?"' }), 'zoelle.md', config).article
      if (!parsed) throw new Error('a valid article expected')
      const held = articleCompactor()(parsed)
      expect([held.title, width(held.title), width(held.summary)]).toEqual(['„Zölle“ – was nun?', 2, 1])
      expect(oneByte('3 € – netto')).toBe('3 € – netto')
    })
  })

  describe("an article's path, the end of its URL (/wirtschaft/slug.html): held as a view of the URL (32 bytes), not a copy", () => {
    const config = loadConfig({ SITE_URL: 'https://www.example.de/' })
    const parsed = parseArticle(articleText({ title: 'Börse', date: '2025-11-03T06:30:00Z', category: 'wirtschaft' }), 'a.md', config).article
    if (!parsed) throw new Error('a valid article expected')
    // Long slugs (133 characters of path), so that a copy (152 bytes) and a view (32) are far apart; each string flat, as parsed.
    const slug = (n: number) => [`meldung-${n}-`, 'der-dax-schliesst-fester-und-die-anleger-atmen-auf-'.repeat(2)].join('')
    const pathOf = (n: number) => ['/wirtschaft/', slug(n), '.html'].join('')
    const urls = Array.from({ length: 20_000 }, (_, n) => ['https://www.example.de', pathOf(n)].join(''))
    const article = (n: number) => ({ ...parsed, file: `${n}.md`, slug: slug(n), path: pathOf(n), url: urls[n] as string })

    it('read from its file (the compactor): under 60 bytes each beside the URL (a copy: ~160)', () => {
      const compact = articleCompactor()
      expect(compact(article(7)).path).toBe(pathOf(7))
      expect(heldPerValue((n) => compact(article(n)).path)).toBeLessThan(60)
    })

    it('taken from an index snapshot: a view of the URL decoded, not the path decoded', () => {
      // What the heap holds for 20,000 decoded rows moves by more than the 120 bytes a copy takes while the decoder's
      // columns are swept, so the string's kind is asked of V8 instead: a view has the map of any other view.
      v8.setFlagsFromString('--allow-natives-syntax')
      const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: string, b: string) => boolean
      const view = 'x'.repeat(40).slice(3)
      const fingerprint = { build: 'b', config: {} }
      const entries = [0, 1].map((n) => ({ article: article(n), stamp: `1:2:3:${n}`, bodyDigest: `d${n}`, warnings: [] }))
      const rows = decodeSnapshot(Buffer.concat(encodeSnapshot(fingerprint, entries).chunks), fingerprint, articleCompactor())
      if ('reason' in rows) throw new Error(rows.reason)
      const taken = rows.take('1.md', () => true)?.article
      expect([taken?.path, taken?.url]).toEqual([pathOf(1), urls[1]])
      expect(sameMap(taken?.path as string, view)).toBe(true)
      // And the probe tells a copy: the slug, decoded as it was written.
      expect(sameMap(taken?.slug as string, view)).toBe(false)
    })
  })
})
