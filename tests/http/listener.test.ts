/**
 * The listener's fast path (http/listener.ts) against Hono's route, both on
 * real loopback sockets over the same store: a GET or HEAD of a document
 * rendered ahead is answered without Hono, and with the same status, headers
 * and body Hono's route gives; everything else reaches Hono. Counted in the
 * metrics, limited by POLL_MIN_INTERVAL and logged as before.
 */
import { getRequestListener } from '@hono/node-server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { failingInflates, LARGE_BODY } from '../helpers/large-documents.js'
import { createHttp, type Http } from '../../src/http/app.js'
import { createListener } from '../../src/http/listener.js'
import type { Traffic } from '../../src/ops/traffic.js'
import { Operations } from '../../src/ops/operations.js'
import { ContentStore } from '../../src/store/content-store.js'
import { memorySource } from '../helpers/memory-source.js'
import { comparable, rawRequest, type RawAnswer } from '../helpers/both-ways.js'
import { listenAsMain, type Listening } from '../helpers/in-process-server.js'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { articleText } from '../helpers/temp-dir.js'
import { testApp } from '../helpers/test-app.js'
import { PLUS_AUDIO, plusInstance } from '../helpers/plus-instance.js'
import zlib from 'node:zlib'
import { holdsBytes } from '../../src/site/inflated-identity.js'
import type { Resource } from '../../src/site/resource.js'

const NOW = new Date('2026-01-01T00:00:00Z')
const files = {
  'zins.md': articleText(
    { title: 'Zinswende', date: '2025-06-05T14:45:00+02:00', updated: '2025-06-05T17:00:00+02:00', category: 'wirtschaft', tags: '[EZB, Zinsen]' },
    'Die EZB senkt die Zinsen. '.repeat(40),
  ),
  'ki.md': articleText({ title: 'KI-Boom', date: '2025-05-01T10:00:00+02:00', category: 'wirtschaft', tags: 'ki', author: 'Lea Voigt' }, 'Chips. '.repeat(60)),
}

/** With an article of 600 KB: the RSS feed's identity bytes are held as Brotli once compressed, and inflated when asked for. */
const WITH_LARGE_FEED = {
  ...files,
  'gross.md': articleText({ title: 'Gross', date: '2025-06-06T08:00:00+02:00', category: 'wirtschaft' }, LARGE_BODY),
}

/** What Chromium sends when a person opens a URL. */
const NAVIGATION = {
  Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'Sec-Fetch-Dest': 'document',
  'Sec-Fetch-Mode': 'navigate',
}

interface Case {
  readonly name: string
  readonly path: string
  readonly method?: string
  readonly headers?: Record<string, string>
  /** Whether the fast path answers it (else Hono does). */
  readonly fast: boolean
}

