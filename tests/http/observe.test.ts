import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { observed } from '../../src/http/observe.js'
import { routeFamilies } from '../../src/http/route-family.js'
import type { Traffic } from '../../src/ops/traffic.js'

const FEEDS = new Set(['/wirtschaft/feed.xml', '/wirtschaft/atom.xml', '/wirtschaft/feed.json', '/wirtschaft/podcast.xml'])

describe('observed', () => {
  const recorder = () => {
    const requests: unknown[][] = []
    const traffic: Traffic = { request: (...args) => void requests.push(args.slice(0, 3)), sent: () => {}, feedPoll: () => {}, pollGate: () => undefined }
    return { requests, traffic }
  }

  it('counts each response with its family, method and status, synchronous or not', async () => {
    const { requests, traffic } = recorder()
    const app = new Hono().all('*', observed(traffic, routeFamilies('wirtschaft', FEEDS), (c) => (c.req.path === '/' ? new Response('x') : Promise.resolve(new Response(null, { status: 304 })))))
    await app.request('/')
    await app.request('/wirtschaft/feed.xml', { method: 'HEAD' })
    expect(requests).toEqual([
      ['page', 'GET', 200],
      ['feed', 'HEAD', 304],
    ])
  })

  it('counts a handler that throws, or whose promise rejects, as a 500', async () => {
    const { requests, traffic } = recorder()
    const app = new Hono().all(
      '*',
      observed(traffic, routeFamilies('wirtschaft', FEEDS), (c) => {
        if (c.req.path === '/a.html') throw new Error('kaputt')
        return Promise.reject(new Error('auch kaputt'))
      }),
    )
    app.onError((_, c) => c.text('Internal server error\n', 500))
    expect((await app.request('/a.html')).status).toBe(500)
    expect((await app.request('/wirtschaft/feed.json')).status).toBe(500)
    expect(requests).toEqual([
      ['page', 'GET', 500],
      ['feed', 'GET', 500],
    ])
  })
})
