import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener, serve } from '@hono/node-server'
import type { Hono } from 'hono'
import type { Http } from '../../src/http/app.js'
import { createListener } from '../../src/http/listener.js'
import { adapterErrorAnswer } from '../../src/http/common-headers.js'

export interface Listening {
  readonly base: string
  close(): Promise<void>
}

/** Serves an app on a free loopback port in this process. */
export async function listen(app: Hono): Promise<Listening> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        base: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            if ('closeAllConnections' in server) server.closeAllConnections()
          }),
      })
    })
  })
}

type NodeListener = (incoming: IncomingMessage, outgoing: ServerResponse) => unknown

/**
 * Serves the service's HTTP face as main.ts does, on a free loopback port in
 * this process: the listener's fast path in front of Hono (http/listener.ts).
 * `wrap` sees Hono's listener first, so a test can count what reaches it.
 */
export async function listenAsMain(http: Http, wrap: (hono: NodeListener) => NodeListener = (hono) => hono): Promise<Listening> {
  const server = createServer(createListener(http, wrap(getRequestListener(http.app.fetch, { errorHandler: adapterErrorAnswer }))))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done())
        server.closeAllConnections()
      }),
  }
}
