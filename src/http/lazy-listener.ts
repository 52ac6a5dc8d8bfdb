import type { IncomingMessage, ServerResponse } from 'node:http'

type Listener = (incoming: IncomingMessage, outgoing: ServerResponse) => unknown

/**
 * A request listener made on the first request that needs it: `make` loads
 * @hono/node-server, whose evaluation loads Node's fetch (undici), tens of
 * milliseconds of every start that the first feed does not need (the
 * listener's fast path answers it: listener.ts; issue 14). Should the
 * loading fail, each such request is answered 500 and `onError` told.
 */
export function lazyListener(make: () => Promise<Listener>, onError: (error: unknown) => void): Listener {
  let listener: Promise<Listener> | undefined
  return async (incoming, outgoing) => {
    let ready: Listener
    try {
      ready = await (listener ??= make())
    } catch (error) {
      onError(error)
      outgoing.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Internal Server Error\n')
      return
    }
    return ready(incoming, outgoing)
  }
}
