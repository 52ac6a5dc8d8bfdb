import type { Context } from 'hono'
import type { Traffic } from '../ops/traffic.js'
import { shortAnswer } from './common-headers.js'
import type { RouteFamily } from './route-family.js'
import { requestHeader } from './send-resource.js'

/**
 * Wraps the app's one handler so each response is counted with its family,
 * method, status and duration: a clock read and a few additions per request,
 * no middleware chain (app.ts says why).
 */
export function observed(
  traffic: Traffic,
  familyOf: (path: string, url: string) => RouteFamily,
  handle: (c: Context) => Response | Promise<Response>,
): (c: Context) => Response | Promise<Response> {
  const record = (c: Context, response: Response, started: number): Response => {
    traffic.request(familyOf(c.req.path, c.req.url), c.req.method, response.status, (performance.now() - started) / 1000)
    return response
  }
  // A handler that throws is answered 500 by app.onError: counted as such here.
  const failed = (c: Context, started: number, error: unknown): never => {
    traffic.request(familyOf(c.req.path, c.req.url), c.req.method, 500, (performance.now() - started) / 1000)
    throw error
  }
  return (c) => {
    const started = performance.now()
    let result: Response | Promise<Response>
    try {
      result = handle(c)
    } catch (error) {
      return failed(c, started, error)
    }
    return result instanceof Promise
      ? result.then(
          (response) => record(c, response, started),
          (error: unknown) => failed(c, started, error),
        )
      : record(c, result, started)
  }
}

const clientOf = (c: Context) => ({
  userAgent: requestHeader(c, 'user-agent'),
  socket: (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket,
})

/** A poll of a current feed, told to the traffic counters (readers on /stats). */
export function pollFeed(c: Context, traffic: Traffic, feed: string): void {
  const conditional = requestHeader(c, 'if-none-match') !== undefined || requestHeader(c, 'if-modified-since') !== undefined
  const { userAgent, socket } = clientOf(c)
  traffic.feedPoll(feed, userAgent, socket?.remoteAddress, conditional, socket)
}

/**
 * POLL_MIN_INTERVAL, decided on the answer: a full body (200 to a GET) of
 * the same feed or view (`view`) sent to the same client again within the
 * interval becomes 429; a 304 (validators that matched) and HEAD are never
 * limited nor counted, so a bogus `If-None-Match` gains nothing.
 */
export function limitPoll(c: Context, traffic: Traffic, view: string, answer: Response | Promise<Response>): Response | Promise<Response> {
  if (c.req.method !== 'GET') return answer
  const { userAgent, socket } = clientOf(c)
  const gate = traffic.pollGate(view, userAgent, socket?.remoteAddress, socket)
  if (!gate) return answer
  const decide = (response: Response): Response => {
    const wait = response.status === 200 ? gate() : undefined
    if (wait === undefined) return response
    void response.body?.cancel()
    // RFC 6585 §4 and RFC 9110 §10.2.3; not stored, or a cache would give every reader the refusal.
    return shortAnswer(429, { 'Retry-After': String(wait), 'Cache-Control': 'no-store' }, `Too many requests: fetch this feed at most once per interval, or send If-None-Match; retry in ${wait} s\n`)
  }
  return answer instanceof Promise ? answer.then(decide) : decide(answer)
}
