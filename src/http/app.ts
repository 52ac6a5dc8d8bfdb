import { Hono, type Context } from 'hono'
import type { Config } from '../config.js'
import { MAX_FEED_LIMIT } from '../config.js'
import { FILTER_PARAMETERS, filterQuery, isFiltered, parseFeedFilter } from '../feeds/filter.js'
import { FEED_FORMATS, type FeedFormat } from '../feeds/feed-model.js'
import { absoluteUrls, feedPaths, HEALTH_PATH, parseArchivePath, READY_PATH, websubTopics } from '../site/paths.js'
import type { ContentStore } from '../store/content-store.js'
import { redactUrl } from '../text/redact.js'
import { healthReasons, type HealthCheck } from '../util/health.js'
import type { Logger } from '../util/logger.js'
import { ALLOWED_METHODS } from './client-errors.js'
import { SERVER_ERROR, serverError, shortAnswer, textAnswer } from './common-headers.js'
import { accessLog } from './access-log.js'
import { toResponse, viewOfContext, type Answer, type RequestView } from './exchange.js'
import { createMediaHandler } from './media.js'
import { observed, pollFeed, pollLimit } from './observe.js'
import type { Traffic } from '../ops/traffic.js'
import { routeFamilies, type RouteFamily } from './route-family.js'
import { createSender, type SendOptions } from './send-resource.js'
import { readFormQuery } from './form-query.js'
import { createCdnHeaders } from '../cdn/cdn-headers.js'
import { missingKeys } from '../site/cache-keys.js'
import type { Resource } from '../site/resource.js'
import type { Site } from '../site/build-site.js'
import { plusRoutes, type PlusSource } from './plus-feeds.js'

export interface AppOptions {
  readonly config: Config
  readonly store: ContentStore
  /** Milliseconds since the epoch; the real clock unless a test fixes it. */
  readonly now?: () => number
  /** Where requests that fail on the server's side are reported; the console by default. */
  readonly logger?: Logger
  /** What /healthz asks why the service is not healthy (live updates; CDN purges): none, always ok. */
  readonly health?: readonly HealthCheck[]
  /** Where requests, bytes and feed polls are counted (metrics, /stats, POLL_MIN_INTERVAL); none: nothing is. */
  readonly traffic?: Traffic
  /** Subscriber feeds (docs/plus.md): the plus room's documents and revocations; served only with PLUS_SECRET. */
  readonly plus?: PlusSource | undefined
}

/** The HTTP face of the service: Hono's app, and the fast path in front of it (listener.ts). */
export interface Http {
  readonly app: Hono
  /**
   * A GET or HEAD of a document rendered ahead, answered (and counted) at
   * once by the same function Hono's route calls first, or once its identity
   * bytes are inflated (a promise, which does not reject: a failed inflate is
   * answered 500, logged as app.onError does); undefined for any
   * other request, which then goes to `app`. None with ACCESS_LOG=1: the
   * access log is Hono middleware, so every request goes through Hono.
   */
  readonly fastPath: ((request: RequestView) => Answer | Promise<Answer> | undefined) | undefined
}

/** Request headers a cross-origin reader may send (they make browsers ask first, with OPTIONS). */
const CORS_REQUEST_HEADERS = 'If-None-Match, If-Modified-Since, If-Match, If-Unmodified-Since, If-Range, Cache-Control, Range'

/** The Hono app alone (createHttp): what tests call with app.request(). */
export function createApp(options: AppOptions): Hono {
  return createHttp(options).app
}

/**
 * The HTTP face of the service. Every document is looked up, already
 * rendered, encoded and compressed, in the store's current site; handlers
 * choose bytes and set headers. Documents not rendered ahead (article pages,
 * archive pages, filtered feeds) are rendered on their first request and kept.
 * Routing is declared here only: the fast path is `ready`, which Hono's
 * route asks first too.
 */
