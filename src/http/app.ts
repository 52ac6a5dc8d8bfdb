import { serveStatic } from '@hono/node-server/serve-static'
import { Hono, type Context } from 'hono'
import type { Config } from '../config.js'
import { renderNotFoundPage } from '../site/pages.js'
import { createResource, type Resource } from '../site/resource.js'
import type { ContentStore } from '../store/content-store.js'

export interface AppOptions {
  readonly config: Config
  readonly store: ContentStore
}

/**
 * The HTTP face of the service. Every document is looked up, already
 * rendered and encoded, in the store's current site; handlers only choose
 * bytes and set headers.
 */
export function createApp({ config, store }: AppOptions): Hono {
  const app = new Hono()

  app.use('/media/*', serveStatic({ root: config.mediaDir, rewriteRequestPath: (path) => path.slice('/media'.length) }))

  app.on(['GET', 'HEAD'], '*', async (c) => {
    const site = store.site()
    const resource = site.resources.get(c.req.path) ?? (await store.articlePage(c.req.path))
    if (resource) return send(c, resource)
    return send(c, createResource(renderNotFoundPage(site.context), 'text/html; charset=utf-8', undefined), 404)
  })

  app.all('*', (c) => {
    c.header('Allow', 'GET, HEAD')
    return c.text('Method not allowed\n', 405)
  })

  app.onError((error, c) => {
    console.error(error)
    return c.text('Internal server error\n', 500)
  })

  return app
}

function send(c: Context, resource: Resource, status: 200 | 404 = 200): Response {
  const headers: Record<string, string> = {
    'Content-Type': resource.contentType,
    ETag: resource.etag,
  }
  if (resource.lastModified) headers['Last-Modified'] = resource.lastModified.toUTCString()
  if (status === 200 && c.req.header('If-None-Match')?.split(',').some((tag) => tag.trim() === resource.etag)) {
    return c.body(null, 304, headers)
  }
  return c.body(resource.body as Uint8Array<ArrayBuffer>, status, headers)
}
