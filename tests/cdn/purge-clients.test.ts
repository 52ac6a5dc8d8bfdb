/**
 * Each provider's purge request, as its documentation specifies it, checked
 * on a loopback stand-in: method, URL, headers and body (sources cited in
 * src/cdn/purge-clients.ts).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { batchesOf, createPurgeClient } from '../../src/cdn/purge-clients.js'
import { Purger } from '../../src/cdn/purger.js'
import { startPurgeStandIn } from '../helpers/purge-stand-in.js'

const quiet = { info: () => {}, warn: () => {} }
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

async function standIn(otherwise: { status: number; body?: string }) {
  const api = await startPurgeStandIn([], otherwise)
  closers.push(api.close)
  return api
}

describe('purge requests, as each provider documents them', () => {
  it('Varnish (xkey): PURGE to the base URL with the keys in xkey-purge, separated by spaces', async () => {
    const varnish = await standIn({ status: 200, body: 'Invalidated 3 objects' })
    const purger = new Purger({ client: createPurgeClient({ provider: 'varnish', url: varnish.url }), logger: quiet })
    await purger.purge(['feed', 'a-0123456789', 't-ezb'])
    expect(varnish.received).toHaveLength(1)
    const [request] = varnish.received
    expect(request?.method).toBe('PURGE')
    expect(request?.url).toBe('/')
    expect(request?.headers['xkey-purge']).toBe('feed a-0123456789 t-ezb')
    expect(request?.body).toBe('')
    expect(purger.problems()).toEqual([])
  })

  it('Fastly: POST /service/{id}/purge with Fastly-Key and {"surrogate_keys": [...]}', async () => {
    const fastly = await standIn({ status: 200, body: '{"feed":"108-1391560174-974124","t-ezb":"108-1391560174-974125"}' })
    const client = createPurgeClient({ provider: 'fastly', serviceId: 'SU1Z0isxPaozGVKXdv0eY', token: 'tok3n' }, { fastly: fastly.url })
    const purger = new Purger({ client, logger: quiet })
    await purger.purge(['feed', 't-ezb'])
    const [request] = fastly.received
    expect(request?.method).toBe('POST')
    expect(request?.url).toBe('/service/SU1Z0isxPaozGVKXdv0eY/purge')
    expect(request?.headers['fastly-key']).toBe('tok3n')
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.headers.accept).toBe('application/json')
    expect(JSON.parse(request?.body ?? '')).toEqual({ surrogate_keys: ['feed', 't-ezb'] })
    expect(purger.problems()).toEqual([])
  })

  it('Cloudflare: POST /client/v4/zones/{zone}/purge_cache with a Bearer token and {"tags": [...]}', async () => {
    const cloudflare = await standIn({ status: 200, body: '{"success":true,"errors":[],"messages":[],"result":{"id":"023e105f4ecef8ad9ca31a8372d0c353"}}' })
    const client = createPurgeClient(
      { provider: 'cloudflare', zoneId: '023e105f4ecef8ad9ca31a8372d0c353', token: 'cf-tok3n' },
      { cloudflare: `${cloudflare.url}client/v4/` },
    )
    const purger = new Purger({ client, logger: quiet })
    await purger.purge(['feed', 'a-0123456789'])
    const [request] = cloudflare.received
    expect(request?.method).toBe('POST')
    expect(request?.url).toBe('/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache')
    expect(request?.headers.authorization).toBe('Bearer cf-tok3n')
    expect(request?.headers['content-type']).toBe('application/json')
    expect(JSON.parse(request?.body ?? '')).toEqual({ tags: ['feed', 'a-0123456789'] })
    expect(purger.problems()).toEqual([])
  })

  it('uses the providers’ real API hosts by default', () => {
    expect(createPurgeClient({ provider: 'fastly', serviceId: 'abc', token: 't' }).request(['k']).url).toBe('https://api.fastly.com/service/abc/purge')
    expect(createPurgeClient({ provider: 'cloudflare', zoneId: 'z1', token: 't' }).request(['k']).url).toBe(
      'https://api.cloudflare.com/client/v4/zones/z1/purge_cache',
    )
  })

  it('sends 600 keys in batches within each API’s limit: Fastly 256, Cloudflare 100, Varnish 4,000 bytes', async () => {
    const keys = Array.from({ length: 600 }, (_, index) => `a-${String(index).padStart(10, '0')}`)
    const fastly = await standIn({ status: 200, body: '{}' })
    await new Purger({ client: createPurgeClient({ provider: 'fastly', serviceId: 's', token: 't' }, { fastly: fastly.url }), logger: quiet }).purge(keys)
    expect(fastly.received.map((request) => (JSON.parse(request.body) as { surrogate_keys: string[] }).surrogate_keys.length)).toEqual([256, 256, 88])

    const cloudflare = await standIn({ status: 200, body: '{"success":true}' })
    const client = createPurgeClient({ provider: 'cloudflare', zoneId: 'z', token: 't' }, { cloudflare: cloudflare.url })
    await new Purger({ client, logger: quiet }).purge(keys)
    expect(cloudflare.received.map((request) => (JSON.parse(request.body) as { tags: string[] }).tags.length)).toEqual([100, 100, 100, 100, 100, 100])
    expect(cloudflare.received.flatMap((request) => (JSON.parse(request.body) as { tags: string[] }).tags)).toEqual(keys)

    const varnish = await standIn({ status: 200 })
    await new Purger({ client: createPurgeClient({ provider: 'varnish', url: varnish.url }), logger: quiet }).purge(keys)
    const lengths = varnish.received.map((request) => String(request.headers['xkey-purge']).length)
    expect(varnish.received.map((request) => String(request.headers['xkey-purge']).split(' ').length)).toEqual([256, 256, 88])
    expect(Math.max(...lengths)).toBeLessThanOrEqual(4000)
  })

  it('cuts a batch at the byte limit before the key limit', () => {
    expect(batchesOf(['aaaa', 'bbbb', 'cccc'], { maxKeys: 10, maxBytes: 10 })).toEqual([['aaaa', 'bbbb'], ['cccc']])
  })

  it('reads a Cloudflare answer without "success": true as a failure, with its message', () => {
    const client = createPurgeClient({ provider: 'cloudflare', zoneId: 'z', token: 't' })
    expect(client.check(200, '{"success":false,"errors":[{"code":1134,"message":"Purge by tag is not available"}]}')).toBe(
      'Cloudflare answered 200: Purge by tag is not available',
    )
    expect(client.check(403, 'not json')).toBe('Cloudflare answered 403')
  })
})
