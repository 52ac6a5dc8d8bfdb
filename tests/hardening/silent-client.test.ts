/**
 * A client that asks for a large file and stops reading it, against the
 * built service on a loopback socket: the server's writes stall, and after
 * REQUEST_TIMEOUT of silence the connection is let go (http/silent-sockets.ts),
 * as Node's socket timeout did before; other clients are served meanwhile.
 */
import fs from 'node:fs'
import net from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../helpers/server-process.js'
import { makeTempDir } from '../helpers/temp-dir.js'

const ARTICLES = fileURLToPath(new URL('../../articles', import.meta.url))
/** More than the loopback socket buffers of both ends take. */
const SIZE = 48 * 1024 * 1024
const temp = makeTempDir('silent-client-')
let server: RunningServer
let port: number

const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0')
/** The state of the loopback connection from `local` to `remote` as the kernel tells (Linux, /proc/net/tcp; 01 is ESTABLISHED). */
const tcpState = (local: number, remote: number): string | undefined =>
  fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').map((line) => line.trim().split(/\s+/)).find(([, from, to]) => from === `0100007F:${hex(local)}` && to === `0100007F:${hex(remote)}`)?.[3]

beforeAll(async () => {
  temp.write('media/gross.mp3', Buffer.alloc(SIZE, 0x55))
  server = await startServer({ ARTICLES_DIR: ARTICLES, MEDIA_DIR: `${temp.dir}/media`, HEADERS_TIMEOUT: '1', REQUEST_TIMEOUT: '2' })
  port = Number(new URL(server.base).port)
}, 30_000)

afterAll(async () => {
  await server?.stop()
  temp.rm()
})

describe('a client that stops reading', () => {
  it('is let go after REQUEST_TIMEOUT of silence, while others are served', async () => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('GET /media/gross.mp3 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'))
    socket.pause()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect((await fetch(`${server.base}/wirtschaft/feed.json`)).status).toBe(200)
    // Silent past the deadline (2 s, looked at once a second) until the service's end of the connection is no longer
    // open (15 s at most, else it was kept); then it reads what reached it. The paused client cannot see the close
    // itself: the FIN waits behind the bytes it has not read.
    const client = socket.localPort as number
    expect(tcpState(client, port)).toMatch(/^0[18]$/) // ESTABLISHED, or CLOSE_WAIT: the table is read right
    const silentSince = performance.now()
    while (tcpState(port, client) === '01' && performance.now() - silentSince < 15_000) await new Promise((resolve) => setTimeout(resolve, 50))
    let received = 0
    const closed = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => (received += chunk.byteLength))
      socket.on('error', () => {})
      socket.once('close', () => resolve())
    })
    socket.resume()
    await closed
    expect(received).toBeGreaterThan(0)
    // The connection ended before the whole file (and its headers) arrived.
    expect(received).toBeLessThan(SIZE)
  }, 30_000)
})
