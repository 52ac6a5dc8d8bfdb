/**
 * Review: lazyListener keeps the first load's promise, rejected or not. One failed load of
 * @hono/node-server (dist/part-dist-*.js missing for a moment while `npm run build` rewrites the
 * parts under the same names; EMFILE in a burst of connections) makes every later request that
 * needs Hono answer 500 until a restart, although Node's import() itself tries again and
 * succeeds once the file can be read (checked by hand: a failed import of a missing module loads
 * on the next import() once it exists).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { lazyListener } from '../../src/http/lazy-listener.js'

describe('lazyListener after a failed load', () => {
  it('loads again on the next request, and serves it', async () => {
    let loads = 0
    const errors: unknown[] = []
    const listener = lazyListener(async () => {
      loads += 1
      if (loads === 1) throw Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' })
      return (_incoming: IncomingMessage, outgoing: ServerResponse) => void outgoing.writeHead(200).end('ok')
    }, (error) => errors.push(error))
    const server = createServer(listener)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      // The 500 of every other failed request: the headers of every answer, no-store, its length (a review: a bare 500 before).
      const failed = await fetch(`${base}/healthz`)
      const headers = Object.fromEntries(['cache-control', 'content-length', 'x-content-type-options', 'access-control-allow-origin'].map((name) => [name, failed.headers.get(name)]))
      expect([failed.status, headers, await failed.text()]).toEqual([
        500,
        { 'cache-control': 'no-store', 'content-length': '22', 'x-content-type-options': 'nosniff', 'access-control-allow-origin': '*' },
        'Internal server error\n',
      ])
      const second = await fetch(`${base}/healthz`)
      expect([second.status, await second.text(), loads]).toEqual([200, 'ok', 2])
      // Once made, the listener serves every later request without loading again.
      const third = await fetch(`${base}/healthz`)
      expect([third.status, await third.text(), loads]).toEqual([200, 'ok', 2])
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
