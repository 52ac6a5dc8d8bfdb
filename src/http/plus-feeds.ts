import type { Context } from 'hono'
import type { CachePolicy } from '../caching.js'
import type { Config } from '../config.js'
import { badTokenAnswer, type BadTokenContext, type BadTokenReason } from '../plus/bad-token.js'
import { BadTokenLimit, clientKey } from '../plus/bad-token-limit.js'
import { plusPrefix, SUBSCRIBER_FILES, type SubscriberFile } from '../plus/plus-paths.js'
import type { SubscriberDocument } from '../plus/subscriber-document.js'
import { verifyToken, type PlusKeys } from '../plus/token.js'
import { chooseEncoding } from './accept-encoding.js'
import { cacheControl, privately } from './cache-control.js'
import { COMMON_HEADERS, shortAnswer } from './common-headers.js'
import { isNotModified } from './conditional.js'
import { createMediaHandler } from './media.js'
import { incomingOf, requestHeader } from './exchange.js'
import type { Logger } from '../util/logger.js'
import { subscribeUrlOf } from '../site/build-site.js'
import { redactSecrets } from '../text/redact.js'

/** What the subscriber routes need of the plus room, the store and the media handler. */
export interface PlusFeedsOptions {
  /** `/wirtschaft/plus/`. */
  readonly prefix: string
  readonly keys: PlusKeys
  readonly revocations: { isRevoked(subscriber: string): boolean }
  readonly feeds: { document(file: SubscriberFile): SubscriberDocument | undefined; isPlusMedia(relative: string): boolean }
  readonly limit: BadTokenLimit
  /** The /media/ handler (media.ts), for plus audio: the same ranges, validators and checks of the path. */
  readonly media: (c: Context, relative: string) => Response | undefined
  readonly cache: CachePolicy
  readonly nextPublication: () => number | undefined
  readonly badToken: Omit<BadTokenContext, 'now'>
  readonly now: () => number
}

const FILE_BY_NAME = new Map<string, SubscriberFile>(Object.entries(SUBSCRIBER_FILES).map(([file, name]) => [name, file as SubscriberFile]))

/**
 * Headers of every subscriber answer: kept out of search engines, and no
 * Referer leaves a subscriber's browser with the token in it (a feed opened
 * in a browser, a link followed from it).
 */
const PRIVATE_HEADERS = { 'X-Robots-Tag': 'noindex', 'Referrer-Policy': 'no-referrer' } as const
/** Headers of the answers that are no document: 404, 429, a bad token's. */
const NOT_STORED = { 'Cache-Control': 'no-store', ...PRIVATE_HEADERS } as const

/**
 * `/wirtschaft/plus/<token>/{feed.xml,atom.xml,feed.json,podcast.xml}` and
 * `…/media/<file>` (docs/plus.md). In order: a bad token from a client over
 * its bad-token limit gets 429; another bad token gets the explanation feed
 * (bad-token.ts), 403 or 410; a good one, from any client, the document,
 * `Cache-Control: private`, never a CDN key or a hub, or a plus episode's
 * audio with byte ranges as /media/ serves it. Anything else is 404.
 */
export function createPlusFeeds(options: PlusFeedsOptions): (c: Context, path: string) => Response | Promise<Response> {
  const serve = plusAnswer(options)
  // Not the store's 404 page: its CDN keys are made from the path, which holds a token here.
  return (c, path) => serve(c, path) ?? shortAnswer(404, NOT_STORED, 'Not found\n')
}

function plusAnswer(options: PlusFeedsOptions): (c: Context, path: string) => Response | Promise<Response> | undefined {
  return (c, path) => {
    const rest = path.slice(options.prefix.length)
    const slash = rest.indexOf('/')
    if (slash <= 0) return undefined
    const token = rest.slice(0, slash)
    const name = rest.slice(slash + 1)
    const file = FILE_BY_NAME.get(name)
    const media = name.startsWith('media/') ? name.slice('media/'.length) : undefined
    if (file === undefined && media === undefined) return undefined
    const client = clientKey(incomingOf(c)?.socket?.remoteAddress)
    // The token is checked first (an HMAC over at most ~180 bytes, the regex bounds it): a good one is served
    // whatever its address sent before, since subscribers behind one NAT, and all of them behind a reverse
    // proxy or CDN, share one address. Telling a guesser its right guess costs nothing: a 256-bit mac is not guessed.
    const now = options.now()
    const check = verifyToken(options.keys, token, now)
    const reason: BadTokenReason | undefined =
      check.status === 'invalid' ? 'invalid' : options.revocations.isRevoked(check.subscriber) ? 'revoked' : check.status === 'expired' ? 'expired' : undefined
    if (reason !== undefined) {
      const wait = options.limit.waitFor(client)
      if (wait !== undefined) {
        // RFC 6585 §4, RFC 9110 §10.2.3.
        return shortAnswer(429, { 'Retry-After': String(wait), ...NOT_STORED }, `Too many invalid plus feed links from this address; retry in ${wait} s\n`)
      }
      if (check.status === 'invalid') options.limit.failed(client)
      const expires = check.status === 'invalid' ? undefined : check.expires
      if (file === undefined) return shortAnswer(reason === 'expired' ? 410 : 403, NOT_STORED, `Plus feed link ${reason}\n`)
      const answer = badTokenAnswer(file, { reason, expires }, { ...options.badToken, now: new Date(now) })
      return shortAnswer(answer.status, NOT_STORED, answer.body, answer.contentType)
    }
    const caching = privately(cacheControl('live', options.cache, now, options.nextPublication()))
    if (media !== undefined) return servePlusMedia(c, media, caching, options)
    const document = options.feeds.document(file as SubscriberFile)
    if (!document) return undefined
    return sendDocument(c, document, token, caching)
  }
}

