import http from 'node:http'
import { expect } from 'vitest'
import type { Http } from '../../src/http/app.js'
import { listenAsMain, type Listening } from './in-process-server.js'

/** An answer as it came over the socket: status, headers by lower-case name, the body as sent (not decoded). */
export interface RawAnswer {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: Buffer
}

export interface RawRequest {
  readonly method?: string | undefined
  readonly headers?: Record<string, string> | undefined
  readonly body?: string | undefined
}

/**
 * One request on its own connection, nothing decoded. The Host is the
 * site's, as a CDN or a reader sends it, unless the test names another.
 */
export function rawRequest(base: string, path: string, { method = 'GET', headers = {}, body }: RawRequest = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    // The path as written, not normalised by a URL parser (a test may send dot segments).
    const { hostname, port } = new URL(base)
    const request = http.request({ hostname, port, path, method, headers: { Host: 'www.example.de', ...headers }, agent: false }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => {
        const received: Record<string, string> = {}
        const raw = response.rawHeaders
        for (let i = 0; i < raw.length; i += 2) {
          const name = (raw[i] as string).toLowerCase()
          received[name] = received[name] === undefined ? (raw[i + 1] as string) : `${received[name]}, ${raw[i + 1]}`
        }
        resolve({ status: response.statusCode ?? 0, headers: received, body: Buffer.concat(chunks) })
      })
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end(body)
  })
}

/** Headers Node's http server adds to every response, whoever made it. */
const ADDED_BY_NODE = new Set(['date', 'connection', 'keep-alive'])

/** An answer over the socket without what Node adds, and without the framing @hono/node-server adds to a body `direct` sent without a length. */
export function comparable(answer: RawAnswer, direct?: { readonly headers: Record<string, string> }): RawAnswer {
  const headers = Object.fromEntries(
    Object.entries(answer.headers).filter(
      ([name]) => !ADDED_BY_NODE.has(name) && !(direct && (name === 'content-length' || name === 'transfer-encoding') && direct.headers[name] === undefined),
    ),
  )
  return { ...answer, headers }
}

const servers = new Set<Listening>()

/** Closes every listener bothWays started (afterAll). */
export async function closeBothWays(): Promise<void> {
  const open = [...servers]
  servers.clear()
  await Promise.all(open.map((server) => server.close()))
}

/**
 * An app.request() that also sends every request through the service's
 * real node:http listener on a loopback socket (http/listener.ts: its fast
 * path for documents rendered ahead, @hono/node-server and Hono for the
 * rest), and fails the test unless both answers are the same: status, every
 * header but those Node adds (Date, Connection, Keep-Alive; and the length
 * of a body Hono's answer sent without one), and the body bytes. Returns the
 * app.request() answer, so the test's own assertions read what they read
 * before. Call closeBothWays in afterAll.
 */
export function bothWays(service: Http): { request(path: string, init?: RequestInit): Promise<Response> } {
  let server: Promise<Listening> | undefined
  return {
    async request(path, init = {}) {
      server ??= listenAsMain(service).then((listening) => {
        servers.add(listening)
        return listening
      })
      const direct = await service.app.request(path, init)
      const headers: Record<string, string> = {}
      new Headers(init.headers).forEach((value, name) => (headers[name] = value))
      if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') throw new Error('bothWays sends string bodies only')
      const viaSocket = await rawRequest((await server).base, path, { method: init.method, headers, body: init.body ?? undefined })
      const expected: RawAnswer = { status: direct.status, headers: {}, body: Buffer.from(await direct.clone().arrayBuffer()) }
      direct.headers.forEach((value, name) => (expected.headers[name] = value))
      expect(comparable(viaSocket, expected), `${init.method ?? 'GET'} ${path} through the listener, as app.request() answers it`).toEqual(expected)
      return direct
    },
  }
}
