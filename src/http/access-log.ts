import type { MiddlewareHandler } from 'hono'
import type { Logger } from '../util/logger.js'
import type { RouteFamily } from './route-family.js'

/** Longer User-Agents are not matched (no client needs more; it bounds the work per request). */
const MAX_USER_AGENT = 512

/**
 * User-Agent families, first match wins: aggregators and readers, podcast
 * apps, crawlers, tools, then browsers (whose strings name each other, so
 * they come last). A bounded set: the full string is never logged (it can
 * identify a reader, and it is the client's to choose).
 */
const FAMILIES: readonly (readonly [string, RegExp])[] = [
  ['feedly', /^Feedly\//],
  ['inoreader', /^Inoreader\//],
  ['newsblur', /NewsBlur/],
  ['feedbin', /^Feedbin /],
  ['theoldreader', /theoldreader\.com/],
  ['netnewswire', /NetNewsWire/],
  ['newsboat', /^Newsboat\//i],
  ['rss2email', /rss2email/],
  ['miniflux', /Miniflux/],
  ['freshrss', /FreshRSS/],
  ['tt-rss', /Tiny Tiny RSS/],
  ['apple-podcasts', /^(?:AppleCoreMedia\/|iTMS|Podcasts\/)/],
  ['overcast', /^Overcast\//],
  ['pocketcasts', /^(?:PocketCasts\/|Pocket Casts)/],
  ['spotify', /^Spotify\//],
  ['antennapod', /^AntennaPod\//],
  ['googlebot', /Googlebot/],
  ['bingbot', /bingbot/],
  ['curl', /^curl\//],
  ['wget', /^Wget\//],
  ['python', /^(?:python-requests|Python-urllib|python-httpx|feedparser)/],
  ['go', /^Go-http-client\//],
  ['node', /^(?:node|undici)(?:\/|$)/],
  ['browser', /^Mozilla\/5\.0 .*(?:Firefox|Chrome|Safari)\//],
]

/** The family of a User-Agent: one of FAMILIES' names, `other`, or `none` when there is none. */
export function userAgentFamily(userAgent: string | undefined): string {
  if (userAgent === undefined || userAgent.trim() === '') return 'none'
  if (userAgent.length > MAX_USER_AGENT) return 'other'
  for (const [family, pattern] of FAMILIES) if (pattern.test(userAgent)) return family
  return 'other'
}

/**
 * The access log (ACCESS_LOG=1): one line per request, with its method,
 * route family, status, body bytes, the time to make the response, and the
 * User-Agent family. Never the path or the query: they can hold a token
 * (a plus feed's, a signed link's) and are unbounded. Registered only when
 * asked for, so requests pay nothing for it otherwise.
 */
export function accessLog(logger: Logger, familyOf: (path: string, url: string) => RouteFamily): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now()
    await next()
    const { status, body, headers } = c.res
    const fields = {
      method: c.req.method,
      route: familyOf(c.req.path, c.req.url),
      status,
      bytes: body === null || c.req.method === 'HEAD' ? 0 : Number(headers.get('Content-Length') ?? 0),
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      agent: userAgentFamily(c.req.header('User-Agent')),
    }
    logger.info(`request: ${fields.method} ${fields.route} ${status}, ${fields.bytes} bytes, ${fields.durationMs} ms, ${fields.agent}`, fields)
  }
}
