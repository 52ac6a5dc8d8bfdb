import type { IncomingMessage, ServerResponse } from 'node:http'
import { SERVER_ERROR } from './common-headers.js'
import { writeAnswer } from './exchange.js'

type Listener = (incoming: IncomingMessage, outgoing: ServerResponse) => unknown

/** A listener made on first use, which can also be made ahead (`load`). */
export type LazyListener = Listener & { readonly load: () => Promise<unknown> }

/**
 * A request listener made on the first request that needs it: `make` loads
 * @hono/node-server, whose evaluation loads Node's fetch (undici), tens of
 * milliseconds of every start that the first feed does not need (the
 * listener's fast path answers it: listener.ts; issue 14). `load()` makes it
 * ahead, once the first feed is served (main.ts), so that a running service
 * does not read dist/ later on. Should the loading fail, the request is
 * answered 500 and `onError` told, and the next request loads again: a
 * failure of a moment (EMFILE in a burst) does not last until a restart.
 */
export function lazyListener(make: () => Promise<Listener>, onError: (error: unknown) => void): LazyListener {
  let listener: Promise<Listener> | undefined
  /** The listener once made: later requests are handed to it at once, with no promise to wait on. */
  let made: Listener | undefined
  const ensure = () =>
    (listener ??= make().then(
      (ready) => (made = ready),
      (error: unknown) => {
        listener = undefined
        throw error
      },
    ))
  const listen: Listener = async (incoming, outgoing) => {
    if (made) return made(incoming, outgoing)
    let ready: Listener
    try {
      ready = await ensure()
    } catch (error) {
      onError(error)
      writeAnswer(outgoing, SERVER_ERROR)
      return
    }
    return ready(incoming, outgoing)
  }
  return Object.assign(listen, { load: () => ensure().catch(onError) })
}
