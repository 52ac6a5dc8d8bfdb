import type { CacheClass, CachePolicy } from '../caching.js'
import { ANY_KEY, SITE_KEY } from '../site/cache-keys.js'
import type { CdnConfig, CdnProvider } from './cdn-config.js'

/**
 * The response header each CDN reads cache keys from, and how keys are separated:
 * - Varnish, varnish-modules xkey: `xkey`, "Multiple keys can be specified per
 *   header line with spaces" (vmod_xkey(3), https://manpages.ubuntu.com/manpages/noble/man3/vmod_xkey.3.html).
 * - Fastly: `Surrogate-Key`, "space-separated purge keys"
 *   (https://www.fastly.com/documentation/reference/http/http-headers/Surrogate-Key).
 * - Cloudflare: `Cache-Tag`, "Use commas to separate the tags"; at most 16 KB
 *   in all (https://developers.cloudflare.com/cache/how-to/purge-cache/purge-by-tags/).
 */
const KEY_HEADERS: Readonly<Record<CdnProvider, { readonly name: string; readonly separator: string }>> = {
  varnish: { name: 'xkey', separator: ' ' },
  fastly: { name: 'Surrogate-Key', separator: ' ' },
  cloudflare: { name: 'Cache-Tag', separator: ',' },
}

/**
 * The header that gives the CDN alone a lifetime, leaving Cache-Control to browsers:
 * - Fastly prefers `Surrogate-Control` over Cache-Control and strips it
 *   (https://www.fastly.com/documentation/reference/http/http-headers/Surrogate-Control).
 * - Cloudflare reads `CDN-Cache-Control` (RFC 9213) instead of Cache-Control
 *   (https://developers.cloudflare.com/cache/concepts/cdn-cache-control/).
 * - Varnish reads neither by itself; the VCL in ops/varnish/ takes the TTL
 *   from `Surrogate-Control` and removes it, as Fastly does.
 * Not `s-maxage`: every shared cache on the way (a company proxy) would keep
 * the document that long, and no purge reaches those.
 */
const LIFETIME_HEADERS: Readonly<Record<CdnProvider, string>> = {
  varnish: 'Surrogate-Control',
  fastly: 'Surrogate-Control',
  cloudflare: 'CDN-Cache-Control',
}

/**
 * Every document but a media file: a key named in the header only, never in
 * a site's plan (key-versions.ts: its version would change with every change).
 * What a purge of too many keys purges instead (purger.ts), leaving the CDN's
 * copies of images and audio, which no article's change alters.
 */
export const DOCUMENT_KEY = 'doc'

/**
 * The longest key header sent, in bytes. Varnish answers 503 for a response
 * header line past its http_resp_hdr_len (8 KB by default); Fastly's
 * Surrogate-Key and Cloudflare's Cache-Tag take 16 KB. A document that names
 * more (a view of hundreds of articles, each with its image) names instead
 * the keys every deploy and every change purge (SITE_KEY, ANY_KEY) and
 * DOCUMENT_KEY: never stale, only purged more often.
 */
export const MAX_KEY_HEADER_BYTES = 4096

/** What the CDN headers of a response depend on. */
export interface CdnDocument {
  readonly keys: readonly string[]
  readonly cache: CacheClass | 'media'
}

/**
 * Builds the function that gives a document its CDN headers: its cache keys
 * in the CDN's header and, with CDN_MAX_AGE, the CDN's own lifetime (no-store
 * for an answer meant for one browser). No CDN: no headers.
 */
export function createCdnHeaders(
  cdn: CdnConfig | undefined,
  policy: CachePolicy,
): (document: CdnDocument, forOneBrowser?: boolean) => Record<string, string> {
  if (!cdn) return () => ({})
  const { name, separator } = KEY_HEADERS[cdn.provider]
  const lifetimeHeader = LIFETIME_HEADERS[cdn.provider]
  // Every document but a media file also names DOCUMENT_KEY, in its full header and in the short one.
  const documents = `${separator}${DOCUMENT_KEY}`
  const everyChange = [SITE_KEY, ANY_KEY].join(separator)
  return ({ keys, cache }, forOneBrowser = false) => {
    const headers: Record<string, string> = {}
    if (keys.length > 0) {
      const also = cache === 'media' ? '' : documents
      const header = keys.join(separator) + also
      headers[name] = header.length <= MAX_KEY_HEADER_BYTES ? header : everyChange + also
    }
    const lifetime = sharedLifetime(cache, cdn.maxAge, policy)
    // A feed's browser page (send-resource.ts) is for one browser: the CDN's own
    // header would outrank its Cache-Control: private (RFC 9213), and Cloudflare
    // ignores Vary, so a kept page would reach feed readers.
    if (lifetime !== undefined) headers[lifetimeHeader] = forOneBrowser ? 'no-store' : `max-age=${lifetime}`
    return headers
  }
}

/**
 * Seconds the CDN may keep a document: CDN_MAX_AGE for what purges reach
 * (live documents, archive pages and media, never shorter than their own
 * lifetime); stylesheets and what is never stored keep Cache-Control's.
 */
export function sharedLifetime(cache: CacheClass | 'media', maxAge: number | undefined, policy: CachePolicy): number | undefined {
  if (maxAge === undefined) return undefined
  switch (cache) {
    case 'live':
      return maxAge
    case 'archive':
      return Math.max(maxAge, policy.archiveMaxAge)
    case 'media':
      return Math.max(maxAge, policy.mediaMaxAge)
    case 'asset':
    case 'none':
      return undefined
  }
}
