import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import zlib from 'node:zlib'
import type { ContentCoding } from '../caching.js'
import { LruCache } from '../util/lru-cache.js'

const gzip = promisify(zlib.gzip)
const brotli = promisify(zlib.brotliCompress)
const encoder = new TextEncoder()

/** Compressed bodies kept per document, by token and coding: the subscribers who fetched since the last change. */
const KEPT_BYTES = 16 * 1024 * 1024
/** Below this many bytes compression does not pay (as site/resource.ts). */
const MIN_COMPRESS_BYTES = 512

/**
 * One subscriber document as rendered once for all subscribers, with a
 * placeholder where the token goes. The token is put in per request by
 * joining the parts around it (a copy of the bytes: 0.1 ms for 200 KB); the
 * compressed forms are made on a subscriber's first fetch after a change and
 * kept, by token, up to 16 MiB (measured in docs/plus.md: compressing per
 * token costs milliseconds, so it is done once per subscriber and change, never per request).
 *
 * A subscriber's ETag (etagFor) is a hash of the template's and the token:
 * its bytes change exactly when the template does (RFC 9110 §8.8.3), so a
 * conditional request is answered 304 without touching the bytes, and two
 * subscribers, whose bytes differ by their tokens, never share one.
 */
export class SubscriberDocument {
  readonly contentType: string
  readonly lastModified: Date | undefined
  /** Strong validator of the template's bytes (etagFor: a subscriber's). */
  readonly etag: string
  /** Whether the document is sent compressed to clients that accept it: below 512 bytes it does not pay. */
  readonly compressible: boolean
  readonly #parts: readonly Uint8Array[]
  /** The template's bytes without the placeholders: worked out once, not per request. */
  readonly #partsLength: number
  readonly #compressed = new LruCache<string, Promise<Uint8Array>>(100_000, KEPT_BYTES)

  constructor(text: string | Uint8Array, placeholder: string, options: { readonly contentType: string; readonly lastModified: Date | undefined }) {
    const bytes = typeof text === 'string' ? encoder.encode(text) : text
    this.contentType = options.contentType
    this.lastModified = options.lastModified
    this.etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`
    this.#parts = splitAt(bytes, encoder.encode(placeholder))
    this.#partsLength = this.#parts.reduce((sum, part) => sum + part.byteLength, 0)
    this.compressible = this.#partsLength >= MIN_COMPRESS_BYTES
  }

  /** The strong validator of one token's identity bytes; `-gz`/`-br` appended for the compressed ones, as site/resource.ts. */
  etagFor(token: string): string {
    return `"${createHash('sha256').update(this.etag).update('\n').update(token).digest('base64url').slice(0, 27)}"`
  }

  /** The bytes for one token (URL-safe ASCII, as tokens are). */
  body(token: string): Uint8Array {
    const tokenBytes = encoder.encode(token)
    const length = this.#partsLength + tokenBytes.byteLength * (this.#parts.length - 1)
    const body = new Uint8Array(length)
    let at = 0
    this.#parts.forEach((part, index) => {
      if (index > 0) {
        body.set(tokenBytes, at)
        at += tokenBytes.byteLength
      }
      body.set(part, at)
      at += part.byteLength
    })
    return body
  }

  /** The body for one token in `coding`, made on the subscriber's first request after a change, and kept. */
  encoded(token: string, coding: ContentCoding): Promise<Uint8Array> {
    const key = `${coding} ${token}`
    const kept = this.#compressed.get(key)
    if (kept) return kept
    const making = compress(this.body(token), coding)
    this.#compressed.set(key, making)
    making.then((bytes) => this.#compressed.weigh(key, bytes.byteLength, making), () => this.#compressed.delete(key))
    return making
  }

  /** How many times the token appears (tests). */
  get tokenCount(): number {
    return this.#parts.length - 1
  }
}

async function compress(body: Uint8Array, coding: ContentCoding): Promise<Uint8Array> {
  // gzip 6 and Brotli 5, not the 9 and 9 of documents rendered once for everyone: this runs once per subscriber and change.
  const out =
    coding === 'gzip'
      ? await gzip(body, { level: 6 })
      : await brotli(body, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: 5,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
            [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
          },
        })
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

/** `bytes` split at every occurrence of `separator`. */
function splitAt(bytes: Uint8Array, separator: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = []
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let start = 0
  for (let found = buffer.indexOf(separator, start); found !== -1; found = buffer.indexOf(separator, start)) {
    parts.push(bytes.subarray(start, found))
    start = found + separator.byteLength
  }
  parts.push(bytes.subarray(start))
  return parts
}
