import { serveStatic } from '@hono/node-server/serve-static'
import { Hono, type Context } from 'hono'
import type { Config } from '../config.js'
import { MAX_FEED_LIMIT } from '../config.js'
import { FILTER_PARAMETERS, filterQuery, isFiltered, parseFeedFilter } from '../feeds/filter.js'
import { absoluteUrls, archivePaths, feedFormatOf, feedPaths, HEALTH_PATH, parseArchivePath } from '../site/paths.js'
import type { Resource } from '../site/resource.js'
import type { ContentStore } from '../store/content-store.js'
import { chooseEncoding } from './accept-encoding.js'
import { prefersHtml } from './accept.js'
import { cacheControl } from './cache-control.js'
import { isNotModified } from './conditional.js'

export interface AppOptions {
  readonly config: Config
  readonly store: ContentStore
  /** Milliseconds since the epoch; the real clock unless a test fixes it. */
  readonly now?: () => number
}

/** Request headers a cross-origin reader may send (they make browsers ask first, with OPTIONS). */
const CORS_REQUEST_HEADERS = 'If-None-Match, If-Modified-Since, Cache-Control, Range'
const CORS_EXPOSED_HEADERS = 'ETag, Last-Modified, Link, Content-Length, Content-Encoding'

/**
 * The HTTP face of the service. Every document is looked up, already
 * rendered, encoded and compressed, in the store's current site; handlers
 * choose bytes and set headers. Documents not rendered ahead (article pages,
 * archive pages, filtered feeds) are rendered on their first request and kept.
 */
export function createApp({ config, store, now = Date.now }: AppOptions): Hono {
  const app = new Hono()
  const section = config.section.slug
  const siteOrigin = new URL(config.siteUrl).origin
  // RFC 9110 §15.5.6 / Fetch: only what the pages need; nothing inline, nothing framed.
  const contentSecurityPolicy =
    `default-src 'none'; style-src 'self' ${siteOrigin}; img-src 'self' https: http:; ` +
    `media-src 'self' https: http:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`

  /** Sends a resource with negotiation, validators and caching headers; 304 when the client's copy is current. */
  const send = (c: Context, resource: Resource, options: { status?: 200 | 404; self?: string } = {}): Response => {
    const status = options.status ?? 200
    const coding = chooseEncoding(c.req.header('Accept-Encoding'), Object.keys(resource.encodings) as ('br' | 'gzip')[])
    const encoded = coding === 'identity' ? resource.identity : (resource.encodings[coding] ?? resource.identity)
    // A browser gets the same bytes under a type it renders, so the feed's stylesheets apply.
    const forBrowser = resource.browserContentType !== undefined && prefersHtml(c.req.header('Accept'))
    const etag = forBrowser ? `${encoded.etag.slice(0, -1)}-view"` : encoded.etag
    const headers: Record<string, string> = {
      'Content-Type': forBrowser ? (resource.browserContentType as string) : resource.contentType,
      ETag: etag,
      'Cache-Control': cacheControl(resource.cache, config.cache, now(), store.site().plan.nextPublication?.getTime()),
      Vary: resource.browserContentType === undefined ? 'Accept-Encoding' : 'Accept, Accept-Encoding',
      'X-Content-Type-Options': 'nosniff',
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': CORS_EXPOSED_HEADERS,
    }
    if (resource.lastModified) headers['Last-Modified'] = resource.lastModified.toUTCString()
    if (encoded !== resource.identity) headers['Content-Encoding'] = coding
    if (resource.contentType.startsWith('text/html')) {
      headers['Content-Security-Policy'] = contentSecurityPolicy
      headers['Referrer-Policy'] = 'strict-origin-when-cross-origin'
    }
    if (options.self && config.websubHub) {
      // WebSub §4: discovery through HTTP Link headers.
      headers.Link = `<${config.websubHub}>; rel="hub", <${options.self}>; rel="self"`
    }
    if (status === 200 && isNotModified(c.req.header('If-None-Match'), c.req.header('If-Modified-Since'), etag, resource.lastModified)) {
      delete headers['Content-Type']
      return c.body(null, 304, headers)
    }
    headers['Content-Length'] = String(encoded.body.byteLength)
    return c.body(encoded.body as Uint8Array<ArrayBuffer>, status, headers)
  }

  const redirect = (c: Context, location: string): Response => {
    c.header('Cache-Control', `public, max-age=${config.cache.archiveMaxAge}`)
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Access-Control-Allow-Origin', '*')
    return c.redirect(location, 301)
  }

  const badRequest = (c: Context, problem: string): Response => {
    c.header('Cache-Control', 'no-store')
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Access-Control-Allow-Origin', '*')
    return c.text(`Bad request: ${problem}\n`, 400)
  }

  app.use(
    '/media/*',
    serveStatic({ root: config.mediaDir, rewriteRequestPath: (path) => path.slice('/media'.length) }),
  )

  app.get(HEALTH_PATH, (c) => {
    const site = store.site()
    c.header('Cache-Control', 'no-store')
    c.header('X-Content-Type-Options', 'nosniff')
    return c.json({
      status: 'ok',
      published: site.plan.published,
      publishedInSection: site.plan.section.length,
      refused: store.refused().length,
      lastLoad: site.plan.now.toISOString(),
      nextPublication: site.plan.nextPublication?.toISOString() ?? null,
    })
  })

  app.on(['GET', 'HEAD'], '*', async (c) => {
    const path = c.req.path

    const format = feedFormatOf(section, path)
    if (format) {
      const query = c.req.queries()
      const known = FILTER_PARAMETERS.some((name) => query[name] !== undefined)
      if (known) {
        const filter = parseFeedFilter((name) => query[name] ?? [], MAX_FEED_LIMIT)
        if ('problem' in filter) return badRequest(c, filter.problem)
        if (isFiltered(filter)) {
          const self = absoluteUrls(config.siteUrl, feedPaths(section), filterQuery(filter))[format]
          // One URL per view: other spellings of the same filter are sent to it, so
          // caches hold one copy and the feed's self link matches where it was fetched.
          if (new URL(c.req.url).search !== `?${filterQuery(filter)}`) return redirect(c, self)
          return send(c, await store.filtered(format, filter), { self })
        }
      }
    }

    const ready = store.resource(path)
    if (ready) return send(c, ready, { self: format ? absoluteUrls(config.siteUrl, feedPaths(section))[format] : undefined })

    const archived = parseArchivePath(section, path)
    const archive = archived && store.archive(archived.format, archived.page)
    if (archived && archive) {
      return send(c, await archive, { self: absoluteUrls(config.siteUrl, archivePaths(section, archived.page))[archived.format] })
    }

    const page = store.articlePage(path)
    if (page) return send(c, await page)

    return send(c, await store.notFound(), { status: 404 })
  })

  app.options('*', (c) => {
    // CORS preflight (Fetch standard): conditional requests carry headers that are not "simple".
    c.header('Access-Control-Allow-Origin', '*')
    c.header('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS')
    c.header('Access-Control-Allow-Headers', CORS_REQUEST_HEADERS)
    c.header('Access-Control-Max-Age', '86400')
    c.header('Allow', 'GET, HEAD, OPTIONS')
    return c.body(null, 204)
  })

  app.all('*', (c) => {
    c.header('Allow', 'GET, HEAD, OPTIONS')
    c.header('X-Content-Type-Options', 'nosniff')
    return c.text('Method not allowed\n', 405)
  })

  app.onError((error, c) => {
    console.error(error)
    return c.text('Internal server error\n', 500)
  })

  return app
}
