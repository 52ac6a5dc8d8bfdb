import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import zlib from 'node:zlib'
import { fullTurn } from '../util/event-loop-turns.js'
import type { CacheClass, ContentCoding } from '../caching.js'
import { ANY_KEY, SITE_KEY } from './cache-keys.js'
import { ConcurrencyLimit } from '../util/concurrency-limit.js'
import { holdsBytes, inflatedOnceCompressed, InflatedWhenAsked, type Encoded } from './inflated-identity.js'

export type { Encoded }

/** A document ready to send: its bytes in every encoding, and what describes them. */
export interface Resource {
  /** Full Content-Type header value. */
  readonly contentType: string
  /** The newest content change the document shows; undefined when it has none. */
  readonly lastModified: Date | undefined
  readonly cache: CacheClass
  /** Cache keys (cache-keys.ts): what the document shows, for purging it from a CDN. */
  readonly keys: readonly string[]
  /**
   * When the document changes by itself, with no file changed: an article
   * leaves the news sitemap. No cache may keep it fresh past this instant.
   */
  readonly expires: Date | undefined
  /**
   * The type to send when a browser navigates to the document. Browsers show
   * application/rss+xml and application/atom+xml as plain text; as
   * application/xml they parse it and apply its stylesheets.
   */
  readonly browserContentType: string | undefined
  /**
   * The HTML page a browser's top-level navigation gets instead (a feed's
   * German page, feed-pages.ts), rendered from the same document at the same
   * time; undefined for documents that are pages already.
   */
  readonly browserPage: Resource | undefined
  readonly identity: Encoded
  /**
   * Compressed forms; absent where compression would not pay. Of a resource
   * made by createIdentityFirst, empty until `compressed` resolves, then
   * filled with both at once: until then a request gets the identity bytes.
   */
  readonly encodings: Readonly<Partial<Record<ContentCoding, Encoded>>>
  /** Resolves once `encodings` holds every compressed form; never rejects (a failed compression leaves identity only). */
  readonly compressed: Promise<void>
  /**
   * Until `compressed` resolves, for a resource whose gzip and Brotli are being made. An answer in the identity bytes
   * to a client that asked for either is then kept out of shared caches (send-resource.ts): a CDN that fetches it
   * meanwhile (its copy expired as a scheduled article went live; another instance purged it) would otherwise keep the
   * uncompressed bytes until the next change. A change's own purge waits for `compressed` (purge-on-change.ts).
   */
  readonly compressing: boolean
}

export interface ResourceOptions {
  readonly contentType: string
  /** When the document is rendered: a Last-Modified later than this is clamped to it. */
  readonly now: Date
  readonly lastModified?: Date | undefined
  readonly cache?: CacheClass
  readonly expires?: Date | undefined
  /**
   * What the document shows (cache-keys.ts). Without them it is purged with
   * every change (ANY_KEY): never stale, but never kept long either.
   */
  readonly keys?: readonly string[]
  readonly browserContentType?: string
  readonly browserPage?: Resource
  /**
   * Brotli quality. 9 by default: on a 176 KB feed, quality 11 takes 190 ms
   * against 2.5 ms for 9 (brotliWindow), on every change, for 8–9 % fewer
   * bytes. Worth it only for documents rendered once and kept (assets).
   */
  readonly brotliQuality?: number
}

/**
 * Brotli's window for a document of `bytes` at `quality`.
 *
 * At qualities 5 to 9, 16 bits whatever the size. Over 16 bits Brotli leaves
 * its chain matchers (about 1 MB of tables) for a hash table of 16 MB at
 * quality 8 and 32 MB at 9, which glibc maps afresh for every document (a
 * block over 32 MB is never kept, one of 16 MB is kept once freed). Filling
 * it cost a feed of 50 items (176 KB) 31–35 ms of Brotli at quality 9
 * against 2.3–2.6 ms with 16 bits, for 2.3–2.9 % fewer bytes
 * (bench/brotli-window.ts); a 6 KB article page took 6–9 ms with the
 * default window against 0.3 ms with 16 bits, for the same size.
 *
 * At other qualities, bits enough to hold the document, 16 at least, 22 (the
 * default) at most: a larger window finds nothing more. Brotli's one-shot
 * encoder shrinks the window so by itself; Node's streaming one does not.
 */
