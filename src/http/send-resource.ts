import type { CachePolicy, ContentCoding } from '../caching.js'
import { byteLengthOf, bytesForAnswer, holdsBytes, inflatedOnceCompressed } from '../site/inflated-identity.js'
import type { Encoded, Resource } from '../site/resource.js'
import { chooseEncoding } from './accept-encoding.js'
import { prefersHtml } from './accept.js'
import { createCacheControl, privately } from './cache-control.js'
import { COMMON_HEADERS, textAnswer } from './common-headers.js'
import { isNotModified, isPreconditionFailed } from './conditional.js'
import { flatHeaders, type Answer, type RequestView } from './exchange.js'
import { isTopLevelNavigation, NAVIGATION_HEADERS } from './fetch-metadata.js'

export interface SenderOptions {
  readonly cache: CachePolicy
  /** Milliseconds since the epoch. */
  readonly now: () => number
  /** When the next scheduled article goes live (ms), if one is waiting. */
  readonly nextPublication: () => number | undefined
  /** Content-Security-Policy for HTML responses. */
  readonly contentSecurityPolicy: string
  /** WebSub hub to name in Link headers of feeds. */
  readonly hub: string | undefined
  /** Told the body bytes of every document sent, by content coding (metrics); not a 304's. */
  readonly sent?: ((encoding: ContentCoding | 'identity', bytes: number) => void) | undefined
  /** A document's CDN headers: cache keys and the CDN's lifetime (cdn/cdn-headers.ts); none by default. */
  readonly cdnHeaders?: (resource: Resource, forOneBrowser: boolean) => Readonly<Record<string, string>>
}

export interface SendOptions {
  readonly status?: 200 | 404
  /** The document's own URL when it is a WebSub topic: the Link header names it and the hub. */
  readonly topic?: string | undefined
  /** The canonical URL of a document reached by another spelling of it (a filtered view): the Content-Location header. */
  readonly contentLocation?: string | undefined
}

/**
 * What a request gets of a resource: the document (`feed`), the same bytes
 * under a type a browser renders (`view`), or its browser page (`page`).
 */
type VariantKind = 'feed' | 'view' | 'page'
const KINDS: readonly VariantKind[] = ['feed', 'view', 'page']
const CODINGS: readonly (ContentCoding | 'identity')[] = ['identity', 'gzip', 'br']
/** The codings documents are compressed in ahead, best first. */
const OFFERED_CODINGS: readonly ContentCoding[] = ['br', 'gzip']
/**
 * What may refuse a full body to one request instead (POLL_MIN_INTERVAL's 429, observe.ts: pollLimit): asked once a
 * 200 is decided, never for a 304 or a 412; an answer it gives is sent in its place.
 */
export interface Refusal {
  /** The answer in place of the full body (a 429), or undefined: the body goes out. */
  answer(): Answer | undefined
  /** Takes back a full body answer() let go (and recorded) that then did not go out: its bytes failed to inflate. */
  release(): void
}

/** A plain 200 of a document that is no WebSub topic. */
const PLAIN_SEND: SendOptions = Object.freeze({})

/** One way of sending a resource: bytes and every header that does not depend on the request. */
interface Variant {
  /** The bytes; none for identity bytes of INFLATED_WHEN_ASKED_BYTES or more (resource.ts), read from `of` for each answer. */
  readonly body: Uint8Array | undefined
  /** Whose identity bytes an answer reads (body: none): held until compressed, then inflated; a variant never keeps them. */
  readonly of: Resource
  readonly byteLength: number
  readonly etag: string
  readonly headers: Readonly<Record<string, string>>
  /**
   * Kept out of shared caches (Cache-Control: private, and no-store in the CDN's own header): a browser page, or the
   * identity bytes sent while the coding asked for is being made (Resource.compressing).
   */
  readonly private: boolean
  /** The last full header sets built, reused while Cache-Control, Link and Content-Location stay the same. */
  ready?: HeaderSets
}

