// Identity bytes of large documents held as Brotli once compressed, inflated when asked for (resource.ts holds them so).
import zlib from 'node:zlib'

/** One encoding of a document: bytes and their strong validator (resource.ts gives it with its documents). */
export interface Encoded {
  readonly body: Uint8Array
  /** Strong entity-tag (RFC 9110 §8.8.3); each content coding has its own. */
  readonly etag: string
}

/**
 * From this size a document's identity bytes are not held once it is
 * compressed: a client that takes neither gzip nor Brotli (few do; search
 * engines' crawlers take both) gets them inflated from the Brotli bytes, as
 * nginx's gunzip module does for such clients. At 50,000 articles the five
 * parts of the sitemap held 5.7 MB of identity bytes beside 0.4 MB
 * compressed (23 MB at 200,000, issue 14: memory); inflating a part of
 * 1.4 MB takes 0.4–0.6 ms (docs/performance.md, the nineteenth round),
 * less than sending it costs. A feed of 50 articles (~200 KB) stays below.
 */
export const INFLATED_WHEN_ASKED_BYTES = 512 * 1024

/**
 * Identity bytes held as their Brotli form (INFLATED_WHEN_ASKED_BYTES): `body` inflates them when asked, and hands
 * the same bytes to whoever asks while anything still holds them (answers still being sent to slow readers share one
 * copy); once nothing does, they go with the next collection. The bytes given must not be changed.
 */
export class InflatedWhenAsked implements Encoded {
  readonly #br: Uint8Array
  /**
   * The memory of the last bytes inflated, not the view given out: an answer holds a view of its own (send-resource.ts
   * wraps the bytes in a Buffer), and a WeakRef to the first view let it go at the next collection while answers still
   * sent the bytes, so each slow reader after it had 10 MB inflated anew.
   */
  #last: WeakRef<ArrayBufferLike> | undefined
  #lastOffset = 0
  #inflating: Promise<Uint8Array> | undefined

  constructor(
    readonly etag: string,
    readonly byteLength: number,
    br: Uint8Array,
  ) {
    this.#br = br
  }

  /** The bytes, inflated on this thread: for code off the request path (a sitemap's comparison, the export). */
  get body(): Uint8Array {
    const last = this.#held()
    if (last) return last
    return this.#keep(zlib.brotliDecompressSync(this.#br, { chunkSize: this.#chunkSize }))
  }

  /**
   * The bytes for an answer: the copy answers still share, or inflated on libuv's thread pool. Inflating a page of
   * 10 MB on this thread held every other answer 34–50 ms (docs/performance.md, the thirty-second round).
   * Answers asking meanwhile wait for the same inflating.
   */
  inflated(): Uint8Array | Promise<Uint8Array> {
    const last = this.#held()
    if (last) return last
    this.#inflating ??= new Promise<Uint8Array>((resolve, reject) => {
      zlib.brotliDecompress(this.#br, { chunkSize: this.#chunkSize }, (error, body) => {
        this.#inflating = undefined
        if (error) reject(error)
        else resolve(this.#keep(body))
      })
    })
    return this.#inflating
  }

  /** One output buffer a byte larger than the bytes: one exactly as large is full, and zlib then takes a second before it ends. */
  get #chunkSize(): number {
    return this.byteLength + 1
  }

  /** The last bytes inflated, while anything still holds a view of them. */
  #held(): Uint8Array | undefined {
    const memory = this.#last?.deref()
    return memory && Buffer.from(memory, this.#lastOffset, this.byteLength)
  }

  #keep(body: Uint8Array): Uint8Array {
    this.#last = new WeakRef(body.buffer)
    this.#lastOffset = body.byteOffset
    return body
  }
}

/** Whether identity bytes are held as Brotli once the document is compressed (resource.ts): until then they must not be kept elsewhere. */
export function inflatedOnceCompressed(identity: Encoded): boolean {
  return holdsBytes(identity) ? identity.body.byteLength >= INFLATED_WHEN_ASKED_BYTES : true
}

/** The length of an encoding's bytes, without inflating identity bytes held compressed. */
export function byteLengthOf(encoded: Encoded): number {
  return encoded instanceof InflatedWhenAsked ? encoded.byteLength : encoded.body.byteLength
}

/** An encoding's bytes for an answer: held, or inflated off this thread unless answers still share a copy (InflatedWhenAsked#inflated). */
export function bytesForAnswer(encoded: Encoded): Uint8Array | Promise<Uint8Array> {
  return encoded instanceof InflatedWhenAsked ? encoded.inflated() : encoded.body
}

/** Whether `encoded` holds its bytes (no inflating: read `body` once, and keep what it gives). */
export function holdsBytes(encoded: Encoded): boolean {
  return !(encoded instanceof InflatedWhenAsked)
}

/** What a rendered document holds in memory: its bytes in every encoding (identity bytes inflated when asked for are not held). */
export function heldBytes(resource: { readonly identity: Encoded; readonly encodings: Readonly<Partial<Record<string, Encoded>>> }): number {
  return [resource.identity, ...Object.values(resource.encodings)].reduce((sum: number, encoded) => sum + (encoded && holdsBytes(encoded) ? encoded.body.byteLength : 0), 0)
}
