import { Hono, type Context } from 'hono'
import type { Config } from '../config.js'
import { MAX_FEED_LIMIT } from '../config.js'
import { FILTER_PARAMETERS, filterQuery, isFiltered, parseFeedFilter } from '../feeds/filter.js'
import { FEED_FORMATS, type FeedFormat } from '../feeds/feed-model.js'
import { absoluteUrls, feedPaths, HEALTH_PATH, parseArchivePath, websubTopics } from '../site/paths.js'
import type { ContentStore } from '../store/content-store.js'
import type { Logger } from '../util/logger.js'
import { ALLOWED_METHODS } from './client-errors.js'
import { shortAnswer } from './common-headers.js'
import { createMediaHandler } from './media.js'
import { createSender } from './send-resource.js'
import { createCdnHeaders } from '../cdn/cdn-headers.js'
import { missingKeys } from '../site/cache-keys.js'

export interface AppOptions {
  readonly config: Config
  readonly store: ContentStore
  /** Milliseconds since the epoch; the real clock unless a test fixes it. */
  readonly now?: () => number
  /** Where requests that fail on the server's side are reported; the console by default. */
  readonly logger?: Logger
  /** Why the content served may not be current (a reload failed; live-updates.ts), or undefined: /healthz reports it. */
  readonly contentProblem?: () => string | undefined
}

/** Request headers a cross-origin reader may send (they make browsers ask first, with OPTIONS). */
const CORS_REQUEST_HEADERS = 'If-None-Match, If-Modified-Since, If-Match, If-Unmodified-Since, If-Range, Cache-Control, Range'

/**
 * The HTTP face of the service. Every document is looked up, already
 * rendered, encoded and compressed, in the store's current site; handlers
 * choose bytes and set headers. Documents not rendered ahead (article pages,
 * archive pages, filtered feeds) are rendered on their first request and kept.
 */
export function createApp({ config, store, now = Date.now, logger = console, contentProblem = () => undefined }: AppOptions): Hono {
  const app = new Hono()
  const section = config.section.slug
  const siteOrigin = new URL(config.siteUrl).origin
  const cdnHeaders = createCdnHeaders(config.cdn, config.cache)
  const send = createSender({
    cache: config.cache,
    now,
    nextPublication: () => store.site().plan.nextPublication?.getTime(),
    // Only what the pages need; nothing inline, nothing framed.
    contentSecurityPolicy:
      `default-src 'none'; style-src 'self' ${siteOrigin}; img-src 'self' https: http:; ` +
      `media-src 'self' https: http:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    hub: config.websubHub,
    cdnHeaders,
  })
  const media = createMediaHandler({ root: config.mediaDir, maxAge: config.cache.mediaMaxAge, now, logger, cdnHeaders })
  // Worked out once: which path is which feed, and which documents are WebSub topics.
  const feedByPath = new Map(FEED_FORMATS.map((format) => [feedPaths(section)[format], format] as const))
  const topicByPath = websubTopics(config.siteUrl, section)

  const redirect = (location: string): Response =>
    shortAnswer(301, { Location: location, 'Cache-Control': `public, max-age=${config.cache.archiveMaxAge}` }, '')

  const badRequest = (problem: string): Response => shortAnswer(400, { 'Cache-Control': 'no-store' }, `Bad request: ${problem}\n`)

  // Degraded is still 200: the service serves its last good content, and a load
  // balancer that took every instance out (they share the folder) would serve
  // nothing; monitors read `status` (docs/http.md).
  app.get(HEALTH_PATH, () => {
    const site = store.site()
    const problem = contentProblem()
    const health = {
      ...(problem === undefined ? { status: 'ok' } : { status: 'degraded', problem }),
      published: site.plan.published,
      publishedInSection: site.plan.section.length,
      refused: store.refused().length,
      lastLoad: site.plan.now.toISOString(),
      nextPublication: site.plan.nextPublication?.toISOString() ?? null,
    }
    return shortAnswer(200, { 'Cache-Control': 'no-store' }, JSON.stringify(health), 'application/json')
  })

  /**
   * GET and HEAD of everything but health and media: feeds, archives, pages,
   * 404. A document rendered ahead is answered synchronously: the response is
   * then written in the same turn as the request was read.
   */
  const serve = (c: Context): Response | Promise<Response> => {
    const path = c.req.path
    if (path.startsWith('/media/')) return media(c, path.slice('/media/'.length)) ?? serveLazy(c, path)
    const format = feedByPath.get(path)
    if (format && c.req.url.includes('?')) {
      const filtered = serveFiltered(c, format)
      if (filtered) return filtered
    }
    const ready = store.resource(path)
    if (ready) return send(c, ready, { topic: topicByPath.get(path) })
    return serveLazy(c, path)
  }

  const serveFiltered = (c: Context, format: FeedFormat): Response | Promise<Response> | undefined => {
    const query = c.req.queries()
    if (!FILTER_PARAMETERS.some((name) => query[name] !== undefined)) return undefined
    const filter = parseFeedFilter((name) => query[name] ?? [], MAX_FEED_LIMIT)
    if ('problem' in filter) return badRequest(filter.problem)
    if (!isFiltered(filter)) return undefined
    const self = absoluteUrls(config.siteUrl, feedPaths(section), filterQuery(filter))[format]
    // One URL per view: other spellings of the same filter are sent to it, so
    // caches hold one copy and the feed's self link matches where it was fetched.
    if (new URL(c.req.url).search !== `?${filterQuery(filter)}`) return redirect(self)
    return store.filtered(format, filter).then((resource) => send(c, resource))
  }

  /** Documents rendered on their first request: archive pages, article pages; else 404. */
  const serveLazy = async (c: Context, path: string): Promise<Response> => {
    const archived = parseArchivePath(section, path)
    const archive = archived && store.archive(archived.format, archived.page)
    if (archived && archive) {
      return send(c, await archive)
    }
    const page = store.articlePage(path)
    if (page) return send(c, await page)
    // Keyed by what may appear here later: its publication purges the cached 404.
    return send(c, { ...(await store.notFound()), keys: missingKeys(path, section) }, { status: 404 })
  }

  // One catch-all route, so a feed request matches one handler only: Hono then
  // calls it directly instead of composing a middleware chain (measured: a
  // third of the throughput of a 304).
  app.all('*', (c) => {
    const method = c.req.method
    if (method === 'GET' || method === 'HEAD') return serve(c)
    if (method === 'OPTIONS') {
      // CORS preflight (Fetch standard): conditional requests carry headers that are not "simple".
      return shortAnswer(204, {
        Allow: ALLOWED_METHODS,
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers': CORS_REQUEST_HEADERS,
        'Access-Control-Max-Age': '86400',
      })
    }
    return shortAnswer(405, { Allow: ALLOWED_METHODS }, 'Method not allowed\n')
  })

  app.onError((error, c) => {
    console.error(error)
    return c.text('Internal server error\n', 500)
  })

  return app
}
