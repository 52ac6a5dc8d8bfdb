import type { EventEmitter } from 'node:events'
import type { Duplex } from 'node:stream'

/** The methods this service answers: `Allow` on every 405, and CORS preflights. */
export const ALLOWED_METHODS = 'GET, HEAD, OPTIONS'

/** Statuses for what Node's HTTP parser refuses before any handler runs (as Node's own default, plus 405). */
const STATUS_BY_CODE: Readonly<Record<string, string>> = {
  HPE_INVALID_METHOD: `405 Method Not Allowed\r\nAllow: ${ALLOWED_METHODS}`,
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
}

function answer(socket: Duplex, status: string): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n`)
}

/**
 * Answers requests the application never sees: a method Node's parser does
 * not know (`FOO`) gets 405 with `Allow` like any other method not served
 * here, and `CONNECT` (which Node hands to a 'connect' listener, or else
 * drops without a word) too. Everything else as Node itself would: 431, 413,
 * 408, or 400.
 */
export function answerClientErrors(server: EventEmitter): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET') {
      socket.destroy()
      return
    }
    answer(socket, STATUS_BY_CODE[error.code ?? ''] ?? '400 Bad Request')
  })
  server.on('connect', (_request: unknown, socket: Duplex) => answer(socket, `405 Method Not Allowed\r\nAllow: ${ALLOWED_METHODS}`))
}
