import type { Context } from 'hono'
import type { PollGate, Traffic } from '../ops/traffic.js'
import { textAnswer } from './common-headers.js'
import type { Answer, RequestView } from './exchange.js'
import type { Refusal } from './send-resource.js'
import { isTopLevelNavigation } from './fetch-metadata.js'
import type { RouteFamily } from './route-family.js'

/** What the request counters read of a request: Hono's request and a RequestView both have it. */
type Counted = Pick<RequestView, 'method' | 'path' | 'url'>

/**
 * Counts one answer with its family, method, status and duration: a clock
 * read and a few additions per request, no middleware chain (app.ts says
 * why). Hono's route (`observed`) and the listener's fast path both count
 * through it.
 */
export function requestRecorder(
  traffic: Traffic,
  familyOf: (path: string, url: string) => RouteFamily,
): (request: Counted, status: number, started: number) => void {
  return (request, status, started) => traffic.request(familyOf(request.path, request.url), request.method, status, (performance.now() - started) / 1000)
}

/** Wraps the app's one handler so each response is counted (requestRecorder). */
export function observed(
  traffic: Traffic,
  familyOf: (path: string, url: string) => RouteFamily,
  handle: (c: Context) => Response | Promise<Response>,
): (c: Context) => Response | Promise<Response> {
  const count = requestRecorder(traffic, familyOf)
  const record = (c: Context, response: Response, started: number): Response => {
    count(c.req, response.status, started)
    return response
  }
  // A handler that throws is answered 500 by app.onError: counted as such here.
  const failed = (c: Context, started: number, error: unknown): never => {
    count(c.req, 500, started)
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

/**
 * A poll of a current feed, told to the traffic counters (readers on /stats).
 * `notModified`: the answer is a 304, which only a conditional request gets,
 * so its validators need not be read again.
 */
export function pollFeed(request: RequestView, traffic: Traffic, feed: string, notModified = false): void {
  const conditional = notModified || request.header('if-none-match') !== undefined || request.header('if-modified-since') !== undefined
  traffic.feedPoll(feed, request.header('user-agent'), request.socket?.remoteAddress, conditional, request.socket)
}

/**
 * POLL_MIN_INTERVAL for one request, as the sender asks it (send-resource.ts: Refusal) once a full body (200 to a
 * GET) of the same feed or view (`view`) would go to the same client again within the interval: then 429 instead,
 * before the body's bytes are counted or inflated. A 304 (validators that matched) and HEAD are never limited nor
 * counted, so a bogus `If-None-Match` gains nothing. Nor is a browser's top-level navigation, which gets the feed's
 * page, not the feed: a person reloading it (a hard reload sends no validators) is no poller, and must not use up
 * the budget of a reader on the same address and program. Undefined: nothing to ask.
 */
export function pollLimit(request: RequestView, traffic: Traffic, view: string): Refusal | undefined {
  if (request.method !== 'GET' || isTopLevelNavigation(request)) return undefined
  const gate = traffic.pollGate(view, request.header('user-agent'), request.socket?.remoteAddress, request.socket)
  if (!gate) return undefined
  return new PollRefusal(gate)
}

/** The sender's Refusal over a gate: its 429, and its release. */
class PollRefusal implements Refusal {
  constructor(private readonly gate: PollGate) {}

  answer(): Answer | undefined {
    const wait = this.gate.wait()
    // RFC 6585 §4 and RFC 9110 §10.2.3; not stored, or a cache would give every reader the refusal.
    return wait === undefined ? undefined : textAnswer(429, { 'Retry-After': String(wait), 'Cache-Control': 'no-store' }, `Too many requests: fetch this feed at most once per interval, or send If-None-Match; retry in ${wait} s\n`)
  }

  release(): void {
    this.gate.release()
  }
}
