import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'

const load = (env: Record<string, string>) => loadConfig(env, [], '/srv')

describe('CDN, PURGE and CDN_MAX_AGE', () => {
  it('has no CDN by default', () => {
    expect(load({}).cdn).toBeUndefined()
  })

  it('takes the header from PURGE’s provider, with its target and token', () => {
    expect(load({ PURGE: 'varnish:http://127.0.0.1:6081', CDN_MAX_AGE: '86400' }).cdn).toEqual({
      provider: 'varnish',
      maxAge: 86400,
      purge: { provider: 'varnish', url: 'http://127.0.0.1:6081/' },
    })
    expect(load({ PURGE: 'fastly:SU1Z0isxPaozGVKXdv0eY', FASTLY_API_TOKEN: 'tok' }).cdn).toEqual({
      provider: 'fastly',
      maxAge: undefined,
      purge: { provider: 'fastly', serviceId: 'SU1Z0isxPaozGVKXdv0eY', token: 'tok' },
    })
    expect(load({ PURGE: 'cloudflare:023e105f4ecef8ad9ca31a8372d0c353', CLOUDFLARE_API_TOKEN: 'cf' }).cdn?.purge).toEqual({
      provider: 'cloudflare',
      zoneId: '023e105f4ecef8ad9ca31a8372d0c353',
      token: 'cf',
    })
  })

  it('refuses a varnish PURGE URL with credentials, which fetch cannot send, without showing them', () => {
    expect(() => load({ PURGE: 'varnish:http://admin:pw@127.0.0.1:6081/' })).toThrow(
      /^PURGE: "http:\/\/\[redacted\]@127\.0\.0\.1:6081\/" must not carry a user name or password; restrict PURGE in the VCL by client address instead$/,
    )
  })

  it('sends keys without purging with CDN alone', () => {
    expect(load({ CDN: 'cloudflare' }).cdn).toEqual({ provider: 'cloudflare', maxAge: undefined, purge: undefined })
  })

  it.each([
    [{ CDN: 'akamai' }, 'CDN: "akamai" is not one of varnish, fastly, cloudflare'],
    [{ PURGE: 'varnish' }, 'PURGE: "varnish" is not one of varnish:http://127.0.0.1:6081/, fastly:<service id> or cloudflare:<zone id>'],
    [{ PURGE: 'varnish:localhost' }, 'PURGE: "localhost" is not an absolute URL such as http://127.0.0.1:6081/'],
    [{ PURGE: 'varnish:ftp://127.0.0.1/' }, 'PURGE: "ftp://127.0.0.1/" must start with http:// or https://'],
    [{ PURGE: 'fastly:abc' }, 'FASTLY_API_TOKEN: is needed by PURGE=fastly:…, and is not set'],
    [{ PURGE: 'cloudflare:z/1', CLOUDFLARE_API_TOKEN: 't' }, 'PURGE: "z/1" is not a Cloudflare zone id (letters and digits)'],
    [{ PURGE: 'fastly:abc', FASTLY_API_TOKEN: 'a b' }, 'FASTLY_API_TOKEN: holds spaces or control characters; give the token alone'],
    [{ CDN: 'fastly', PURGE: 'varnish:http://127.0.0.1/' }, 'CDN: "fastly" does not match PURGE, which purges varnish; leave CDN out or name the same'],
    [{ CDN_MAX_AGE: '86400' }, 'CDN_MAX_AGE: needs CDN or PURGE: a long shared lifetime is safe only where purges reach'],
    [{ CDN: 'varnish', CDN_MAX_AGE: '0' }, 'CDN_MAX_AGE: "0" is not a whole number from 1 to 31536000'],
  ])('refuses %o, naming the variable', (env, message) => {
    expect(() => load(env)).toThrow(message)
  })

  it('takes CDN, PURGE and CDN_MAX_AGE as flags too, never the tokens', () => {
    expect(loadConfig({}, ['--cdn', 'varnish', '--cdn-max-age', '600'], '/srv').cdn).toEqual({ provider: 'varnish', maxAge: 600, purge: undefined })
    expect(() => loadConfig({}, ['--fastly-api-token', 'x'], '/srv')).toThrow(/--fastly-api-token is not a known flag/)
  })
})
