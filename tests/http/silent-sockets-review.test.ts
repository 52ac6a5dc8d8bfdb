/**
 * The silent-socket sweep (src/http/silent-sockets.ts) against server.setTimeout, which it
 * replaced, on two cases a hostile review found it got wrong:
 * - a client that reads a large document slowly but steadily, where the server wrote the whole
 *   document with ONE end(bytes) (as writeAnswer does for every rendered document): the sweep
 *   looked only at `bytesWritten - writableLength`, which moves when the whole write completes,
 *   and dropped the client after the deadline though bytes flowed all along (server.setTimeout
 *   keeps it: Node's Socket#_onTimeout sees libuv's write queue shrink);
 * - an idle keep-alive connection, REQUEST_TIMEOUT under keepAliveTimeout: server.setTimeout
 *   left it to keepAliveTimeout (Node replaces the socket's timeout between requests), the sweep
 *   closed it after REQUEST_TIMEOUT.
 */
import { createServer, type Server } from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { closeSilentSockets } from '../../src/http/silent-sockets.js'

const open: Server[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => new Promise<void>((done) => (server.close(() => done()), server.closeAllConnections()))))
})

/** 16 MiB: far more than loopback socket buffers hold, written with a single end(). */
const SIZE = 16 * 1024 * 1024
const body = Buffer.alloc(SIZE, 0x61)

async function serve(guard: (server: Server) => void): Promise<number> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Length': String(SIZE) })
    response.end(body)
  })
  guard(server)
  open.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

/** Reads the response at a steady pace (a pause of 20 ms after every read): the whole body takes several deadlines. */
function readSteadily(port: number): Promise<{ bytes: number; complete: boolean; ms: number }> {
  const socket = net.connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'))
  socket.setNoDelay(true)
  const started = performance.now()
  let bytes = 0
  return new Promise((resolve) => {
    socket.on('data', (data: Buffer) => {
      bytes += data.byteLength
      socket.pause()
      setTimeout(() => socket.resume(), 20)
    })
    socket.on('error', () => {})
    socket.once('close', () => resolve({ bytes, complete: bytes > SIZE, ms: performance.now() - started }))
  })
}

async function idleClose(guard: (server: Server) => void): Promise<number> {
  const server = createServer({ keepAliveTimeout: 5000 }, (_request, response) => response.end('ok'))
  guard(server)
  open.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))
  return new Promise((resolve) => {
    let answered = 0
    socket.once('data', () => (answered = performance.now()))
    socket.once('close', () => resolve(performance.now() - answered))
  })
}

describe('closeSilentSockets and a single large write', () => {
  it('keeps a client that reads steadily, as server.setTimeout(1000) did', async () => {
    const port = await serve((server) => closeSilentSockets(server, { timeoutMs: 1000, intervalMs: 100 }))
    const result = await readSteadily(port)
    expect(result.ms).toBeGreaterThan(2000)
    expect(result.complete).toBe(true)
  }, 60_000)
})

describe('an idle keep-alive connection, REQUEST_TIMEOUT 1 s, keepAliveTimeout 5 s', () => {
  it('is left to keepAliveTimeout, as with server.setTimeout(1000)', async () => {
    expect(await idleClose((server) => closeSilentSockets(server, { timeoutMs: 1000 }))).toBeGreaterThan(4000)
  }, 20_000)
})
