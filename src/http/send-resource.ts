import type { Context } from 'hono'
import type { CachePolicy, ContentCoding } from '../caching.js'
import type { Encoded, Resource } from '../site/resource.js'
import { chooseEncoding } from './accept-encoding.js'
import { prefersHtml } from './accept.js'
import { cacheControl } from './cache-control.js'
import { COMMON_HEADERS } from './common-headers.js'
import { isNotModified, isPreconditionFailed } from './conditional.js'
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

/** One way of sending a resource: bytes and every header that does not depend on the request. */
interface Variant {
  readonly body: Uint8Array
  readonly etag: string
  readonly headers: Readonly<Record<string, string>>
  /** Kept out of shared caches (Cache-Control: private): a browser page. */
  readonly private: boolean
  /** The last full header sets built, reused while Cache-Control and Link stay the same. */
  ready?: { readonly key: string; readonly ok: Readonly<Record<string, string>>; readonly notModified: Readonly<Record<string, string>> }
}

/** Last-Modified, Content-Length and Content-Type are readable by scripts without being named. */
const CORS_EXPOSED_HEADERS = 'ETag, Link'

/**
 * Builds the function that answers a request with a rendered resource: picks
 * the encoding and the media type, answers 304 when the client's copy is
 * current (RFC 9110 §13.2.2), and sets the caching, CORS and security
 * headers. Everything that does not depend on the request is computed once
 * per resource and kept; the per-request work is a few lookups and one
 * header object, returned as a plain Response so @hono/node-server writes it
 * without building a Headers instance.
 */
export function createSender(options: SenderOptions): (c: Context, resource: Resource, send?: SendOptions) => Response {
  const variants = new WeakMap<Resource, Map<string, Variant>>()
  const codings = new Memo<string, ContentCoding | 'identity'>(64)
  const browsers = new Memo<string, boolean>(64)

  const variantOf = (resource: Resource, coding: ContentCoding | 'identity', kind: VariantKind): Variant => {
    let forResource = variants.get(resource)
    if (!forResource) {
      forResource = new Map()
      variants.set(resource, forResource)
    }
    const key = `${coding} ${kind}`
    const known = forResource.get(key)
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
      ...options.cdnHeaders?.(resource, kind === 'page'),
    }
    const lastModified = resource.lastModified?.toUTCString()
    if (lastModified) headers['Last-Modified'] = lastModified
    if (encoded !== source.identity) headers['Content-Encoding'] = coding
    if (source.contentType.startsWith('text/html')) {
      headers['Content-Security-Policy'] = options.contentSecurityPolicy
      headers['Referrer-Policy'] = 'strict-origin-when-cross-origin'
    }
    const variant: Variant = { body: encoded.body, etag, headers, private: kind === 'page' }
    forResource.set(key, variant)
    return variant
  }

  /**
   * The complete header sets for a 200 and a 304, built once and reused while
   * Cache-Control and Link stay the same: the hot path allocates nothing, and
   * never deletes a key (which would turn the object into a slow dictionary).
   */
  const headersOf = (variant: Variant, cacheControl: string, link: string | undefined, contentLocation: string | undefined) => {
    const key = link === undefined && contentLocation === undefined ? cacheControl : `${cacheControl}\n${link ?? ''}\n${contentLocation ?? ''}`
    if (variant.ready?.key === key) return variant.ready
    const common: Record<string, string> = { 'Cache-Control': cacheControl }
    if (link !== undefined) common.Link = link
    // A 304 carries it as the 200 would (RFC 9110 §15.4.5).
    if (contentLocation !== undefined) common['Content-Location'] = contentLocation
    const { 'Content-Type': contentType, 'Content-Encoding': contentEncoding, ...rest } = variant.headers
    // RFC 9110 §15.4.5: a 304 carries the validators and caching headers of the 200, not its content headers.
    const notModified = { ...rest, ...common }
    const ok: Record<string, string> = { 'Content-Type': contentType as string, ...rest, ...common, 'Content-Length': String(variant.body.byteLength) }
    if (contentEncoding !== undefined) ok['Content-Encoding'] = contentEncoding
    variant.ready = { key, ok, notModified }
    return variant.ready
  }

  return (c, resource, send = {}) => {
    const status = send.status ?? 200
    const acceptEncoding = requestHeader(c, 'accept-encoding')
    const coding =
      acceptEncoding === undefined
        ? 'identity'
        : codings.get(acceptEncoding, () => chooseEncoding(acceptEncoding, ['br', 'gzip']))
    const page =
      resource.browserPage !== undefined && isTopLevelNavigation(requestHeader(c, 'sec-fetch-dest'), requestHeader(c, 'sec-fetch-mode'))
        ? resource.browserPage
        : undefined
    const available = coding === 'identity' || (page ?? resource).encodings[coding] !== undefined ? coding : 'identity'
    const accept = page !== undefined || resource.browserContentType === undefined ? undefined : requestHeader(c, 'accept')
    const browser = accept !== undefined && browsers.get(accept, () => prefersHtml(accept))
    const variant = variantOf(resource, available, page ? 'page' : browser ? 'view' : 'feed')
    // WebSub §4: discovery through HTTP Link headers.
    const link = send.topic && options.hub ? `<${options.hub}>; rel="hub", <${send.topic}>; rel="self"` : undefined
    // Fresh until the next scheduled article, or until the document changes by itself (an article leaves the news sitemap).
    const next = options.nextPublication()
    const changes = resource.expires === undefined || (next !== undefined && next < resource.expires.getTime()) ? next : resource.expires.getTime()
    const shared = cacheControl(resource.cache, options.cache, options.now(), changes)
    // A browser page is for the browser's own cache only: a shared cache that ignores Vary
    // (several CDNs do, for all but Accept-Encoding) can then never hand it to a feed reader.
    const headers = headersOf(variant, variant.private ? privately(shared) : shared, link, send.contentLocation)
    if (status === 200) {
      const ifMatch = requestHeader(c, 'if-match')
      const ifUnmodifiedSince = requestHeader(c, 'if-unmodified-since')
      if ((ifMatch !== undefined || ifUnmodifiedSince !== undefined) && isPreconditionFailed(ifMatch, ifUnmodifiedSince, variant.etag, resource.lastModified)) {
        return preconditionFailed(variant)
      }
      const ifNoneMatch = requestHeader(c, 'if-none-match')
      const ifModifiedSince = requestHeader(c, 'if-modified-since')
      if ((ifNoneMatch !== undefined || ifModifiedSince !== undefined) && isNotModified(ifNoneMatch, ifModifiedSince, variant.etag, resource.lastModified)) {
        return new Response(null, { status: 304, headers: headers.notModified })
      }
    }
    if (options.sent && c.req.method !== 'HEAD') options.sent(available, variant.body.byteLength)
    return new Response(variant.body as Uint8Array<ArrayBuffer>, { status, headers: headers.ok })
  }
}

