import type { MiddlewareHandler } from 'hono'
import type { Logger } from '../util/logger.js'
import type { RouteFamily } from './route-family.js'
import { userAgentFamily } from './user-agent-family.js'

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
