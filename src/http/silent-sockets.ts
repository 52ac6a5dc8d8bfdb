import type { Server } from 'node:http'
import type { Socket } from 'node:net'

export interface SilentSocketOptions {
  /** A connection that moves no byte for this long is closed (REQUEST_TIMEOUT). */
  readonly timeoutMs: number
  /** How often the connections are looked at; Node checks its own request deadlines every second too. */
  readonly intervalMs?: number
}

/** Bytes a socket has written so far, as far as the kernel took them (what is still queued does not count). */
function written(socket: Socket): number {
  return socket.bytesWritten - socket.writableLength
}

/** What Node's own socket timeout also looks at: libuv's queue shrinks while the kernel takes part of one large write. */
type Internals = Socket & { _handle?: { writeQueueSize?: number } | null; _httpMessage?: unknown }
const queued = (socket: Socket): number => (socket as Internals)._handle?.writeQueueSize ?? 0

/** Between two requests of a keep-alive connection: Node's keepAliveTimeout closes it, as with server.setTimeout. */
const idleBetweenRequests = (socket: Socket): boolean => socket.bytesRead > 0 && !(socket as Internals)._httpMessage

/**
 * Closes connections that stay silent for `timeoutMs`: a client that stops
 * reading a response (its socket buffer full) or stops sending, as
 * `server.setTimeout(timeoutMs)` would, within `intervalMs` of the deadline.
 *
 * Why not server.setTimeout: a socket timer is moved on every read, every
 * write and its completion, and set again around every request (keep-alive):
 * each time a clock read and a re-insert into the timer list. On a 304 that
 * was about 3 µs of the service's main thread a request (profile under
 * `wrk -c256`, docs/performance.md#throughput), which the bare node:http
 * server in bench/throughput.ts does not pay. Here a request costs nothing:
 * every connection is looked at once per interval, and the bytes it moved
 * since tell whether it was silent (and, as Node's own socket timeout does,
 * whether libuv's write queue shrank: one large write moves `bytesWritten`
 * only when it completes). Idle keep-alive connections between requests are
 * left to Node's keepAliveTimeout, headers and request bodies to its
 * headersTimeout and requestTimeout.
 */
export function closeSilentSockets(server: Server, { timeoutMs, intervalMs = 1000 }: SilentSocketOptions): void {
  /** Per connection: the bytes it had read, written and queued at the last look, and since when (ms) it has moved none. */
  const watched = new Map<Socket, { read: number; written: number; queued: number; since: number }>()
  server.on('connection', (socket: Socket) => {
    watched.set(socket, { read: socket.bytesRead, written: written(socket), queued: queued(socket), since: performance.now() })
    socket.once('close', () => watched.delete(socket))
  })
  const look = (): void => {
    const now = performance.now()
    for (const [socket, seen] of watched) {
      const read = socket.bytesRead
      const wrote = written(socket)
      const queue = queued(socket)
      if (read !== seen.read || wrote !== seen.written || queue !== seen.queued || idleBetweenRequests(socket)) {
        seen.read = read
        seen.written = wrote
        seen.queued = queue
        seen.since = now
      } else if (now - seen.since >= timeoutMs) {
        // As Node does with a socket timeout nobody listens to: the connection is dropped, the client sees it close.
        watched.delete(socket)
        socket.destroy()
      }
    }
  }
  const timer = setInterval(look, intervalMs)
  timer.unref()
  server.once('close', () => clearInterval(timer))
}