/** The matrix; ETag and Last-Modified are the feed's own, read first. */
function cases(etag: string, lastModified: string): Case[] {
  return [
    { name: 'GET plain', path: '/wirtschaft/feed.xml', headers: { 'Accept-Encoding': 'identity' }, fast: true },
    { name: 'GET gzip', path: '/wirtschaft/feed.xml', headers: { 'Accept-Encoding': 'gzip' }, fast: true },
    { name: 'GET br', path: '/wirtschaft/atom.xml', headers: { 'Accept-Encoding': 'gzip, deflate, br, zstd' }, fast: true },
    { name: 'GET without Accept-Encoding', path: '/wirtschaft/feed.json', fast: true },
    { name: '304 by ETag', path: '/wirtschaft/feed.xml', headers: { 'If-None-Match': etag }, fast: true },
    { name: '304 by a weakened ETag among others', path: '/wirtschaft/feed.xml', headers: { 'If-None-Match': `"alt", W/${etag}` }, fast: true },
    { name: '304 by date', path: '/wirtschaft/feed.xml', headers: { 'If-Modified-Since': lastModified }, fast: true },
    { name: '200 for an older date', path: '/wirtschaft/feed.xml', headers: { 'If-Modified-Since': 'Thu, 01 Jan 2015 00:00:00 GMT' }, fast: true },
    { name: '412 for another tag', path: '/wirtschaft/feed.xml', headers: { 'If-Match': '"alt"' }, fast: true },
    { name: 'HEAD', path: '/wirtschaft/feed.xml', method: 'HEAD', fast: true },
    { name: 'HEAD gzip', path: '/wirtschaft/feed.json', method: 'HEAD', headers: { 'Accept-Encoding': 'gzip' }, fast: true },
    { name: 'browser navigation', path: '/wirtschaft/feed.xml', headers: { ...NAVIGATION, 'Accept-Encoding': 'gzip, br' }, fast: true },
    { name: 'browser without Fetch Metadata', path: '/wirtschaft/atom.xml', headers: { Accept: NAVIGATION.Accept }, fast: true },
    { name: 'the index page', path: '/', headers: { 'Accept-Encoding': 'gzip' }, fast: true },
    { name: 'a stylesheet', path: '/assets/feed.xsl', fast: true },
    { name: 'filtered view', path: '/wirtschaft/feed.xml?tag=ki', fast: false },
    { name: 'feed with a cache buster', path: '/wirtschaft/feed.xml?_=1', fast: false },
    { name: 'bad query', path: '/wirtschaft/feed.json?tag=%E0', fast: false },
    { name: '404', path: '/wirtschaft/gibt-es-nicht.html', fast: false },
    { name: 'OPTIONS', path: '/wirtschaft/feed.json', method: 'OPTIONS', headers: { Origin: 'https://leser.example', 'Access-Control-Request-Headers': 'if-none-match' }, fast: false },
    { name: 'POST', path: '/wirtschaft/feed.xml', method: 'POST', fast: false },
    { name: 'health', path: '/readyz', fast: false },
    { name: 'media', path: '/media/folge.mp3', fast: false },
    { name: 'percent-encoded path', path: '/wirtschaft/feed%2Exml', fast: false },
    { name: 'dot segment', path: '/wirtschaft/./feed.xml', fast: false },
    { name: 'Host with capitals', path: '/wirtschaft/feed.xml', headers: { Host: 'WWW.Example.de' }, fast: false },
  ]
}

/** A Traffic that writes down every call (the metrics, /stats and POLL_MIN_INTERVAL see these). */
function recordingTraffic(): Traffic & { readonly calls: unknown[][] } {
  const calls: unknown[][] = []
  return {
    calls,
    request: (family, method, status) => void calls.push(['request', family, method, status]),
    sent: (encoding, bytes) => void calls.push(['sent', encoding, bytes]),
    feedPoll: (feed, userAgent, address, conditional) => void calls.push(['feedPoll', feed, userAgent, address, conditional]),
    pollGate: () => undefined,
  }
}

/** The large feed asked while every inflate fails: the service's 500, whatever else the test counts. */
async function feedWhileInflatesFail(base: string): Promise<void> {
  const inflate = failingInflates()
  try {
    const answer = await rawRequest(base, '/wirtschaft/feed.xml')
    expect([answer.status, answer.body.toString()]).toEqual([500, 'Internal server error\n'])
  } finally {
    inflate.mockRestore()
  }
}

const open: Listening[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()))
})

/** `http` served as main.ts serves it, counting the requests that reach Hono. */
async function asMain(http: Http): Promise<{ base: string; reachedHono: () => number }> {
  let reached = 0
  const server = await listenAsMain(http, (hono) => (incoming, outgoing) => {
    reached += 1
    return hono(incoming, outgoing)
  })
  open.push(server)
  return { base: server.base, reachedHono: () => reached }
}

/** `http` served by Hono alone, through @hono/node-server, as before the fast path. */
async function honoAlone(http: Http): Promise<string> {
  const server = createServer(getRequestListener(http.app.fetch))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  open.push({ base: '', close: () => new Promise<void>((done) => (server.close(() => done()), server.closeAllConnections())) })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function ask(base: string, test: Case): Promise<RawAnswer> {
  return comparable(await rawRequest(base, test.path, { method: test.method, headers: { 'User-Agent': 'NetNewsWire (RSS Reader; https://netnewswire.com/)', ...test.headers } }))
}

/** A request as bytes on a connection of its own, the answer as text: what Node's client would not send (two Host lines, `*`). */
function exchange(base: string, head: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const { hostname, port } = new URL(base)
    const socket = connect(Number(port), hostname, () => socket.end(head))
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')))
    socket.on('error', reject)
  })
}

