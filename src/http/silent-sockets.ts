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
 * since tell whether it was silent. Idle keep-alive connections are still
 * closed by Node's keepAliveTimeout, headers and request bodies by its
 * headersTimeout and requestTimeout.
 */
export function closeSilentSockets(server: Server, { timeoutMs, intervalMs = 1000 }: SilentSocketOptions): void {
  /** Per connection: the bytes it had read and written at the last look, and since when (ms) it has moved none. */
  const watched = new Map<Socket, { read: number; written: number; since: number }>()
  server.on('connection', (socket: Socket) => {
    watched.set(socket, { read: socket.bytesRead, written: written(socket), since: performance.now() })
    socket.once('close', () => watched.delete(socket))
  })
  const look = (): void => {
    const now = performance.now()
    for (const [socket, seen] of watched) {
      const read = socket.bytesRead
      // Written bytes are summed over the socket's queue: looked at only when it read nothing new.
      const wrote = read === seen.read ? written(socket) : seen.written
      if (read !== seen.read || wrote !== seen.written) {
        seen.read = read
        seen.written = wrote
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
