/**
 * createResource on its own: the bytes of every encoding (read back with
 * node:zlib, not with our code), their entity-tags, and what it makes of
 * Last-Modified and the cache class.
 */
import { createHash } from 'node:crypto'
import zlib, { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { ContentCoding } from '../../src/caching.js'
import { ConcurrencyLimit } from '../../src/util/concurrency-limit.js'
import { byteLengthOf, holdsBytes, INFLATED_WHEN_ASKED_BYTES } from '../../src/site/inflated-identity.js'
import { brotliWindow, createIdentityFirst, createResource, encodeDocument, identityFirstInTurns, LARGE_BYTES, type Encoded, type Resource } from '../../src/site/resource.js'
import { sitemapPartText } from '../helpers/large-documents.js'
import { collected } from '../helpers/collected.js'

const NOW = new Date('2026-01-01T12:00:00.789Z')
const RSS = 'application/rss+xml; charset=utf-8'

/** An RSS channel of some 2 KB: long enough to be compressed. */
const FEED = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wirtschaft – Beispielzeitung</title>
${Array.from({ length: 12 }, (_, n) => `<item><title>Börse am Tag ${n + 1}: Anleger bleiben vorsichtig</title><guid>tag:www.example.de,2025:wirtschaft/boerse-${n + 1}</guid></item>`).join('\n')}
</channel></rss>
`

/** The entity-tag the code promises: the first 27 characters of the body's base64url SHA-256. */
const tagOf = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('base64url').slice(0, 27)

function encodingOf(resource: Resource, coding: ContentCoding): Encoded {
  const encoded = resource.encodings[coding]
  if (!encoded) throw new Error(`the resource has no ${coding} encoding`)
  return encoded
}

describe('createResource: the identity encoding', () => {
  it('holds the text as UTF-8 bytes, under a strong ETag made from them', async () => {
    const text = 'Zölle & Zinsen\n'
    const resource = await createResource(text, { contentType: 'text/plain; charset=utf-8', now: NOW })
    expect(Buffer.from(resource.identity.body).toString('hex')).toBe(Buffer.from(text, 'utf8').toString('hex'))
    expect(resource.identity.etag).toBe(`"${tagOf(text)}"`)
    expect(resource.identity.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/)
  })

  it('keeps bytes given as bytes, unchanged', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x3c, 0x61, 0x2f, 0x3e])
    const resource = await createResource(bytes, { contentType: 'application/xml', now: NOW })
    expect([...resource.identity.body]).toEqual([0xef, 0xbb, 0xbf, 0x3c, 0x61, 0x2f, 0x3e])
    expect(resource.identity.etag).toBe(`"${tagOf(bytes)}"`)
  })

  it('passes the content types through as given', async () => {
    const resource = await createResource(FEED, { contentType: RSS, browserContentType: 'application/xml; charset=utf-8', now: NOW })
    expect([resource.contentType, resource.browserContentType]).toEqual([RSS, 'application/xml; charset=utf-8'])
    const plain = await createResource(FEED, { contentType: RSS, now: NOW })
    expect(plain.browserContentType).toBeUndefined()
  })
})

describe('createResource: compressed encodings', () => {
  it.each([
    ['gzip', gunzipSync, '-gz'],
    ['br', brotliDecompressSync, '-br'],
  ] as const)('adds %s bytes that decompress back to the identity bytes, tagged "<tag>%s"', async (coding, decompress, suffix) => {
    const resource = await createResource(FEED, { contentType: RSS, now: NOW })
    const encoded = encodingOf(resource, coding)
    expect(decompress(encoded.body).toString('utf8')).toBe(FEED)
    expect(encoded.etag).toBe(`"${tagOf(FEED)}${suffix}"`)
    expect(encoded.body.byteLength).toBeLessThan(resource.identity.body.byteLength)
  })

  it.each([
    ['of 1 MiB at the quality it is given (9)', 0, 9],
    ['over 1 MiB (a sitemap part of 10,000 URLs) at Brotli quality 2: at 6 its buffers made glibc keep 6-7 MB in each of three threads', 1, 2],
  ])('compresses a document %s', async (_, extra, quality) => {
    const text = FEED.replace(/[^\x20-\x7e\n]/g, 'o').repeat(Math.ceil(LARGE_BYTES / FEED.length)).slice(0, LARGE_BYTES + extra)
    expect(Buffer.byteLength(text)).toBe(LARGE_BYTES + extra)
    const resource = await createResource(text, { contentType: RSS, now: NOW })
    const params = { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: LARGE_BYTES + extra, [zlib.constants.BROTLI_PARAM_LGWIN]: brotliWindow(LARGE_BYTES + extra, quality), [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT }
    expect(Buffer.from(encodingOf(resource, 'br').body).equals(zlib.brotliCompressSync(text, { params }))).toBe(true)
    expect(brotliDecompressSync(encodingOf(resource, 'br').body).toString('utf8')).toBe(text)
  })

  it.each([131_072, 262_144, 176_806])('makes the same Brotli bytes of %i bytes on the thread pool as in this thread (encodeDocument)', async (bytes) => {
    const text = FEED.replace(/[^\x20-\x7e\n]/g, 'o').repeat(Math.ceil(bytes / FEED.length)).slice(0, bytes)
    const pooled = await createResource(text, { contentType: RSS, now: NOW })
    const here = encodeDocument(text)
    expect(Buffer.from(encodingOf(pooled, 'br').body).equals(Buffer.from(here.br as Uint8Array))).toBe(true)
    expect(Buffer.from(encodingOf(pooled, 'gzip').body).equals(Buffer.from(here.gzip as Uint8Array))).toBe(true)
    expect(brotliDecompressSync(encodingOf(pooled, 'br').body).toString('utf8')).toBe(text)
  })

  it('compresses at Brotli quality 11 when asked, to the same text', async () => {
    const resource = await createResource(FEED, { contentType: RSS, now: NOW, brotliQuality: 11 })
    expect(brotliDecompressSync(encodingOf(resource, 'br').body).toString('utf8')).toBe(FEED)
    expect(encodingOf(resource, 'br').etag).toBe(`"${tagOf(FEED)}-br"`)
  })

  it.each([
    ['a 2 KB feed, compressed in this thread', 1],
    ['a 200 KB feed, compressed on the thread pool', 100],
  ])('holds each compressed form of %s in a buffer of its own length, not a view of one as large as the document', async (_, copies) => {
    const text = FEED.repeat(copies)
    const resource = await createResource(text, { contentType: RSS, now: NOW })
    for (const coding of ['gzip', 'br'] as const) {
      const { body } = encodingOf(resource, coding)
      expect([coding, body.buffer.byteLength]).toEqual([coding, body.byteLength])
    }
    expect(brotliDecompressSync(encodingOf(resource, 'br').body).toString('utf8')).toBe(text)
  })

  it('adds no encodings to a body of 511 bytes', async () => {
    const resource = await createResource('x'.repeat(511), { contentType: 'text/plain', now: NOW })
    expect(resource.identity.body.byteLength).toBe(511)
    expect(resource.encodings).toEqual({})
  })

  it('adds both encodings from 512 bytes on, counting bytes, not characters (256 × "ä")', async () => {
    const resource = await createResource('ä'.repeat(256), { contentType: 'text/plain; charset=utf-8', now: NOW })
    expect(resource.identity.body.byteLength).toBe(512)
    expect(Object.keys(resource.encodings).sort()).toEqual(['br', 'gzip'])
  })
})

describe('createIdentityFirst: the identity bytes first, the compressed forms after', () => {
  it('resolves with the identity bytes and no encoding, then adds gzip and Brotli together, as createResource makes them', async () => {
    // Above 16 KiB (resource.ts IN_THREAD_BYTES): compressed on the thread pool, where gzip and Brotli finish apart.
    const big = FEED.repeat(Math.ceil(20_000 / FEED.length))
    const first = await createIdentityFirst(big, { contentType: RSS, now: NOW })
    expect([first.identity.etag, first.encodings]).toEqual([`"${tagOf(big)}"`, {}])
    const seen: string[][] = []
    // Both appear in one step: no answer finds one compressed form of these bytes and not the other.
    const watch = setInterval(() => seen.push(Object.keys(first.encodings).sort()), 0)
    await first.compressed
    clearInterval(watch)
    expect(seen.filter((keys) => keys.length === 1)).toEqual([])
    const complete = await createResource(big, { contentType: RSS, now: NOW })
    for (const coding of ['gzip', 'br'] as const) {
      expect(encodingOf(first, coding).etag).toBe(encodingOf(complete, coding).etag)
      expect(Buffer.from(encodingOf(first, coding).body).equals(Buffer.from(encodingOf(complete, coding).body))).toBe(true)
    }
  })

  it('has nothing to wait for below 512 bytes', async () => {
    const small = await createIdentityFirst('x'.repeat(511), { contentType: 'text/plain', now: NOW })
    await small.compressed
    expect(small.encodings).toEqual({})
  })
})

describe('identity bytes of 512 KiB or more: held as Brotli once compressed, inflated when asked for (issue 14: memory)', () => {
  it('gives the same bytes, length and ETag after it was compressed as before; a feed of 200 KB keeps its bytes', async () => {
    const text = sitemapPartText(0)
    const resource = await createIdentityFirst(text, { contentType: 'application/xml; charset=utf-8', now: NOW })
    expect([holdsBytes(resource.identity), resource.identity.body.byteLength >= INFLATED_WHEN_ASKED_BYTES]).toEqual([true, true])
    await resource.compressed
    expect(holdsBytes(resource.identity)).toBe(false)
    expect([resource.identity.etag, byteLengthOf(resource.identity)]).toEqual([`"${tagOf(text)}"`, Buffer.byteLength(text)])
    expect(Buffer.from(resource.identity.body).toString()).toBe(text)
    expect(brotliDecompressSync(encodingOf(resource, 'br').body).toString()).toBe(text)
    const feed = await createResource(FEED.repeat(100), { contentType: RSS, now: NOW })
    expect([holdsBytes(feed.identity), feed.identity.body === feed.identity.body, byteLengthOf(feed.identity)]).toEqual([true, true, Buffer.byteLength(FEED) * 100])
  })

  it('lets the identity bytes go once compressed: nothing holds them', async () => {
    const resource = await createIdentityFirst(sitemapPartText(1), { contentType: 'application/xml; charset=utf-8', now: NOW })
    const bytes = new WeakRef(resource.identity.body.buffer)
    await resource.compressed
    expect(await collected(bytes)).toBe(true)
    expect(byteLengthOf(resource.identity)).toBe(Buffer.byteLength(sitemapPartText(1)))
  })

  it('a document compressed in a render worker (its bytes given encoded) holds them as Brotli from the start', async () => {
    const complete = await createResource(sitemapPartText(2), { contentType: 'application/xml; charset=utf-8', now: NOW })
    const body = Buffer.from(sitemapPartText(2))
    const gzip = encodingOf(complete, 'gzip').body
    const br = encodingOf(complete, 'br').body
    const given = await createIdentityFirst({ body, tag: complete.identity.etag.slice(1, -1), gzip, br }, { contentType: 'application/xml; charset=utf-8', now: NOW })
    expect([holdsBytes(given.identity), given.identity.etag, Buffer.from(given.identity.body).equals(body)]).toEqual([false, complete.identity.etag, true])
  })
})

describe('identityFirstInTurns: Brotli on the thread pool one document at a time (issue 14: each holds up to 41 MB)', () => {
  it('compresses each document above 16 KiB with Brotli in its turn, one at a time, to the bytes createResource makes', async () => {
    const turns = new ConcurrencyLimit(1)
    const create = identityFirstInTurns(turns)
    const text = FEED.repeat(Math.ceil(200_000 / FEED.length))
    // The turn is held, so both documents' Brotli wait for it (else the first could be done before the second is made).
    let release = () => {}
    const holding = turns.run(() => new Promise<void>((resolve) => (release = resolve)))
    const made = [await create(text, { contentType: RSS, now: NOW }), await create(text, { contentType: RSS, now: NOW })]
    expect(turns.pending).toBe(3)
    expect(made.map((resource) => Object.keys(resource.encodings))).toEqual([[], []])
    release()
    await holding
    await Promise.all(made.map((resource) => resource.compressed))
    expect(turns.pending).toBe(0)
    const complete = await createResource(text, { contentType: RSS, now: NOW })
    for (const resource of made) expect(Buffer.from(encodingOf(resource, 'br').body).equals(Buffer.from(encodingOf(complete, 'br').body))).toBe(true)
  })

  it('takes no turn for a document compressed in this thread (16 KiB at most)', async () => {
    const turns = new ConcurrencyLimit(1)
    const resource = await identityFirstInTurns(turns)(FEED, { contentType: RSS, now: NOW })
    expect(turns.pending).toBe(0)
    await resource.compressed
    expect(Object.keys(resource.encodings).sort()).toEqual(['br', 'gzip'])
  })
})

describe('createResource: validators and caching', () => {
  it('gives the same text the same bytes and ETags every time', async () => {
    const a = await createResource(FEED, { contentType: RSS, now: NOW })
    const b = await createResource(FEED, { contentType: RSS, now: new Date('2027-05-05T00:00:00Z') })
    const tags = (r: Resource) => [r.identity.etag, encodingOf(r, 'gzip').etag, encodingOf(r, 'br').etag]
    expect(tags(b)).toEqual(tags(a))
    expect(Buffer.from(encodingOf(b, 'gzip').body).equals(Buffer.from(encodingOf(a, 'gzip').body))).toBe(true)
    expect(Buffer.from(encodingOf(b, 'br').body).equals(Buffer.from(encodingOf(a, 'br').body))).toBe(true)
  })

  it('gives a text that differs by one character a different ETag', async () => {
    const a = await createResource(FEED, { contentType: RSS, now: NOW })
    const b = await createResource(FEED.replace('Tag 1:', 'Tag 1!'), { contentType: RSS, now: NOW })
    expect(b.identity.etag).not.toBe(a.identity.etag)
  })

  it('keeps a Last-Modified before now as given, to the millisecond', async () => {
    const lastModified = new Date('2025-06-05T15:00:00.250Z')
    const resource = await createResource(FEED, { contentType: RSS, now: NOW, lastModified })
    expect(resource.lastModified?.toISOString()).toBe('2025-06-05T15:00:00.250Z')
  })

  it('keeps a Last-Modified equal to now as given', async () => {
    const resource = await createResource(FEED, { contentType: RSS, now: NOW, lastModified: new Date(NOW) })
    expect(resource.lastModified?.toISOString()).toBe('2026-01-01T12:00:00.789Z')
  })

  it('clamps a Last-Modified later than now to now, rounded down to the second (RFC 9110 §8.8.2.1)', async () => {
    const resource = await createResource(FEED, { contentType: RSS, now: NOW, lastModified: new Date('2027-01-01T00:00:00Z') })
    expect(resource.lastModified?.toISOString()).toBe('2026-01-01T12:00:00.000Z')
  })

  it('clamps a Last-Modified one millisecond after now', async () => {
    const resource = await createResource(FEED, { contentType: RSS, now: NOW, lastModified: new Date(NOW.getTime() + 1) })
    expect(resource.lastModified?.toISOString()).toBe('2026-01-01T12:00:00.000Z')
  })

  it('has no Last-Modified when given none', async () => {
    const resource = await createResource(FEED, { contentType: RSS, now: NOW })
    expect(resource.lastModified).toBeUndefined()
  })

  it("is a 'live' document unless told otherwise", async () => {
    const resource = await createResource(FEED, { contentType: RSS, now: NOW })
    expect(resource.cache).toBe('live')
  })

  it('keeps the cache class it is given', async () => {
    const resource = await createResource(FEED, { contentType: RSS, now: NOW, cache: 'archive' })
    expect(resource.cache).toBe('archive')
  })
})
