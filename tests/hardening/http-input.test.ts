/**
 * Hostile HTTP input against the real server on a loopback socket: raw
 * request lines (no client tidies them up), odd methods, huge URLs and
 * headers, slow clients. Always a short plain answer; never a 500, never a
 * stack trace, never a file from outside.
 */
import net from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../helpers/server-process.js'

const ARTICLES = fileURLToPath(new URL('../../articles', import.meta.url))
const MEDIA = fileURLToPath(new URL('../../media', import.meta.url))
let server: RunningServer
let port: number

beforeAll(async () => {
  server = await startServer({ ARTICLES_DIR: ARTICLES, MEDIA_DIR: MEDIA, HEADERS_TIMEOUT: '1', REQUEST_TIMEOUT: '3' })
  port = Number(new URL(server.base).port)
})

afterAll(async () => {
  await server?.stop()
})

/** Sends bytes as they are and returns everything the server answers until it closes. */
function raw(request: string, { wait = 2000 } = {}): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request))
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    const timer = setTimeout(() => socket.destroy(), wait)
    socket.on('close', () => {
      clearTimeout(timer)
      // The head as bytes (latin1), the body as the UTF-8 its Content-Type names.
      const data = Buffer.concat(chunks)
      const end = data.indexOf('\r\n\r\n')
      const head = data.subarray(0, end === -1 ? data.length : end).toString('latin1')
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body: end === -1 ? '' : data.subarray(end + 4).toString('utf8') })
    })
  })
}

const get = (target: string, extra = '') => raw(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${extra}\r\n`)

function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(/\n\s+at [^\n]+:\d+:\d+|Error:|node_modules/)
}

describe('hostile requests', () => {
  it.each([
    '/media/../package.json',
    '/media/%2e%2e/package.json',
    '/media/..%2fpackage.json',
    '/media/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/../../etc/passwd',
    '/media/werkhalle-mittelstand.jpg%00.txt',
    '/wirtschaft/%00',
    '/wirtschaft/%E0%A4%A.html',
    '/wirtschaft/archiv/99999999999999999999/feed.xml',
    '/wirtschaft/../../package.json',
    '//etc/passwd',
  ])('GET %s is a 404, and nothing from outside', async (target) => {
    const response = await get(target)
    expect(response.status).toBe(404)
    expect(response.body).not.toMatch(/"name": "wirtschaft-feeds"|root:x:0:0/)
    expectNoStackTrace(response.body)
  })

  it.each([
    ['limit=%ZZ', 'Bad request: "limit=%ZZ" is not valid percent-encoding\n'],
    ['limit=1e3', 'Bad request: limit: "1e3" is not a whole number from 1 to 500\n'],
    ['limit=99999999999999999999', 'Bad request: limit: "99999999999999999999" is not a whole number from 1 to 500\n'],
    [`tag=${'x'.repeat(300)}`, `Bad request: tag: "${'x'.repeat(80)}"… (300 characters) is not a tag (1 to 200 characters)\n`],
  ])('a bad query value (%s) gets 400 and a plain message', async (query, message) => {
    const response = await get(`/wirtschaft/feed.xml?${query}`)
    expect(response.status).toBe(400)
    expect(response.head).toMatch(/content-type: text\/plain; charset=utf-8/i)
    expect(response.body).toBe(message)
  })

  it.each([
    ['1,200 tags', Array.from({ length: 1200 }, (_, n) => `tag=t${n}`).join('&'), 'Bad request: tag: give at most 50 values (1200 given)\n'],
    ['51 authors', Array.from({ length: 51 }, (_, n) => `author=a${n}`).join('&'), 'Bad request: author: give at most 50 values (51 given)\n'],
  ])('a filter with too many values (%s) gets 400 and a plain message', async (_, query, message) => {
    const response = await get(`/wirtschaft/feed.xml?${query}`)
    expect(response.status).toBe(400)
    expect(response.body).toBe(message)
  })

  it('refuses an over-long URL and over-long headers, and keeps serving', async () => {
    expect((await get(`/${'a'.repeat(20_000)}`)).status).toBe(431)
    expect((await get('/', `X-Gross: ${'b'.repeat(20_000)}\r\n`)).status).toBe(431)
    expect((await get('/wirtschaft/feed.xml')).status).toBe(200)
  })

  it.each(['FOO', 'CONNECTX'])('answers %s, which Node\'s parser refuses before any handler, with 405 and Allow', async (method) => {
    const response = await raw(`${method} /wirtschaft/feed.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
    expect(response.status).toBe(405)
    expect(response.head).toMatch(/\r\nallow: GET, HEAD, OPTIONS\r\n/i)
  })

  it('answers CONNECT with 405 and Allow instead of dropping the connection', async () => {
    const response = await raw('CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n')
    expect(response.status).toBe(405)
    expect(response.head).toMatch(/\r\nallow: GET, HEAD, OPTIONS\r\n/i)
    expect((await get('/wirtschaft/feed.xml')).status).toBe(200)
  })

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'PROPFIND', 'TRACE'])('answers %s with 405 and Allow', async (method) => {
    const response = await raw(`${method} /wirtschaft/feed.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 3\r\n\r\nabc`)
    expect(response.status).toBe(405)
    expect(response.head).toMatch(/\r\nallow: GET, HEAD, OPTIONS\r\n/i)
    expect(response.body).toBe(method === 'HEAD' ? '' : 'Method not allowed\n')
  })

  it('answers a request for the whole server (OPTIONS *) with the methods, and an absolute-form target, without a server error', async () => {
    // "*" is no URL the adapter can build a request from: the listener answers it (RFC 9110 §9.3.7).
    const options = await raw('OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    expect(options.status).toBe(204)
    expect(options.head).toMatch(/\r\nallow: GET, HEAD, OPTIONS\r\n/i)
    expect((await raw('GET http://127.0.0.1/wirtschaft/feed.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')).status).toBe(200)
  })

  it('cuts off a client that sends its headers too slowly, while serving others', async () => {
    const started = Date.now()
    const slow = raw('GET /wirtschaft/feed.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Langsam: ', { wait: 8000 })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect((await get('/wirtschaft/feed.json')).status).toBe(200)
    const response = await slow
    expect(response.status).toBe(408)
    expect(Date.now() - started).toBeLessThan(4000)
  })

  it('never answered with a 500 or a stack trace', () => {
    expectNoStackTrace(server.output())
  })
})