export function brotliWindow(bytes: number, quality: number): number {
  if (quality >= 5 && quality <= 9) return 16
  return Math.min(22, Math.max(16, Math.ceil(Math.log2(bytes))))
}

/** createResource or createIdentityFirst. */
export type CreateResource = (content: string | Uint8Array, options: ResourceOptions) => Promise<Resource>

/** Below this many bytes the compressed form is not worth a second representation. */
const MIN_COMPRESS_BYTES = 512

/**
 * Up to this size a document is compressed in this thread, above it on
 * libuv's thread pool (every document is hashed here: hashInThread). Handing a 6 KB
 * page to the pool cost 1.5 ms of CPU against 0.5 ms done here (gzip and
 * Brotli, 3,000 pages), and the pool gives the event loop nothing back for
 * it: a 16 KiB document takes ~1 ms here.
 */
const IN_THREAD_BYTES = 16 * 1024

/**
 * Above this size (a part of the sitemap: 10,000 URLs, 1.1 MB) Brotli works
 * at quality 2. At 9 its hash table of 32 MB filled 41 MB of memory for a
 * 5.7 MB sitemap. At 6 the five parts of 50,000 articles took 209 ms for
 * 112 KB; at 2, 49 ms for 131 KB (gzip: 258 KB). And quality 2 leaves a
 * restart's memory alone: a block that glibc maps for one thread of libuv's
 * pool and frees again raises the size below which it keeps freed memory in
 * that thread's arena, up to 32 MB, and quality 6 allocated such blocks for a
 * part. Three arenas then kept 6-7 MB each: a 50,000-article restart's peak
 * 8 s on was 259-266 MB at 6 and 250-252 at 2 (four runs each, alternated).
 * Quality 9's hash table (32 MB and 64 KB) is mapped and unmapped without
 * raising it; quality 8 on the feeds (a table of 16 MB) put that peak at
 * 259-277 MB (issue 14).
 */
export const LARGE_BYTES = 1024 * 1024
const LARGE_BROTLI_QUALITY = 2

const gzipInPool = promisify(zlib.gzip)
const brotliInPool = promisify(zlib.brotliCompress)
const gzip = async (body: Uint8Array, options: zlib.ZlibOptions) => (body.byteLength <= IN_THREAD_BYTES ? zlib.gzipSync(body, options) : gzipInPool(body, options))
const brotli = async (body: Uint8Array, options: zlib.BrotliOptions, turns: ConcurrencyLimit | undefined) =>
  body.byteLength <= IN_THREAD_BYTES ? zlib.brotliCompressSync(body, options) : turns ? turns.run(() => brotliInPool(body, options)) : brotliInPool(body, options)
const encoder = new TextEncoder()

/**
 * Encodes a rendered document once, and compresses it once (gzip level 9 and
 * Brotli, on libuv's thread pool), so that a request only picks bytes. The
 * same text always gives the same bytes and ETags.
 */
export async function createResource(content: string | Uint8Array | EncodedDocument, options: ResourceOptions): Promise<Resource> {
  const resource = await createIdentityFirst(content, options)
  await resource.compressed
  return resource
}

/**
 * As createResource, but resolves as soon as the identity bytes and their
 * ETag exist; gzip and Brotli follow (on the thread pool above 16 KiB) and appear in
 * `encodings` together when both are done. For the documents a change
 * swaps in (the current feeds, their pages, the index, the sitemaps): at
 * 50,000 articles compressing them held an edit back by tens of
 * milliseconds, and a Brotli of the feed by 70 ms at quality 11. Each
 * encoding keeps its own ETag (RFC 9110 §8.8.3), so a client that got the
 * identity bytes revalidates them as such; the answer varies on
 * Accept-Encoding whichever bytes are sent.
 */
