import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Context } from 'hono'

/**
 * What the code that answers a request reads of it: the same whether Hono
 * received it (`viewOfContext`) or the listener's fast path took it from
 * Node directly (`viewOfIncoming`, listener.ts).
 */
export interface RequestView {
  readonly method: string
  /** The path, as Hono's router sees it (percent-decoded). */
  readonly path: string
  /** The URL or the request target as received: only what follows its first `?` (the query) is read. */
  readonly url: string
  /** A request header by its lower-case name; repeated lines joined with ", ". */
  header(name: string): string | undefined
  /** The connection it came on; none for app.request(). */
  readonly socket: { readonly remoteAddress?: string | undefined } | undefined
}

/**
 * An answer as data: status, every header and the body, built once by the
 * code both ways in share and written by each (`toResponse` for Hono,
 * `writeAnswer` for the fast path). A body is sent with its Content-Length.
 */
export interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** None: a 304 or a 204. HEAD gets the headers of GET; Node leaves the body out. */
  readonly body: Uint8Array | null
  /**
   * The same headers as one flat list (name, value, name, value…), built
   * once with a document's answer (send-resource.ts): what writeAnswer hands
   * Node, which then walks an array instead of an object's keys.
   */
  readonly flat?: readonly string[] | undefined
}

/** `headers` as the flat list Node's writeHead takes (Answer.flat). */
export function flatHeaders(headers: Readonly<Record<string, string>>): readonly string[] {
  return Object.freeze(Object.entries(headers).flat())
}

/** A Hono request as a RequestView. On Node the incoming message's plain header object is read (requestHeader). */
export function viewOfContext(c: Context): RequestView {
  const incoming = incomingOf(c)
  return {
    method: c.req.method,
    path: c.req.path,
    url: c.req.url,
    header: (name) => requestHeader(c, name),
    socket: incoming?.socket,
  }
}

/** Plain origin-form paths: segments of unreserved characters, none starting with a dot; no query, no percent-encoding. */
const PLAIN_PATH = /^(?:\/[\w~-][\w.~-]*)*\/?$/
/** The Host values @hono/node-server takes as they are (a name and an optional port); anything else it checks first. */
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/

/**
 * A request Node received, as a RequestView, when it is plain enough that
 * Hono would see exactly the same: GET or HEAD, a path that needs no
 * decoding or normalising, no query, and a Host header Hono's adapter
 * accepts unchecked. Anything else (undefined) goes to Hono, which judges it.
 */
export function viewOfIncoming(incoming: IncomingMessage): RequestView | undefined {
  const { method, url, headers } = incoming
  if ((method !== 'GET' && method !== 'HEAD') || url === undefined || !plainPaths.test(url)) return undefined
  const host = headers.host
  if (host === undefined || !plainHosts.test(host)) return undefined
  return new IncomingView(method, url, headers, incoming.socket)
}

/**
 * A pattern's verdicts by value: clients ask the same few request targets
 * with the same Host again and again, and a map lookup costs less than
 * matching them anew (a fifth of the fast path's own time in a profile).
 * Bounded: emptied when full, and long values are matched every time.
 */
class Verdicts {
  readonly #known = new Map<string, boolean>()
  readonly #pattern: RegExp

  constructor(pattern: RegExp) {
    this.#pattern = pattern
  }

  test(value: string): boolean {
    const known = this.#known.get(value)
    if (known !== undefined) return known
    const verdict = this.#pattern.test(value)
    if (value.length <= 256) {
      if (this.#known.size >= 1024) this.#known.clear()
      this.#known.set(value, verdict)
    }
    return verdict
  }
}
const plainPaths = new Verdicts(PLAIN_PATH)
const plainHosts = new Verdicts(PLAIN_HOST)

/** viewOfIncoming's answer: one object of one shape per request, no closure. */
class IncomingView implements RequestView {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: IncomingMessage['headers'],
    readonly socket: IncomingMessage['socket'],
  ) {}

  get path(): string {
    return this.url
  }

  header(name: string): string | undefined {
    return joined(this.headers[name])
  }
}

/** The answer as a Response for Hono. */
export function toResponse(answer: Answer): Response {
  return new Response(answer.body as Uint8Array<ArrayBuffer> | null, { status: answer.status, headers: answer.headers })
}

/** The answer written to Node's response, as @hono/node-server writes a Response with plain headers: one writeHead, one end. */
export function writeAnswer(outgoing: ServerResponse, answer: Answer): void {
  outgoing.writeHead(answer.status, (answer.flat ?? answer.headers) as Record<string, string> | string[])
  if (answer.body === null) outgoing.end()
  else outgoing.end(answer.body)
}

/**
 * A request header by its lower-case name. On Node the incoming message's
 * plain header object is read directly: asking Hono's request builds a
 * WHATWG Headers object first, which costs more than the rest of a 304.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = incomingOf(c)
  if (!incoming) return c.req.header(name)
  return joined(incoming.headers[name])
}

/** The Node request behind a Hono context (@hono/node-server's env), when there is one. */
export function incomingOf(c: Context): Pick<IncomingMessage, 'headers' | 'socket'> | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
}
