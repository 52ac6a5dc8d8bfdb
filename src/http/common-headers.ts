import { toResponse, type Answer } from './exchange.js'

/**
 * Headers sent with every document, media file and short answer (health,
 * redirects, 4xx, preflights): `nosniff`, so a browser takes the
 * Content-Type as sent and never runs a feed, a media file or an error text
 * as a script; and CORS (Fetch standard), so web-based readers on any
 * origin can fetch what is public anyway.
 */
export const COMMON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Access-Control-Allow-Origin': '*',
})

const encoder = new TextEncoder()

/**
 * A short answer made by the service itself (health, redirects, client
 * errors, preflights, a media file it cannot read), with the headers every
 * answer carries. A text is sent with its length, so that HEAD and
 * keep-alive clients know where it ends; without one (a 204) there is no
 * body and no length (RFC 9110 §8.6).
 */
export function shortAnswer(status: number, headers: Record<string, string>, text?: string, contentType = 'text/plain; charset=utf-8'): Response {
  return toResponse(textAnswer(status, headers, text, contentType))
}

/** shortAnswer as data, for code that both ways in share (exchange.ts). */
export function textAnswer(status: number, headers: Record<string, string>, text?: string, contentType = 'text/plain; charset=utf-8'): Answer {
  if (text === undefined) return { status, headers: { ...COMMON_HEADERS, ...headers }, body: null }
  const body = encoder.encode(text)
  return { status, headers: { 'Content-Type': contentType, 'Content-Length': String(body.byteLength), ...COMMON_HEADERS, ...headers }, body }
}

/**
 * What @hono/node-server answers when it cannot make a Request of what Node
 * parsed (its `errorHandler`; main.ts): a target or a Host that makes no URL,
 * such as `GET HTTP://www.example.de/` (a capital scheme) or `Host: x:`. The
 * adapter's own answer was a bare 400, without the headers every answer
 * carries. Anything else it might catch is the server's fault: 500.
 */
export function adapterErrorAnswer(error: unknown): Response {
  if (error instanceof Error && error.name === 'RequestError') {
    return shortAnswer(400, { 'Cache-Control': 'no-store' }, `Bad request: the request target and Host header make no URL (${error.message})\n`)
  }
  return serverError()
}

/**
 * A request the service failed (an error no route caught, a media file it
 * cannot read, a listener it could not load): the headers of every answer,
 * no-store, a Content-Length (which the access log reads), and nothing of why.
 */
export const SERVER_ERROR: Answer = textAnswer(500, { 'Cache-Control': 'no-store' }, 'Internal server error\n')

/** SERVER_ERROR as a Response, for Hono's routes. */
export const serverError = (): Response => toResponse(SERVER_ERROR)
