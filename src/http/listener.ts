import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Http } from './app.js'
import { viewOfIncoming, writeAnswer, type Answer } from './exchange.js'

type Listener = (incoming: IncomingMessage, outgoing: ServerResponse) => void

/**
 * Node's request listener for the service. A plain GET or HEAD of a
 * document rendered ahead is answered here, by the function Hono's route
 * calls first (app.ts: `ready`), and written with one writeHead and one end;
 * every other request goes to `hono` (@hono/node-server's listener for the
 * same app), which routes it as before.
 *
 * Why: for a 304 or a small gzip body the answer itself costs little, and
 * what stands around it (the adapter's Request and Response objects, its
 * async listener and promise, Hono's router and Context) is what made the
 * service slower than a bare node:http server sending the same bytes
 * (bench/throughput.ts; profiles in docs/performance.md#the-fast-path).
 */
export function createListener(http: Http, hono: (incoming: IncomingMessage, outgoing: ServerResponse) => unknown): Listener {
  const fast = http.fastPath
  if (!fast) return (incoming, outgoing) => void hono(incoming, outgoing)
  return (incoming, outgoing) => {
    const request = viewOfIncoming(incoming)
    let answer: Answer | undefined
    try {
      answer = request && fast(request)
    } catch {
      // Hono's route meets the same error again: its onError logs it and answers 500, as for any request.
      answer = undefined
    }
    if (answer) writeAnswer(outgoing, answer)
    else void hono(incoming, outgoing)
  }
}
