/**
 * closeSilentSockets (http/silent-sockets.ts) on real loopback sockets: a
 * client that stops reading, or never sends, is let go after the deadline;
 * one that reads slowly but steadily is not; and no timer is set on a
 * socket per request.
 */
import { createServer, type Server } from 'node:http'
import net, { type AddressInfo, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { closeSilentSockets } from '../../src/http/silent-sockets.js'

const open: Server[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => new Promise<void>((done) => (server.close(() => done()), server.closeAllConnections()))))
})

/** A server sending `chunks` chunks of 64 KiB for any request, each when the last was taken; silent sockets closed after 600 ms. */
async function serve(chunks: number): Promise<{ server: Server; port: number }> {
  const chunk = Buffer.alloc(64 * 1024, 0x61)
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Length': String(chunk.byteLength * chunks) })
    let sent = 0
    const more = (): void => {
      while (sent < chunks) {
        sent += 1
        if (!response.write(chunk)) return void response.once('drain', more)
      }
      response.end()
    }
    more()
  })
  closeSilentSockets(server, { timeoutMs: 600, intervalMs: 50 })
  open.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, port: (server.address() as AddressInfo).port }
}

/** Milliseconds from the server's next connection until it closes that connection. */
function nextConnectionClosed(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.once('connection', (socket: Socket) => {
      const started = performance.now()
      socket.once('close', () => resolve(performance.now() - started))
    }),
  )
}

const GET = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'

describe('closeSilentSockets', () => {
  it('closes the connection of a client that stops reading a response, after the deadline', async () => {
    // 64 MiB: more than the loopback socket buffers take, so the server's writes stall.
    const { server, port } = await serve(1024)
    const closed = nextConnectionClosed(server)
    const socket = net.connect(port, '127.0.0.1', () => socket.write(GET))
    // Reads the first bytes, then nothing more (a paused socket never sees the close either).
    socket.once('data', () => socket.pause())
    const ms = await closed
    expect(ms).toBeGreaterThanOrEqual(550)
    expect(ms).toBeLessThan(10_000)
    socket.destroy()
  })

  it('closes a connection that never sends a request, after the deadline', async () => {
    const { server, port } = await serve(1)
    const closed = nextConnectionClosed(server)
    const socket = net.connect(port, '127.0.0.1')
    let bytes = 0
    socket.on('data', (data: Buffer) => (bytes += data.byteLength))
    const ms = await closed
    expect(bytes).toBe(0)
    expect(ms).toBeGreaterThanOrEqual(550)
    expect(ms).toBeLessThan(10_000)
    socket.destroy()
  })

  it('keeps a client that reads slowly but steadily, for longer than the deadline in all', async () => {
    const chunks = 40
    const { port } = await serve(chunks)
    const socket = net.connect(port, '127.0.0.1', () => socket.write(GET))
    let bytes = 0
    const done = new Promise<number>((resolve, reject) => {
      socket.on('data', (data: Buffer) => {
        bytes += data.byteLength
        // A pause well under the deadline after each read: the whole body takes several deadlines.
        socket.pause()
        setTimeout(() => socket.resume(), 150)
        if (bytes >= chunks * 64 * 1024) resolve(performance.now() - started)
      })
      socket.once('close', () => reject(new Error(`closed after ${bytes} bytes`)))
    })
    const started = performance.now()
    const ms = await done
    expect(ms).toBeGreaterThan(600)
    socket.destroy()
  })

  it('sets no timer on a socket while a request is served: the server has no socket timeout', async () => {
    const { server, port } = await serve(1)
    const during: (number | undefined)[] = []
    server.prependListener('request', (request) => during.push((request.socket as Socket).timeout))
    const response = await fetch(`http://127.0.0.1:${port}/`)
    expect((await response.arrayBuffer()).byteLength).toBe(64 * 1024)
    expect(server.timeout).toBe(0)
    // With server.setTimeout(n), every socket has n here, moved on each read and write.
    expect(during.map((timeout) => timeout ?? 0)).toEqual([0])
  })
})