export function createHttp({ config, store, now = Date.now, logger = console, health = [], traffic, plus }: AppOptions): Http {
  const app = new Hono()
  const section = config.section.slug
  const siteOrigin = new URL(config.siteUrl).origin
  const cdnHeaders = createCdnHeaders(config.cdn, config.cache)
  const send = createSender({
    cache: config.cache,
    now,
    nextPublication: () => store.site().plan.nextPublication?.getTime(),
    // Only what the pages need; nothing framed, no inline script or style element. Style
    // attributes only for the table alignment Markdown writes, which is all the sanitiser
    // lets through (render-markdown.ts: text-align on th and td); without them a table
    // lost its alignment on the page.
    contentSecurityPolicy:
      `default-src 'none'; style-src 'self' ${siteOrigin}; style-src-attr 'unsafe-inline'; img-src 'self' https: http:; ` +
      `media-src 'self' https: http:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    hub: config.websubHub,
    sent: traffic && ((encoding, bytes) => traffic.sent(encoding, bytes)),
    cdnHeaders,
  })
  const media = createMediaHandler({ root: config.mediaDir, maxAge: config.cache.mediaMaxAge, now, logger, cdnHeaders })
  const subscribers = plusRoutes(config, plus, { logger, now, nextPublication: () => store.site().plan.nextPublication?.getTime() })
  // Worked out once: which path is which feed, and which documents are WebSub topics.
  const feedByPath = new Map(FEED_FORMATS.map((format) => [feedPaths(section)[format], format] as const))
  const topicByPath = websubTopics(config.siteUrl, section)
  const families = routeFamilies(section, new Set(topicByPath.keys()))
  // ACCESS_LOG=1: the one middleware, registered only then (the catch-all below says why).
  if (config.accessLog) app.use(accessLog(logger, families))

  const badRequest = (problem: string): Answer => textAnswer(400, { 'Cache-Control': 'no-store' }, `Bad request: ${problem}\n`)

  // Honest health for monitors: 503 while anything is wrong, though readers
  // still get the last good content. A load balancer asks /readyz instead: the
  // instances share the folder, and taking them all out would serve nothing
  // (docs/operations.md).
  app.get(HEALTH_PATH, () => {
    const site = store.site()
    const reasons = healthReasons(health)
    const body = {
      ...(reasons.length === 0 ? { status: 'ok' } : { status: 'degraded', reasons }),
      published: site.plan.published,
      publishedInSection: site.plan.section.length,
      refused: store.refused().length,
      lastLoad: site.plan.now.toISOString(),
      nextPublication: site.plan.nextPublication?.toISOString() ?? null,
    }
    return shortAnswer(reasons.length === 0 ? 200 : 503, { 'Cache-Control': 'no-store' }, JSON.stringify(body), 'application/json')
  })
  // Readiness and liveness: the socket opens only after the first load, so an answer means content to serve.
  app.get(READY_PATH, () => shortAnswer(200, { 'Cache-Control': 'no-store' }, '{"status":"ready"}', 'application/json'))

  /**
   * GET and HEAD of a document rendered ahead: answered synchronously, so the
   * response is written in the same turn as the request was read; a promise
   * only for identity bytes inflated off the event loop (the answer is made
   * once they are, send-resource.ts). Undefined
   * for everything that is not one: the health routes (Hono's, above),
   * media, subscriber feeds, a feed with a query (a filtered view, maybe),
   * documents rendered on request, 404. Hono's route asks it first and the listener's fast path
   * asks only it, so both answer these requests with the same code.
   */
  const ready = (request: RequestView): Answer | Promise<Answer> | undefined => {
    const route = routeOf(request.path, request.url)
    return route && sendRoute(request, route)
  }

  /**
   * What `ready` decides of a path, found once per path and site: a request
   * for the same document of the same site takes it from one map instead of
   * asking the path's kind, the store, the topic and the route family again.
   */
  const routes = new Map<string, ReadyRoute>()
  // The site the routes were found in: a new one empties them all (checked per request, so a swap is seen at
  // once), and its swap lets go of them, so no route holds a site's documents past it.
  let routesOf: Site | undefined
  store.onChange(() => {
    routes.clear()
    routesOf = undefined
  })
  const routeOf = (path: string, url: string): ReadyRoute | undefined => {
    const site = store.site()
    if (site !== routesOf) {
      routes.clear()
      routesOf = site
    }
    const known = routes.get(path)
    // A feed asked with a query is no document rendered ahead (a filtered view, maybe).
    if (known !== undefined) return known.feed && url.includes('?') ? undefined : known
    if (path === HEALTH_PATH || path === READY_PATH || path.startsWith('/media/')) return undefined
    if (subscribers && path.startsWith(subscribers.prefix)) return undefined
    const feed = feedByPath.has(path)
    if (feed && url.includes('?')) return undefined
    const resource = store.resource(path)
    if (!resource) return undefined
    const send = topicSends.get(path)
    // The family of a path without a query: what the counters would work out per request (route-family.ts).
    const route: ReadyRoute = { resource, feed, send, family: families(path, path) }
    // Bounded by the documents rendered ahead; a safety net all the same.
    if (routes.size >= 4096) routes.clear()
    routes.set(path, route)
    return route
  }
  const sendRoute = (request: RequestView, route: ReadyRoute): Answer | Promise<Answer> => {
    const answer = route.send !== undefined && traffic ? sendPolled(request, traffic, route.resource, route.send) : send(request, route.resource, route.send)
    // Made later (identity bytes inflated) and failed: answered 500 here, as app.onError would. Left to Hono's route,
    // the request was asked POLL_MIN_INTERVAL again (a 429 for the server's failure) and counted for /stats twice.
    return answer instanceof Promise ? answer.catch((error: unknown) => failed(request, error)) : answer
  }
  const logFailure = (method: string, path: string, error: Error): void => {
    const line = `${method} ${redactUrl(path)} failed on the server's side: ${error.message}`
    if (logger.error) logger.error(line, { err: error })
    else logger.warn(line, { err: error })
  }
  const failed = (request: RequestView, error: unknown): Answer => {
    logFailure(request.method, request.path, error instanceof Error ? error : new Error(String(error)))
    return SERVER_ERROR
  }
  // A topic's options made once per path, not per request.
  const topicSends = new Map([...topicByPath].map(([path, topic]) => [path, { topic }] as const))
  const sendStored = (request: RequestView, resource: Resource): Answer | Promise<Answer> => {
    const topic = topicSends.get(request.path)
    return topic && traffic ? sendPolled(request, traffic, resource, topic) : send(request, resource, topic)
  }

  // POLL_MIN_INTERVAL off (the default): no gate is asked, so a poll reads no User-Agent and hashes no client for it.
  const limits = traffic && config.pollMinIntervalMs > 0 ? traffic : undefined

  /** A current feed (a WebSub topic): POLL_MIN_INTERVAL asked before a full body is sent, the poll counted for /stats (observe.ts). */
  const sendPolled = (request: RequestView, traffic: Traffic, resource: Resource, topic: SendOptions): Answer | Promise<Answer> => {
    const answer = send(request, resource, topic, limits && pollLimit(request, limits, request.path))
    pollFeed(request, traffic, request.path, !(answer instanceof Promise) && answer.status === 304)
    return answer
  }

  /** GET and HEAD of everything but health: documents rendered ahead first, then media, filtered views, the rest. */
  const serve = (c: Context, request: RequestView): Response | Promise<Response> => {
    const fast = ready(request)
    if (fast) return responseOf(fast)
    const path = request.path
    // A plus article's media are withheld as if absent (content/plus-media.ts).
    if (path.startsWith('/media/')) {
      const file = path.slice('/media/'.length)
      return (store.withholdsMedia(file) ? undefined : media(c, file)) ?? serveLazy(request, path).then(toResponse)
    }
    if (subscribers && path.startsWith(subscribers.prefix)) return subscribers.serve(c, path)
    const format = feedByPath.get(path)
    if (format && request.url.includes('?')) {
      const filtered = serveFiltered(request, format)
      if (filtered) return responseOf(filtered)
    }
    const resource = store.resource(path)
    if (resource) return responseOf(sendStored(request, resource))
    // A topic not rendered ahead (the podcast feed of a site without episodes: 404) is a poll all the same (/stats).
    if (traffic && topicByPath.has(path)) pollFeed(request, traffic, path)
    return responseOf(serveLazy(request, path))
  }

  const serveFiltered = (request: RequestView, format: FeedFormat): Answer | Promise<Answer> | undefined => {
    const url = request.url
    const query = readFormQuery(url.slice(url.indexOf('?') + 1))
    if ('problem' in query) return badRequest(query.problem)
    if (!FILTER_PARAMETERS.some((name) => query.has(name))) return undefined
    const filter = parseFeedFilter((name) => query.get(name) ?? [], MAX_FEED_LIMIT)
    if ('problem' in filter) return badRequest(filter.problem)
    if (!isFiltered(filter)) return undefined
    // Every spelling of a view (`+` or `%20`, tags in any order) gets the
    // canonical view's bytes, not a redirect: sfeed does not follow one, and
    // every other poller would pay a round trip per poll. Its one URL is the
    // feed's self link and Content-Location (RFC 9110 §8.7); the store keeps
    // one rendering per canonical view.
    const self = absoluteUrls(config.siteUrl, feedPaths(section), filterQuery(filter))[format]
    const refuse = limits && pollLimit(request, limits, self)
    return store.filtered(format, filter).then((resource) => send(request, resource, { contentLocation: self }, refuse))
  }

  /** Documents rendered on their first request: archive pages, article pages; else 404. */
  const serveLazy = async (request: RequestView, path: string): Promise<Answer> => {
    // A sitemap of the first site, written after the first feed is served: waited for, never a 404 (store/later-sitemaps.ts).
    const sitemap = await store.later(path)
    if (sitemap) return send(request, sitemap)
    const archived = parseArchivePath(section, path)
    const archive = archived && (await store.archive(archived.format, archived.page))
    if (archive) return send(request, archive)
    const page = await store.articlePage(path)
    if (page) return send(request, page)
    // Keyed by what may appear here later: its publication purges the cached 404.
    return send(request, { ...(await store.notFound()), keys: missingKeys(path, section) }, { status: 404 })
  }

  // One catch-all route, so a feed request matches one handler only: Hono then
  // calls it directly instead of composing a middleware chain (measured: a
  // third of the throughput of a 304).
  const handle = (c: Context): Response | Promise<Response> => {
    const method = c.req.method
    if (method === 'GET' || method === 'HEAD') return serve(c, viewOfContext(c))
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
  }
  app.all('*', traffic ? observed(traffic, families, handle) : handle)

  app.onError((error, c) => {
    logFailure(c.req.method, c.req.path, error)
    // As every other 500: c.text gave none of the headers of every answer, no-store nor a Content-Length (the access log said 0 bytes).
    return serverError()
  })

  // The fast path counts what it answers as Hono's route does (observed); with ACCESS_LOG=1 there is none.
  // The family is the route's, found once (routeOf), not worked out of the path per request.
  // An answer made later (identity bytes inflated) is counted when made, a failed one as its 500 (sendRoute).
  const counted = (request: RequestView): Answer | Promise<Answer> | undefined => {
    const started = performance.now()
    const route = routeOf(request.path, request.url)
    if (route === undefined) return undefined
    const answer = sendRoute(request, route)
    // A closure only for an answer made later: the rest allocate none.
    return answer instanceof Promise ? answer.then((made) => record(request, route, made, started)) : record(request, route, answer, started)
  }
  const record = (request: RequestView, route: ReadyRoute, answer: Answer, started: number): Answer => {
    ;(traffic as Traffic).request(route.family, request.method, answer.status, (performance.now() - started) / 1000)
    return answer
  }
  return { app, fastPath: config.accessLog ? undefined : traffic ? counted : ready }
}

/** A document rendered ahead, as `ready` found it for a path in one site. */
interface ReadyRoute {
  readonly resource: Resource
  /** A current feed's path: asked with a query, it is no document rendered ahead. */
  readonly feed: boolean
  /** A WebSub topic's (a current feed: its polls are counted for /stats and limited); none for any other document. */
  readonly send: SendOptions | undefined
  readonly family: RouteFamily
}

const responseOf = (answer: Answer | Promise<Answer>): Response | Promise<Response> => (answer instanceof Promise ? answer.then(toResponse) : toResponse(answer))