export async function createIdentityFirst(content: string | Uint8Array | EncodedDocument, options: ResourceOptions, turns?: ConcurrencyLimit): Promise<Resource> {
  let body: Uint8Array
  let tag: string
  let encoded: EncodedDocument | undefined
  if (isEncoded(content)) {
    ;({ body, tag } = content)
    encoded = content
  } else {
    // A large document is rendered, encoded and hashed in turns of the event loop of their own (hashInThread says why).
    if (typeof content === 'string' && content.length > LARGE_BYTES) await fullTurn()
    body = typeof content === 'string' ? encoder.encode(content) : content
    if (body.byteLength > LARGE_BYTES) await fullTurn()
    tag = hashInThread(body)
  }
  const resource: Omit<Resource, 'identity' | 'compressed' | 'compressing'> & { identity: Encoded; compressed: Promise<void>; compressing: boolean } = {
    contentType: options.contentType,
    lastModified: options.lastModified && notLaterThanNow(options.lastModified, options.now.getTime()),
    cache: options.cache ?? 'live',
    expires: options.expires,
    keys: options.keys ?? [SITE_KEY, ANY_KEY],
    browserContentType: options.browserContentType,
    browserPage: options.browserPage,
    identity: { body, etag: `"${tag}"` },
    encodings: {},
    compressed: COMPRESSED,
    compressing: false,
  }
  if (encoded) {
    if (encoded.gzip && encoded.br) holdCompressed(resource, codings(tag, encoded.gzip, encoded.br))
  } else if (body.byteLength >= MIN_COMPRESS_BYTES) {
    resource.compressing = true
    resource.compressed = compress(body, tag, options.brotliQuality ?? 9, turns)
      .then((done) => holdCompressed(resource, done), () => undefined)
      .finally(() => (resource.compressing = false))
  }
  return resource
}

const COMPRESSED = Promise.resolve()

/**
 * The compressed forms into `resource.encodings`, both at once (a request
 * never finds one encoding of the new bytes and not the other); identity
 * bytes of INFLATED_WHEN_ASKED_BYTES or more are then held as Brotli only.
 */
function holdCompressed(resource: { identity: Encoded; readonly encodings: Partial<Record<ContentCoding, Encoded>> }, done: Record<ContentCoding, Encoded>): void {
  Object.assign(resource.encodings, done)
  const { identity } = resource
  if (holdsBytes(identity) && inflatedOnceCompressed(identity)) resource.identity = new InflatedWhenAsked(identity.etag, identity.body.byteLength, done.br.body)
}

/**
 * createIdentityFirst whose Brotli compressions on the thread pool take turns,
 * one at a time: the store's documents rendered ahead. When quality 9 still
 * had a window over 16 bits for them (brotliWindow), each filled a hash table
 * of 32 MB, 12–14 MB of it resident for a 175 KB feed and 41 MB for the
 * 5.7 MB sitemap of 50,000 articles; the first site's feeds, pages and
 * sitemaps, compressed four at once on libuv's four threads, added 20–30 MB
 * to a restart's peak (issue 14). One at a time also keeps Brotli to one of
 * the pool's threads, beside the event loop and the render workers.
 * Nobody waits for them: requests get the identity bytes until then.
 */
export function identityFirstInTurns(turns = new ConcurrencyLimit(1)): CreateResource {
  return (content, options) => createIdentityFirst(content, options, turns)
}

/**
 * A document's bytes with their tag and compressed forms, made where it was
 * rendered (encodeDocument, in a render worker): createResource takes them as
 * they are. The same bytes as createResource makes of the same text.
 */
export interface EncodedDocument {
  readonly body: Uint8Array
  readonly tag: string
  /** Both, or neither (a document under 512 bytes). */
  readonly gzip: Uint8Array | undefined
  readonly br: Uint8Array | undefined
}

const isEncoded = (content: string | Uint8Array | EncodedDocument): content is EncodedDocument => typeof content === 'object' && !(content instanceof Uint8Array)

/**
 * Encodes, hashes and compresses a document at once, in the calling thread,
 * as createResource does: for a render worker, which then hands the bytes
 * over (the export's article pages: 1–2 ms each on its main thread, which set
 * the export's pace while the workers idled, issue 14).
 */
export function encodeDocument(content: string | Uint8Array, brotliQuality = 9): EncodedDocument {
  const body = typeof content === 'string' ? encoder.encode(content) : content
  const tag = hashInThread(body)
  if (body.byteLength < MIN_COMPRESS_BYTES) return { body, tag, gzip: undefined, br: undefined }
  const options = compressOptions(body, brotliQuality)
  return { body, tag, gzip: ownBytes(zlib.gzipSync(body, options.gzip)), br: ownBytes(zlib.brotliCompressSync(body, options.brotli)) }
}