/** Which request headers an answer for `resource` depends on (RFC 9110 §12.5.5). */
function varyOf(resource: Resource): string {
  const names: string[] = resource.browserContentType === undefined ? ['Accept-Encoding'] : ['Accept', 'Accept-Encoding']
  if (resource.browserPage !== undefined) names.push(...NAVIGATION_HEADERS)
  return names.join(', ')
}

/** A shared cache's Cache-Control for the client's cache only (RFC 9111 §5.2.2.7). */
function privately(cacheControl: string): string {
  return cacheControl.startsWith('public') ? `private${cacheControl.slice('public'.length)}` : cacheControl
}

/** 412: the client's copy is not the current one (RFC 9110 §15.5.13). */
export function preconditionFailed(variant: { readonly etag: string }): Response {
  return new Response('Precondition failed: the document has changed\n', {
    status: 412,
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      ETag: variant.etag,
      'Cache-Control': 'no-store',
      ...COMMON_HEADERS,
    },
  })
}

/**
 * A request header by its lower-case name. On Node the incoming message's
 * plain header object is read directly: asking Hono's request builds a
 * WHATWG Headers object first, which costs more than the rest of a 304.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: { headers: Record<string, string | string[] | undefined> } } | undefined)?.incoming
  if (!incoming) return c.req.header(name)
  const value = incoming.headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/** A small memo of answers by request-header value: clients send few distinct values. */
class Memo<K, V> {
  readonly #entries = new Map<K, V>()
  readonly #capacity: number

  constructor(capacity: number) {
    this.#capacity = capacity
  }

  get(key: K, compute: () => V): V {
    const known = this.#entries.get(key)
    if (known !== undefined) return known
    const value = compute()
    if (this.#entries.size >= this.#capacity) this.#entries.clear()
    this.#entries.set(key, value)
    return value
  }
}