describe('the listener', () => {
  it('answers every request of the matrix as Hono alone does: status, every header, body', async () => {
    const { store, config } = await testApp(files, {}, NOW)
    const now = () => NOW.getTime()
    const fast = await asMain(createHttp({ config, store, now }))
    const hono = await honoAlone(createHttp({ config, store, now }))
    const first = await rawRequest(hono, '/wirtschaft/feed.xml')
    for (const test of cases(first.headers.etag as string, first.headers['last-modified'] as string)) {
      const before = fast.reachedHono()
      const expected = await ask(hono, test)
      expect(await ask(fast.base, test), test.name).toEqual(expected)
      expect(fast.reachedHono() - before, `${test.name}: ${test.fast ? 'the fast path' : 'Hono'} answers`).toBe(test.fast ? 0 : 1)
    }
    // The matrix holds what it claims to: each kind of answer at least once.
    const statuses = new Set<number>()
    for (const test of cases(first.headers.etag as string, first.headers['last-modified'] as string)) statuses.add((await ask(fast.base, test)).status)
    expect([...statuses].sort()).toEqual([200, 204, 304, 400, 404, 405, 412])
  })

  it('counts what it answers in the metrics and /stats exactly as Hono’s route does', async () => {
    const { store, config } = await testApp(files, {}, NOW)
    const ours = recordingTraffic()
    const theirs = recordingTraffic()
    const now = () => NOW.getTime()
    const fast = await asMain(createHttp({ config, store, now, traffic: ours }))
    const hono = await honoAlone(createHttp({ config, store, now, traffic: theirs }))
    const first = await rawRequest(hono, '/wirtschaft/feed.xml')
    theirs.calls.length = 0
    for (const test of cases(first.headers.etag as string, first.headers['last-modified'] as string)) {
      await ask(fast.base, test)
      await ask(hono, test)
    }
    expect(ours.calls).toEqual(theirs.calls)
    expect(ours.calls).toContainEqual(['request', 'feed', 'GET', 304])
    expect(ours.calls).toContainEqual(['feedPoll', '/wirtschaft/feed.xml', 'NetNewsWire (RSS Reader; https://netnewswire.com/)', '127.0.0.1', true])
  })

  it('applies POLL_MIN_INTERVAL itself: a second full body too soon is 429, as from Hono', async () => {
    const { store, config } = await testApp(files, { POLL_MIN_INTERVAL: '300' }, NOW)
    const now = () => NOW.getTime()
    const operations = () => new Operations({ siteName: config.siteName, pollMinIntervalMs: config.pollMinIntervalMs, logger: { info: () => {}, warn: () => {} }, now })
    const fast = await asMain(createHttp({ config, store, now, traffic: operations() }))
    const hono = await honoAlone(createHttp({ config, store, now, traffic: operations() }))
    const poll: Case = { name: 'poll', path: '/wirtschaft/feed.xml', headers: { 'User-Agent': 'python-requests/2.32.3' }, fast: true }
    const answers = { fast: [await ask(fast.base, poll), await ask(fast.base, poll)], hono: [await ask(hono, poll), await ask(hono, poll)] }
    expect(answers.fast).toEqual(answers.hono)
    expect(answers.fast.map((answer) => answer.status)).toEqual([200, 429])
    expect(answers.fast[1]?.headers['retry-after']).toBe('300')
    expect(fast.reachedHono()).toBe(0)
  })

  it('asks no poll gate while POLL_MIN_INTERVAL is off, on either way in, and counts every poll all the same', async () => {
    const { store, config } = await testApp(files, {}, NOW)
    const now = () => NOW.getTime()
    const asked = { fast: 0, hono: 0 }
    const gated = (way: keyof typeof asked): Traffic & { readonly calls: unknown[][] } => ({ ...recordingTraffic(), pollGate: () => void (asked[way] += 1) })
    const ours = gated('fast')
    const theirs = gated('hono')
    const fast = await asMain(createHttp({ config, store, now, traffic: ours }))
    const hono = await honoAlone(createHttp({ config, store, now, traffic: theirs }))
    const poll: Case = { name: 'poll', path: '/wirtschaft/feed.xml', headers: { 'User-Agent': 'python-requests/2.32.3' }, fast: true }
    const view: Case = { name: 'filtered view', path: '/wirtschaft/feed.xml?tag=ki', headers: { 'User-Agent': 'python-requests/2.32.3' }, fast: false }
    for (const test of [poll, poll, view]) expect((await ask(fast.base, test)).status).toBe((await ask(hono, test)).status)
    expect(asked).toEqual({ fast: 0, hono: 0 })
    expect(ours.calls.filter(([call]) => call === 'feedPoll')).toEqual([
      ['feedPoll', '/wirtschaft/feed.xml', 'python-requests/2.32.3', '127.0.0.1', false],
      ['feedPoll', '/wirtschaft/feed.xml', 'python-requests/2.32.3', '127.0.0.1', false],
    ])
  })

  it('leaves subscriber feeds and a plus article’s withheld media to Hono, which answers them as before', async () => {
    const instance = await plusInstance()
    try {
      const options = { config: instance.config, store: instance.store, plus: instance.plus, health: instance.plus?.health ?? [] }
      const fast = await asMain(createHttp(options))
      const hono = await honoAlone(createHttp(options))
      const token = instance.token('abo-4711')
      for (const path of [`/wirtschaft/plus/${token}/feed.xml`, '/wirtschaft/plus/kein-token/feed.xml', `/media/${PLUS_AUDIO}`]) {
        const test: Case = { name: path, path, fast: false }
        const before = fast.reachedHono()
        expect(await ask(fast.base, test), path).toEqual(await ask(hono, test))
        expect(fast.reachedHono() - before, path).toBe(1)
      }
      expect((await ask(fast.base, { name: 'subscriber feed', path: `/wirtschaft/plus/${token}/feed.xml`, fast: false })).status).toBe(200)
    } finally {
      instance.close()
    }
  })

  it('has no fast path with ACCESS_LOG=1, so every request is logged', async () => {
    const { store, config } = await testApp(files, { ACCESS_LOG: '1' }, NOW)
    const lines: string[] = []
    const http = createHttp({ config, store, now: () => NOW.getTime(), logger: { info: (line) => void lines.push(line), warn: () => {} } })
    expect(http.fastPath).toBeUndefined()
    const served = await asMain(http)
    expect((await rawRequest(served.base, '/wirtschaft/feed.xml', { headers: { 'User-Agent': 'curl/8.5.0' } })).status).toBe(200)
    expect(served.reachedHono()).toBe(1)
    expect(lines).toEqual([expect.stringMatching(/^request: GET feed 200, \d+ bytes, [\d.]+ ms, curl$/)])
  })

  it('answers a request with two Host lines 400 and closes, with or without the fast path (RFC 9112 §3.2); one Host in any case is served', async () => {
    for (const env of [{}, { ACCESS_LOG: '1' }] as Record<string, string>[]) {
      const { store, config } = await testApp(files, env, NOW)
      const served = await asMain(createHttp({ config, store, now: () => NOW.getTime(), logger: { info: () => {}, warn: () => {} } }))
      for (const hosts of ['Host: www.example.de\r\nHost: evil.example', 'host: www.example.de\r\nHOST: www.example.de']) {
        const answer = await exchange(served.base, `GET /wirtschaft/feed.xml HTTP/1.1\r\n${hosts}\r\nConnection: keep-alive\r\n\r\n`)
        const [head, body] = answer.split('\r\n\r\n')
        expect(head?.split('\r\n')[0], JSON.stringify(env)).toBe('HTTP/1.1 400 Bad Request')
        expect(head?.toLowerCase()).toContain('\r\nconnection: close')
        expect(head).toContain('\r\nX-Content-Type-Options: nosniff')
        expect(body).toBe('Bad request: more than one Host header\n')
      }
      expect(served.reachedHono()).toBe(0)
      const one = await exchange(served.base, 'GET /wirtschaft/feed.xml HTTP/1.1\r\nhOsT: www.example.de\r\nConnection: close\r\n\r\n')
      expect(one.split('\r\n')[0]).toBe('HTTP/1.1 200 OK')
    }
  })

  it('answers what makes no URL with a 400 of its own, nosniff included, OPTIONS * with the methods (RFC 9110 §9.3.7), and HTTP/2.0 or 0.9 with 505', async () => {
    const { store, config } = await testApp(files, {}, NOW)
    const served = await asMain(createHttp({ config, store, now: () => NOW.getTime() }))
    const parts = (answer: string) => {
      const [head = '', body] = answer.split('\r\n\r\n')
      const [status, ...lines] = head.split('\r\n')
      return { status, headers: Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 2)])), body }
    }
    for (const [head, why] of [
      ['GET HTTP://www.example.de/wirtschaft/feed.xml HTTP/1.1\r\nHost: www.example.de', 'Invalid URL'],
      ['GET /wirtschaft/feed.xml HTTP/1.1\r\nHost: www.example.de:', 'Invalid host header'],
    ]) {
      const answer = parts(await exchange(served.base, `${head}\r\nConnection: close\r\n\r\n`))
      expect([answer.status, answer.headers['x-content-type-options'], answer.headers['cache-control'], answer.body], head).toEqual([
        'HTTP/1.1 400 Bad Request',
        'nosniff',
        'no-store',
        `Bad request: the request target and Host header make no URL (${why})\n`,
      ])
    }
    const options = parts(await exchange(served.base, 'OPTIONS * HTTP/1.1\r\nHost: www.example.de\r\nConnection: close\r\n\r\n'))
    expect([options.status, options.headers.allow, options.headers['x-content-type-options'], options.body]).toEqual(['HTTP/1.1 204 No Content', 'GET, HEAD, OPTIONS', 'nosniff', ''])
    const star = parts(await exchange(served.base, 'GET * HTTP/1.1\r\nHost: www.example.de\r\nConnection: close\r\n\r\n'))
    expect([star.status, star.body]).toEqual(['HTTP/1.1 400 Bad Request', 'Bad request: the request target * is for OPTIONS only\n'])
    // Versions Node's parser takes but this server does not speak; HTTP/1.0 is served.
    for (const line of ['GET /wirtschaft/feed.xml HTTP/2.0', 'GET /wirtschaft/feed.xml', 'GET /wirtschaft/feed.xml HTTP/0.9']) {
      const answer = parts(await exchange(served.base, `${line}\r\nHost: www.example.de\r\n\r\n`))
      expect([answer.status, answer.headers.connection, answer.body], line).toEqual(['HTTP/1.1 505 HTTP Version Not Supported', 'close', 'HTTP version not supported: this server speaks HTTP/1.1\n'])
    }
    expect(parts(await exchange(served.base, 'GET /wirtschaft/feed.xml HTTP/1.0\r\nHost: www.example.de\r\n\r\n')).status).toBe('HTTP/1.1 200 OK')
  })

  it('leaves a request whose answer fails to Hono, which logs it once and answers 500', async () => {
    const { config } = await testApp(files, {}, NOW)
    const errors: string[] = []
    const broken = {
      site: () => ({}),
      onChange: () => {},
      resource: () => {
        throw new Error('kaputt')
      },
    } as unknown as ContentStore
    const http = createHttp({ config, store: broken, logger: { info: () => {}, warn: () => {}, error: (line) => void errors.push(line) } })
    const served = await asMain(http)
    const answer = await rawRequest(served.base, '/wirtschaft/feed.xml')
    expect([answer.status, answer.body.toString()]).toEqual([500, 'Internal server error\n'])
    expect(errors).toEqual(["GET /wirtschaft/feed.xml failed on the server's side: kaputt"])
    expect(served.reachedHono()).toBe(1)
  })

  it('finds a document’s route once per path and site: the next request takes it as found, a new site is asked again', async () => {
    const { config } = await testApp(files, {}, NOW)
    // A store of its own, left open: testApp's is closed, and takes no change.
    const map = new Map(Object.entries(files))
    const store = new ContentStore({ config, source: memorySource(map, config), clock: () => NOW, logger: { info: () => {}, warn: () => {} } })
    await store.load()
    await store.settled()
    const asked: string[] = []
    // The store as createHttp sees it, writing down each path it is asked for.
    const counting = new Proxy(store, {
      get(target, name) {
        const value = Reflect.get(target, name, target) as unknown
        if (name === 'resource') return (path: string) => (asked.push(path), target.resource(path))
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const ours = recordingTraffic()
    const http = createHttp({ config, store: counting, now: () => NOW.getTime(), traffic: ours })
    const served = await asMain(http)
    const titles = async () => (await rawRequest(served.base, '/wirtschaft/feed.xml')).body.toString().match(/<item>\s*<title>([^<]*)/g)?.length
    expect(await titles()).toBe(2)
    expect(await titles()).toBe(2)
    expect((await rawRequest(served.base, '/wirtschaft/feed.xml', { headers: { 'Accept-Encoding': 'gzip' } })).headers['content-encoding']).toBe('gzip')
    expect((await http.app.request('/wirtschaft/feed.xml')).status).toBe(200)
    expect(asked).toEqual(['/wirtschaft/feed.xml'])
    // Every request still counted, with the family found once.
    expect(ours.calls.filter(([call]) => call === 'request')).toEqual(Array(4).fill(['request', 'feed', 'GET', 200]))
    map.set('neu.md', articleText({ title: 'Neu', date: '2025-07-01T10:00:00+02:00', category: 'wirtschaft' }, 'Neu. '.repeat(20)))
    await counting.applyChanges(['neu.md'])
    await counting.settled()
    expect(await titles()).toBe(3)
    expect(asked).toEqual(['/wirtschaft/feed.xml', '/wirtschaft/feed.xml'])
    expect(served.reachedHono()).toBe(0)
    store.close()
  })

  it('writes a document’s 200, gzip 200 and 304 with one writeHead of a header list built once, complete as Hono’s, and the bytes as a Buffer', async () => {
    const { store, config } = await testApp(files, {}, NOW)
    const http = createHttp({ config, store, now: () => NOW.getTime(), traffic: recordingTraffic() })
    const listener = createListener(http, () => {
      throw new Error('reached Hono')
    })
    const socket = { remoteAddress: '127.0.0.1' }
    /** What the listener hands Node's response: writeHead's arguments and end's. */
    const written = (headers: Record<string, string>) => {
      const calls: unknown[][] = []
      const outgoing = { writeHead: (...args: unknown[]) => void calls.push(['writeHead', ...args]), end: (...args: unknown[]) => void calls.push(['end', ...args]) }
      const sent = Object.entries({ Host: 'www.example.de', ...headers })
      const lower = Object.fromEntries(sent.map(([name, value]) => [name.toLowerCase(), value]))
      listener({ method: 'GET', url: '/wirtschaft/feed.xml', httpVersionMajor: 1, headers: lower, rawHeaders: sent.flat(), socket } as unknown as IncomingMessage, outgoing as unknown as ServerResponse)
      return calls
    }
    const etag = (await http.app.request('/wirtschaft/feed.xml', { headers: { 'Accept-Encoding': 'identity' } })).headers.get('etag') as string
    const requests: Record<string, string>[] = [{ 'Accept-Encoding': 'identity' }, { 'Accept-Encoding': 'gzip' }, { 'Accept-Encoding': 'identity', 'If-None-Match': etag }]
    for (const headers of requests) {
      const name = JSON.stringify(headers)
      const hono = await http.app.request('/wirtschaft/feed.xml', { headers })
      const expected: Record<string, string> = {}
      hono.headers.forEach((value, key) => (expected[key] = value))
      const first = written(headers)
      const [writeHead, end] = first
      expect(writeHead?.[1], name).toBe(hono.status)
      const list = writeHead?.[2] as string[]
      expect(Array.isArray(list), `${name}: a flat header list`).toBe(true)
      const pairs: Record<string, string> = {}
      for (let i = 0; i < list.length; i += 2) pairs[(list[i] as string).toLowerCase()] = list[i + 1] as string
      expect(list.length, `${name}: no name twice`).toBe(2 * Object.keys(pairs).length)
      expect(pairs, name).toEqual(expected)
      const body = Buffer.from(await hono.arrayBuffer())
      if (hono.status === 304) expect(end, name).toEqual(['end'])
      else {
        expect(Buffer.isBuffer(end?.[1]), `${name}: the body as a Buffer`).toBe(true)
        expect((end?.[1] as Buffer).equals(body), name).toBe(true)
      }
      // Built once: the next request gets the very same list and bytes.
      const again = written(headers)
      expect(again[0]?.[2], `${name}: the same list again`).toBe(list)
      expect(again[1]?.[1], `${name}: the same body again`).toBe(end?.[1])
    }
  })

  it('sends identity bytes held compressed (a feed of 512 KiB or more) once inflated off the event loop, as Hono does: every header, Content-Length, body', async () => {
    const { store, config } = await testApp(WITH_LARGE_FEED, {}, NOW)
    const now = () => NOW.getTime()
    const fast = await asMain(createHttp({ config, store, now }))
    const hono = await honoAlone(createHttp({ config, store, now }))
    const plain: Case = { name: 'GET without Accept-Encoding', path: '/wirtschaft/feed.xml', fast: true }
    // Inflated on the thread pool both ways, never on this thread.
    const inflateHere = vi.spyOn(zlib, 'brotliDecompressSync')
    const [viaHono, before] = [await ask(hono, plain), fast.reachedHono()]
    const viaFast = await ask(fast.base, plain)
    expect(inflateHere).not.toHaveBeenCalled()
    inflateHere.mockRestore()
    expect(fast.reachedHono() - before, 'the fast path answers').toBe(0)
    // The bodies compared as bytes: toEqual walked the two Buffers of over 512 KiB element by element, 4 s of this test.
    const { body: fastBody, ...fastHead } = viaFast
    const { body: honoBody, ...honoHead } = viaHono
    expect(fastHead).toEqual(honoHead)
    expect(fastBody.equals(honoBody), 'the same body').toBe(true)
    expect([viaFast.status, viaFast.headers['content-length'], viaFast.headers['transfer-encoding'], viaFast.headers['content-encoding']]).toEqual([200, String(viaFast.body.byteLength), undefined, undefined])
    expect(viaFast.body.byteLength).toBeGreaterThan(512 * 1024)
    expect(viaFast.body.toString()).toContain('<title>Gross</title>')
    // Held as Brotli, so each of the answers above had its bytes inflated (inflated-identity.ts).
    expect(holdsBytes((store.resource('/wirtschaft/feed.xml') as Resource).identity)).toBe(false)
  })

  it('answers 500 (logged once, counted once) when identity bytes held compressed fail to inflate, not a 200 whose connection is then reset', async () => {
    const { store, config } = await testApp(WITH_LARGE_FEED, {}, NOW)
    const errors: string[] = []
    const traffic = recordingTraffic()
    const http = createHttp({ config, store, now: () => NOW.getTime(), traffic, logger: { info: () => {}, warn: () => {}, error: (line) => void errors.push(line) } })
    const served = await asMain(http)
    await feedWhileInflatesFail(served.base)
    expect(errors).toEqual(["GET /wirtschaft/feed.xml failed on the server's side: inflate failed"])
    expect(traffic.calls.filter(([kind]) => kind === 'request')).toEqual([['request', 'feed', 'GET', 500]])
    // No body bytes went out (before: the feed's length counted twice, by the fast path and again by Hono's route).
    expect(traffic.calls.filter(([kind]) => kind === 'sent')).toEqual([])
    // The next request, with the inflate working again, gets the feed from the fast path.
    const before = served.reachedHono()
    const again = await rawRequest(served.base, '/wirtschaft/feed.xml')
    expect([again.status, again.body.toString().includes('<title>Gross</title>'), served.reachedHono() - before]).toEqual([200, true, 0])
    expect(traffic.calls.filter(([kind]) => kind === 'sent')).toEqual([['sent', 'identity', again.body.byteLength]])
  })

  it('answers a failed inflate 500 with POLL_MIN_INTERVAL on, asking the limit and counting the poll once: never the 429 of a second ask', async () => {
    const { store, config } = await testApp(WITH_LARGE_FEED, { POLL_MIN_INTERVAL: '300' }, NOW)
    const traffic = recordingTraffic()
    // A gate as the real one keeps it: the first full body to this client goes out, a second within the interval waits.
    let asked = 0
    const http = createHttp({ config, store, now: () => NOW.getTime(), traffic: { ...traffic, pollGate: () => ({ wait: () => (asked++ === 0 ? undefined : 300), release: () => {} }) }, logger: { info: () => {}, warn: () => {}, error: () => {} } })
    const served = await asMain(http)
    await feedWhileInflatesFail(served.base)
    expect([asked, traffic.calls.filter(([kind]) => kind === 'feedPoll').length]).toEqual([1, 1])
    expect(traffic.calls.filter(([kind]) => kind === 'request')).toEqual([['request', 'feed', 'GET', 500]])
  })

  it('leaves POLL_MIN_INTERVAL unspent by a failed inflate: the client got no body, so its retry gets the feed, not a 429 (fast path, Hono, filtered view)', async () => {
    const { store, config } = await testApp(WITH_LARGE_FEED, { POLL_MIN_INTERVAL: '300' }, NOW)
    const now = () => NOW.getTime()
    const operations = new Operations({ siteName: config.siteName, pollMinIntervalMs: config.pollMinIntervalMs, logger: { info: () => {}, warn: () => {} }, now })
    const served = await asMain(createHttp({ config, store, now, traffic: operations, logger: { info: () => {}, warn: () => {}, error: () => {} } }))
    // The view rendered and compressed first, for another client: its identity bytes are then held as Brotli.
    expect((await rawRequest(served.base, '/wirtschaft/feed.xml?limit=3', { headers: { 'Accept-Encoding': 'gzip' } })).status).toBe(200)
    await (store.resource('/wirtschaft/feed.xml') as Resource).compressed
    // A client of its own per way in (the first two are the same feed to the limit).
    const ways = ['/wirtschaft/feed.xml', '/wirtschaft/feed.xml?_=1', '/wirtschaft/feed.xml?limit=3'].map((path, n) => ({ path, headers: { 'User-Agent': `python-requests/2.32.${n}` } }))
    // All failed first: once inflated, bytes still held are handed out without another inflate.
    const inflate = failingInflates()
    try {
      for (const { path, headers } of ways) expect((await rawRequest(served.base, path, { headers })).status, path).toBe(500)
    } finally {
      inflate.mockRestore()
    }
    for (const { path, headers } of ways) {
      const retry = await rawRequest(served.base, path, { headers })
      expect([retry.status, retry.body.toString().includes('<title>Gross</title>')], path).toEqual([200, true])
    }
    // The bodies they did get count: a second one within the interval is refused.
    for (const { path, headers } of ways) expect((await rawRequest(served.base, path, { headers })).status, path).toBe(429)
  })

  it('counts a request whose identity bytes are inflated with the time until they are, as Hono’s route counts a document rendered on request', async () => {
    const { store, config } = await testApp(WITH_LARGE_FEED, {}, NOW)
    const seconds: number[] = []
    const traffic = { ...recordingTraffic(), request: (_: unknown, __: unknown, ___: unknown, duration: number) => void seconds.push(duration) }
    const served = await asMain(createHttp({ config, store, now: () => NOW.getTime(), traffic }))
    const inflate = zlib.brotliDecompress
    // An inflate that takes 300 ms (a busy thread pool).
    const slow = vi.spyOn(zlib, 'brotliDecompress').mockImplementation(((bytes: Uint8Array, options: zlib.BrotliOptions, done: (error: Error | null, result: Buffer) => void) =>
      void setTimeout(() => inflate(bytes, options, done), 300)) as unknown as typeof zlib.brotliDecompress)
    try {
      const answer = await rawRequest(served.base, '/wirtschaft/feed.xml')
      expect([answer.status, answer.body.toString().includes('<title>Gross</title>'), served.reachedHono()]).toEqual([200, true, 0])
    } finally {
      slow.mockRestore()
    }
    expect(seconds.length).toBe(1)
    expect(seconds[0]).toBeGreaterThanOrEqual(0.29)
  })
})