/**
 * gzip level 9 and Brotli at `brotliQuality` with its window (brotliWindow): the same for every path, so the same
 * text gives the same bytes. For the one-shot calls only (zlib.brotliCompress, brotliCompressSync): a stream
 * written twice with these options fails at its second write (flush: BROTLI_OPERATION_FINISH).
 */
export function compressOptions(body: Uint8Array, brotliQuality: number): { gzip: zlib.ZlibOptions; brotli: zlib.BrotliOptions } {
  // One output buffer as large as the input: zlib's 16 KB default made a
  // round trip to the thread pool (and a chunk on the event loop) per 16 KB.
  const chunkSize = Math.max(zlib.constants.Z_DEFAULT_CHUNK, body.byteLength)
  const quality = body.byteLength > LARGE_BYTES ? Math.min(brotliQuality, LARGE_BROTLI_QUALITY) : brotliQuality
  return {
    gzip: { level: 9, chunkSize },
    brotli: {
      chunkSize,
      // All the input and the stream's end in one call, on the thread pool as in this thread. Node's pool writes the
      // input, then ends the stream in a call of its own; with a 16-bit window a document of 131,072 bytes (and
      // other sizes of that kind) then ended in other bytes than the same text compressed here, under the same ETag.
      flush: zlib.constants.BROTLI_OPERATION_FINISH,
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: quality,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
        [zlib.constants.BROTLI_PARAM_LGWIN]: brotliWindow(body.byteLength, quality),
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      },
    },
  }
}

async function compress(body: Uint8Array, tag: string, brotliQuality: number, turns: ConcurrencyLimit | undefined): Promise<Record<ContentCoding, Encoded>> {
  const options = compressOptions(body, brotliQuality)
  const [gz, br] = await Promise.all([gzip(body, options.gzip), brotli(body, options.brotli, turns)])
  return codings(tag, ownBytes(gz), ownBytes(br))
}

const codings = (tag: string, gz: Uint8Array, br: Uint8Array): Record<ContentCoding, Encoded> => ({
  gzip: { body: gz, etag: `"${tag}-gz"` },
  br: { body: br, etag: `"${tag}-br"` },
})

/**
 * The compressed bytes in a buffer of their own length. zlib writes into the
 * one output buffer above, as large as the document, and hands back a view of
 * it: Brotli's view of a 5.7 MB sitemap held all 5.7 MB for its 0.2 MB (at
 * 50,000 articles, 6.5 MB kept twice; an archive page's counted a fifth of
 * what it held). Copying the few compressed bytes costs less than a hash.
 */
function ownBytes(bytes: Buffer): Uint8Array {
  return bytes.buffer.byteLength === bytes.byteLength ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes)
}

/**
 * RFC 9110 §8.8.2.1: a Last-Modified later than the response's Date (an
 * `updated:` typed with the wrong year, a media file touched with a future
 * time) must be replaced by the time of the response. Clamped to the time the
 * document is rendered, which no later response precedes.
 */
export function notLaterThanNow(time: Date, now: number): Date {
  return time.getTime() > now ? new Date(Math.floor(now / 1000) * 1000) : time
}

/**
 * The tag of a document's bytes: SHA-256 in this thread (createIdentityFirst,
 * and a render worker's encodeDocument). Web Crypto's digest runs on libuv's
 * thread pool but first copies its input here, and a copy into fresh memory
 * (page faults) cost more than the hash: 4 MB, 14-15 ms against 2.6 ms
 * (bench/hash-cost.ts; 0.6 ms when the allocator reuses memory, which nothing
 * here controls; a 2 MiB article's page took 10-20 ms through it in a
 * profile). createIdentityFirst gives a document over LARGE_BYTES a turn of
 * the event loop before its encoding and before its hash: a 2 MiB article's
 * page (4 MB) is rendered, encoded and hashed in three, each well under the
 * 100 ms it may hold the loop (tests/hardening/stalls.test.ts).
 */
const hashInThread = (body: Uint8Array): string => tagOf(createHash('sha256').update(body).digest())
const tagOf = (digest: Buffer): string => digest.toString('base64url').slice(0, 27)
