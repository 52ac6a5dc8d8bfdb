import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Http } from './app.js'
import { ALLOWED_METHODS } from './client-errors.js'
import { textAnswer } from './common-headers.js'
import { viewOfIncoming, writeAnswer, type Answer } from './exchange.js'

type Listener = (incoming: IncomingMessage, outgoing: ServerResponse) => void

/**
 * Node's request listener for the service. A plain GET or HEAD of a
 * document rendered ahead is answered here, by the function Hono's route
 * calls first (app.ts: `ready`), and written with one writeHead and one end;
 * every other request goes to `hono` (@hono/node-server's listener for the
 * same app), which routes it as before.
 *
 * Why: for a 304 or a small gzip body the answer itself costs little, and
 * what stands around it (the adapter's Request and Response objects, its
 * async listener and promise, Hono's router and Context) is what made the
 * service slower than a bare node:http server sending the same bytes
 * (bench/throughput.ts; profiles in docs/performance.md#the-fast-path).
 */
export function createListener(http: Http, hono: (incoming: IncomingMessage, outgoing: ServerResponse) => unknown): Listener {
  const fast = http.fastPath
  return (incoming, outgoing) => {
    const answer = refusal(incoming) ?? (fast && fastAnswer(fast, incoming))
    // Made later (identity bytes inflated off the event loop): written once made (no head goes out before the bytes
    // are there). A failed inflate is made a 500 (app.ts: sendRoute); should the promise reject all the same, the
    // request goes to Hono's route, which asks again.
    if (answer instanceof Promise) answer.then((made) => writeAnswer(outgoing, made), () => void hono(incoming, outgoing))
    else if (answer) writeAnswer(outgoing, answer)
    // The request target `*` names no resource (the adapter makes no URL of it): answered here, not by Hono.
    else if (incoming.url === '*') writeAnswer(outgoing, incoming.method === 'OPTIONS' ? SERVER_OPTIONS : STAR_NOT_OPTIONS)
    else void hono(incoming, outgoing)
  }
}

/** The fast path's answer; undefined for one it does not answer, or that failed at once (Hono's route meets the same error again: its onError logs it and answers 500). */
function fastAnswer(fast: NonNullable<Http['fastPath']>, incoming: IncomingMessage): Answer | Promise<Answer> | undefined {
  const request = viewOfIncoming(incoming)
  try {
    return request && fast(request)
  } catch {
    return undefined
  }
}

/**
 * RFC 9112 §3.2: a request with more than one Host field MUST be answered
 * 400. Node keeps the first and drops the rest, so a proxy in front that
 * reads the other one would see another request than this service answers.
 * The connection is closed: what else the client sends is not to be trusted.
 */
const TWO_HOSTS: Answer = textAnswer(400, { 'Cache-Control': 'no-store', Connection: 'close' }, 'Bad request: more than one Host header\n')

/** `OPTIONS *` asks what the server as a whole allows (RFC 9110 §9.3.7): the methods, as every 405 names them. */
const SERVER_OPTIONS: Answer = textAnswer(204, { Allow: ALLOWED_METHODS, 'Cache-Control': 'no-store' })
/** `*` is a request target for OPTIONS only (RFC 9112 §3.2.4). */
const STAR_NOT_OPTIONS: Answer = textAnswer(400, { 'Cache-Control': 'no-store' }, 'Bad request: the request target * is for OPTIONS only\n')

/**
 * HTTP/1.x only (RFC 9110 §15.6.6): Node's parser takes `HTTP/2.0`, and a
 * request line without a version as HTTP/0.9, whose client expects no
 * status line, and answers them as HTTP/1.1.
 */
const NOT_HTTP_1: Answer = textAnswer(505, { 'Cache-Control': 'no-store', Connection: 'close' }, 'HTTP version not supported: this server speaks HTTP/1.1\n')

/** What is refused before any route: another HTTP version than 1.x, two Host lines. */
function refusal(incoming: IncomingMessage): Answer | undefined {
  if (incoming.httpVersionMajor !== 1) return NOT_HTTP_1
  return hostTwice(incoming.rawHeaders) ? TWO_HOSTS : undefined
}

/** Whether the raw header lines (name, value, name, value, …) name Host twice, in any case. */
function hostTwice(raw: readonly string[]): boolean {
  let seen = false
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index] as string
    if (name.length === 4 && (name === 'Host' || name === 'host' || name.toLowerCase() === 'host')) {
      if (seen) return true
      seen = true
    }
  }
  return false
}