interface HeaderSets {
  readonly cacheControl: string
  readonly link: string | undefined
  readonly contentLocation: string | undefined
  readonly ok: Readonly<Record<string, string>>
  /** The answers to a 200 and a 304 themselves, with their flat header lists: a request allocates none. */
  readonly okAnswer: Answer
  readonly notModified: Answer
}

/** Last-Modified, Content-Length and Content-Type are readable by scripts without being named. */
const CORS_EXPOSED_HEADERS = 'ETag, Link'

/**
 * Builds the function that answers a request with a rendered resource: picks
 * the encoding and the media type, answers 304 when the client's copy is
 * current (RFC 9110 §13.2.2), and sets the caching, CORS and security
 * headers. Everything that does not depend on the request is computed once
 * per resource and kept; the per-request work is a few lookups, and the
 * answer is data (exchange.ts) with a header object built ahead, which Hono's
 * route and the listener's fast path both write without building a Headers
 * instance.
 */
export function createSender(options: SenderOptions): (request: RequestView, resource: Resource, send?: SendOptions, refuse?: Refusal) => Answer | Promise<Answer> {
  // Per resource, one slot per coding and kind: found without building a key per request.
  const variants = new WeakMap<Resource, (Variant | undefined)[]>()
  // Each computes on a miss only, with a function made here: a request allocates no closure.
  const codings = new Memo<string, ContentCoding | 'identity'>(64, (acceptEncoding) => chooseEncoding(acceptEncoding, OFFERED_CODINGS))
  const browsers = new Memo<string, boolean>(64, prefersHtml)
  const hub = options.hub
  const links = new Memo<string, string>(64, (topic) => `<${hub}>; rel="hub", <${topic}>; rel="self"`)
  // Each private form made once, as createCacheControl makes the shared one: found again by identity (headersOf).
  const privateForms = new Memo<string, string>(64, privately)
  const cacheControlOf = createCacheControl(options.cache)

  const variantOf = (resource: Resource, coding: ContentCoding | 'identity', kind: VariantKind, interim: boolean): Variant => {
    let forResource = variants.get(resource)
    if (!forResource) {
      forResource = Array<Variant | undefined>(CODINGS.length * KINDS.length * 2).fill(undefined)
      variants.set(resource, forResource)
    }
    const slot = (CODINGS.indexOf(coding) * KINDS.length + KINDS.indexOf(kind)) * 2 + (interim ? 1 : 0)
    const known = forResource[slot]
    if (known) return known
    const source = kind === 'page' ? (resource.browserPage as Resource) : resource
    const encoded: Encoded = coding === 'identity' ? source.identity : (source.encodings[coding] ?? source.identity)
    // A browser without Fetch Metadata gets the same bytes under a type it renders, so the feed's stylesheets apply.
    const etag = kind === 'view' ? `${encoded.etag.slice(0, -1)}-view"` : encoded.etag
    const headers: Record<string, string> = {
      'Content-Type': kind === 'view' && resource.browserContentType ? resource.browserContentType : source.contentType,
      ETag: etag,
      // The same Vary on every answer for the URL, the page's included (RFC 9110 §12.5.5).
      Vary: varyOf(resource),
      ...COMMON_HEADERS,
      'Access-Control-Expose-Headers': CORS_EXPOSED_HEADERS,
      ...options.cdnHeaders?.(resource, kind === 'page' || interim),
    }
    const lastModified = resource.lastModified?.toUTCString()
    if (lastModified) headers['Last-Modified'] = lastModified
    if (encoded !== source.identity) headers['Content-Encoding'] = coding
    if (source.contentType.startsWith('text/html')) {
      headers['Content-Security-Policy'] = options.contentSecurityPolicy
      headers['Referrer-Policy'] = 'strict-origin-when-cross-origin'
    }
    // Large identity bytes are read per answer: held (until compressed) or inflated, never kept here (which would hold them).
    const held = holdsBytes(encoded) && !(encoded === source.identity && inflatedOnceCompressed(encoded))
    const variant: Variant = { body: held ? asBuffer(encoded.body) : undefined, of: source, byteLength: byteLengthOf(encoded), etag, headers, private: kind === 'page' || interim }
    forResource[slot] = variant
    return variant
  }

  /**
   * The complete header sets for a 200 and a 304, built once and reused while
   * Cache-Control and Link stay the same: the hot path allocates nothing, and
   * never deletes a key (which would turn the object into a slow dictionary).
   */
  const headersOf = (variant: Variant, cacheControl: string, link: string | undefined, contentLocation: string | undefined): HeaderSets => {
    const ready = variant.ready
    // Cache-Control and Link are the same strings while they stay the same (createCacheControl, links): compared by identity.
    if (ready && ready.cacheControl === cacheControl && ready.link === link && ready.contentLocation === contentLocation) return ready
    const common: Record<string, string> = { 'Cache-Control': cacheControl }
    if (link !== undefined) common.Link = link
    // A 304 carries it as the 200 would (RFC 9110 §15.4.5).
    if (contentLocation !== undefined) common['Content-Location'] = contentLocation
    const { 'Content-Type': contentType, 'Content-Encoding': contentEncoding, ...rest } = variant.headers
    // RFC 9110 §15.4.5: a 304 carries the validators and caching headers of the 200, not its content headers.
    const notModified = { ...rest, ...common }
    const ok: Record<string, string> = { 'Content-Type': contentType as string, ...rest, ...common, 'Content-Length': String(variant.byteLength) }
    if (contentEncoding !== undefined) ok['Content-Encoding'] = contentEncoding
    variant.ready = {
      cacheControl,
      link,
      contentLocation,
      ok,
      // Without held bytes the answer to a request gets them (below): this one is never sent as it is.
      okAnswer: { status: 200, headers: ok, body: variant.body ?? null, flat: flatHeaders(ok) },
      notModified: { status: 304, headers: notModified, body: null, flat: flatHeaders(notModified) },
    }
    return variant.ready
  }

  return (request, resource, send = PLAIN_SEND, refuse) => {
    const status = send.status ?? 200
    const acceptEncoding = request.header('accept-encoding')
    const coding =
      acceptEncoding === undefined
        ? 'identity'
        : codings.get(acceptEncoding)
    const page =
      resource.browserPage !== undefined && isTopLevelNavigation(request)
        ? resource.browserPage
        : undefined
    const shown = page ?? resource
    const available = coding === 'identity' || shown.encodings[coding] !== undefined ? coding : 'identity'
    // Identity bytes for a client that asked for a coding being made: for it alone, so no shared cache keeps them.
    const interim = available !== coding && shown.compressing
    const accept = page !== undefined || resource.browserContentType === undefined ? undefined : request.header('accept')
    const browser = accept !== undefined && browsers.get(accept)
    const variant = variantOf(resource, available, page ? 'page' : browser ? 'view' : 'feed', interim)
    // WebSub §4: discovery through HTTP Link headers.
    const topic = send.topic
    const link = topic && hub ? links.get(topic) : undefined
    // Fresh until the next scheduled article, or until the document changes by itself (an article leaves the news sitemap).
    // Only a live document's lifetime depends on when it changes, and only then on the clock (cache-control.ts: maxAgeOf).
    const live = resource.cache === 'live'
    const next = live ? options.nextPublication() : undefined
    const changes = resource.expires === undefined || (next !== undefined && next < resource.expires.getTime()) ? next : resource.expires.getTime()
    const shared = cacheControlOf(resource.cache, live && changes !== undefined ? options.now() : 0, changes)
    // A browser page is for the browser's own cache only: a shared cache that ignores Vary
    // (several CDNs do, for all but Accept-Encoding) can then never hand it to a feed reader.
    const headers = headersOf(variant, variant.private ? privateForms.get(shared) : shared, link, send.contentLocation)
    if (status === 200) {
      const ifMatch = request.header('if-match')
      const ifUnmodifiedSince = request.header('if-unmodified-since')
      if ((ifMatch !== undefined || ifUnmodifiedSince !== undefined) && isPreconditionFailed(ifMatch, ifUnmodifiedSince, variant.etag, resource.lastModified)) {
        return preconditionFailed(variant)
      }
      const ifNoneMatch = request.header('if-none-match')
      const ifModifiedSince = request.header('if-modified-since')
      if ((ifNoneMatch !== undefined || ifModifiedSince !== undefined) && isNotModified(ifNoneMatch, ifModifiedSince, variant.etag, resource.lastModified)) {
        return headers.notModified
      }
      // Asked only now, for a full body, and before its bytes are counted or inflated.
      const refusal = refuse?.answer()
      if (refusal) return refusal
    }
    // A HEAD is sent no body (its Content-Length is the GET's): no bytes to count.
    const sent = request.method === 'HEAD' ? undefined : options.sent
    if (variant.body !== undefined) {
      sent?.(available, variant.byteLength)
      return status === 200 ? headers.okAnswer : { status, headers: headers.ok, body: variant.body }
    }
    // Nor any to inflate.
    if (request.method === 'HEAD') return withBody(headers, status, NO_BYTES)
    // Identity bytes held, or the copy answers still share; else inflated off this thread, and the answer is made
    // once they are: a failure is then the request's (answered 500), and its time in the metrics includes the wait.
    const bytes = bytesForAnswer(variant.of.identity)
    if (!(bytes instanceof Promise)) {
      sent?.(available, variant.byteLength)
      return withBody(headers, status, asBuffer(bytes))
    }
    // Counted once inflated: a failed inflate sends none of them (its request is answered 500), nor spends the
    // client's POLL_MIN_INTERVAL: its retry would be refused 429 for the server's failure.
    return bytes.then(
      (inflated) => {
        sent?.(available, variant.byteLength)
        return withBody(headers, status, asBuffer(inflated))
      },
      (error: unknown) => {
        if (status === 200) refuse?.release()
        throw error
      },
    )
  }
}

