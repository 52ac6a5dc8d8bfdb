/**
 * viewOfIncoming (http/exchange.ts): which requests the listener's fast path
 * may take from Node as they are, and that a request target and Host seen
 * before are not matched against their patterns again.
 */
import type { IncomingMessage } from 'node:http'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { viewOfIncoming } from '../../src/http/exchange.js'

const incoming = (url: string, host: string | undefined, method = 'GET') =>
  ({ method, url, headers: host === undefined ? {} : { host }, socket: { remoteAddress: '127.0.0.1' } }) as unknown as IncomingMessage

afterEach(() => {
  vi.restoreAllMocks()
})

describe('viewOfIncoming', () => {
  it('takes plain GET and HEAD requests and leaves every other to Hono, the first time and again', () => {
    const plain = ['/wirtschaft/feed.xml', '/', '/assets/feed.xsl', '/wirtschaft/a~b_c-d.html']
    const other = ['/wirtschaft/feed.xml?tag=ki', '/wirtschaft/feed%2Exml', '/wirtschaft/./feed.xml', '/.hidden', '//x', 'http://www.example.de/', '*']
    for (let round = 0; round < 2; round++) {
      for (const url of plain) expect(viewOfIncoming(incoming(url, 'www.example.de'))?.path, url).toBe(url)
      for (const url of other) expect(viewOfIncoming(incoming(url, 'www.example.de')), url).toBeUndefined()
      for (const host of ['WWW.Example.de', 'www.example.de:70000', 'www.example.de:80', '[::1]:3000', 'a b']) {
        expect(viewOfIncoming(incoming('/wirtschaft/feed.xml', host)), host).toBeUndefined()
      }
      expect(viewOfIncoming(incoming('/wirtschaft/feed.xml', '127.0.0.1:3000'))?.header('host')).toBe('127.0.0.1:3000')
      expect(viewOfIncoming(incoming('/wirtschaft/feed.xml', undefined))).toBeUndefined()
      expect(viewOfIncoming(incoming('/wirtschaft/feed.xml', 'www.example.de', 'POST'))).toBeUndefined()
      expect(viewOfIncoming(incoming('/wirtschaft/feed.xml', 'www.example.de', 'HEAD'))?.method).toBe('HEAD')
    }
  })

  it('matches a request target and a Host it has seen before no more: a keep-alive poller’s next request costs no pattern', () => {
    const url = '/wirtschaft/seen-before.xml'
    const host = 'seen-before.example:3000'
    expect(viewOfIncoming(incoming(url, host))?.path).toBe(url)
    const test = vi.spyOn(RegExp.prototype, 'test')
    // Fresh strings, as Node gives each request.
    for (let i = 0; i < 3; i++) expect(viewOfIncoming(incoming(` ${url}`.slice(1), ` ${host}`.slice(1)))?.path).toBe(url)
    expect(test).not.toHaveBeenCalled()
  })
})