/** A plus episode's audio or transcript file, as /media/ serves files; any other file is not there (404). */
function servePlusMedia(c: Context, relative: string, caching: string, options: PlusFeedsOptions): Response | undefined {
  if (!options.feeds.isPlusMedia(relative)) return undefined
  const response = options.media(c, relative)
  if (!response) return undefined
  // The handler's public caching replaced: this copy is one subscriber's (its handler sends no CDN keys).
  response.headers.set('Cache-Control', response.status >= 500 ? 'no-store' : caching)
  for (const [name, value] of Object.entries(PRIVATE_HEADERS)) response.headers.set(name, value)
  return response
}

async function sendDocument(c: Context, document: SubscriberDocument, token: string, caching: string): Promise<Response> {
  const coding = document.compressible ? chooseEncoding(requestHeader(c, 'accept-encoding'), ['br', 'gzip']) : 'identity'
  const own = document.etagFor(token)
  const etag = coding !== 'identity' ? `${own.slice(0, -1)}-${coding === 'gzip' ? 'gz' : 'br'}"` : own
  const headers: Record<string, string> = {
    ETag: etag,
    'Cache-Control': caching,
    Vary: 'Accept-Encoding',
    ...COMMON_HEADERS,
    ...PRIVATE_HEADERS,
    'Access-Control-Expose-Headers': 'ETag',
  }
  if (document.lastModified) headers['Last-Modified'] = document.lastModified.toUTCString()
  if (isNotModified(requestHeader(c, 'if-none-match'), requestHeader(c, 'if-modified-since'), etag, document.lastModified)) {
    return new Response(null, { status: 304, headers })
  }
  const body = coding === 'identity' ? document.body(token) : await document.encoded(token, coding)
  headers['Content-Type'] = document.contentType
  headers['Content-Length'] = String(body.byteLength)
  if (coding !== 'identity') headers['Content-Encoding'] = coding
  return new Response(c.req.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), { status: 200, headers })
}

/** What the app is given of the plus room: the documents and who is revoked (main.ts makes them). */
export interface PlusSource {
  readonly feeds: PlusFeedsOptions['feeds']
  readonly revocations: PlusFeedsOptions['revocations']
}

/** The subscriber routes for the app, with their prefix; undefined without PLUS_SECRET or without the plus room. */
export function plusRoutes(
  config: Pick<Config, 'plus' | 'section' | 'siteUrl' | 'siteName' | 'timeZone' | 'cache' | 'mediaDir' | 'settings'>,
  plus: PlusSource | undefined,
  shared: Pick<PlusFeedsOptions, 'nextPublication' | 'now'> & { readonly logger: Pick<Logger, 'warn'> },
): { readonly prefix: string; readonly serve: (c: Context, path: string) => Response | Promise<Response> } | undefined {
  if (!config.plus || !plus) return undefined
  const prefix = plusPrefix(config.section.slug)
  const badToken = { siteUrl: config.siteUrl, siteName: config.siteName, sectionTitle: config.section.title, renewUrl: subscribeUrlOf(config), timeZone: config.timeZone }
  const limit = new BadTokenLimit({ now: shared.now })
  // The /media/ handler itself, without CDN headers: never a key a shared cache could be purged by.
  // Its warnings name the request's path: redacted here too, whatever logger the app was given.
  const logger = { warn: (line: string) => shared.logger.warn(redactSecrets(line)) }
  const media = createMediaHandler({ root: config.mediaDir, maxAge: 0, now: shared.now, logger })
  return { prefix, serve: createPlusFeeds({ ...shared, media, prefix, keys: config.plus.keys, feeds: plus.feeds, revocations: plus.revocations, limit, cache: config.cache, badToken }) }
}