const NO_BYTES = Buffer.alloc(0)

/** The answer with bytes read for it (a variant without held bytes): the 200's header sets, or the headers with another status. */
const withBody = (headers: HeaderSets, status: number, body: Buffer): Answer => (status === 200 ? { ...headers.okAnswer, body } : { status, headers: headers.ok, body })

/** A Buffer over the same bytes (no copy): Node's socket would otherwise wrap a plain Uint8Array on every write. */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

/** Which request headers an answer for `resource` depends on (RFC 9110 §12.5.5). */
function varyOf(resource: Resource): string {
  const names: string[] = resource.browserContentType === undefined ? ['Accept-Encoding'] : ['Accept', 'Accept-Encoding']
  if (resource.browserPage !== undefined) names.push(...NAVIGATION_HEADERS)
  return names.join(', ')
}

/** 412: the client's copy is not the current one (RFC 9110 §15.5.13). */
export function preconditionFailed(variant: { readonly etag: string }): Answer {
  return textAnswer(412, { ETag: variant.etag, 'Cache-Control': 'no-store' }, 'Precondition failed: the document has changed\n')
}

/** A small memo of answers by request-header value: clients send few distinct values. */
class Memo<K, V> {
  readonly #entries = new Map<K, V>()
  readonly #capacity: number
  readonly #compute: (key: K) => V

  constructor(capacity: number, compute: (key: K) => V) {
    this.#capacity = capacity
    this.#compute = compute
  }

  get(key: K): V {
    const known = this.#entries.get(key)
    if (known !== undefined) return known
    const value = this.#compute(key)
    if (this.#entries.size >= this.#capacity) this.#entries.clear()
    this.#entries.set(key, value)
    return value
  }
}
