import { describe, expect, it } from 'vitest'
import { BadTokenLimit, clientKey } from '../../src/plus/bad-token-limit.js'

describe('BadTokenLimit', () => {
  it('lets a client make 10 bad attempts at once, then refuses it with the seconds until the next', () => {
    let now = 0
    const limit = new BadTokenLimit({ burst: 10, refillMs: 6000, now: () => now })
    for (let attempt = 0; attempt < 10; attempt++) {
      expect(limit.waitFor('192.0.2.1')).toBeUndefined()
      limit.failed('192.0.2.1')
    }
    expect(limit.waitFor('192.0.2.1')).toBe(6)
    // Another client is not affected.
    expect(limit.waitFor('192.0.2.2')).toBeUndefined()
    now = 4500
    expect(limit.waitFor('192.0.2.1')).toBe(2)
    now = 6000
    expect(limit.waitFor('192.0.2.1')).toBeUndefined()
    limit.failed('192.0.2.1')
    expect(limit.waitFor('192.0.2.1')).toBe(6)
  })

  it('forgives a client in full after a quiet time, and forgets it', () => {
    let now = 0
    const limit = new BadTokenLimit({ burst: 3, refillMs: 1000, now: () => now })
    for (let attempt = 0; attempt < 3; attempt++) limit.failed('192.0.2.1')
    now = 3000
    expect(limit.waitFor('192.0.2.1')).toBeUndefined()
    limit.failed('192.0.2.9')
    expect(limit.size).toBe(1)
  })

  it('keeps memory bounded: beyond maxClients the least recently failed are forgotten', () => {
    const limit = new BadTokenLimit({ burst: 1, refillMs: 60_000, maxClients: 100, now: () => 0 })
    for (let n = 0; n < 10_000; n++) limit.failed(`10.0.${n >> 8}.${n & 255}`)
    expect(limit.size).toBe(100)
    expect(limit.waitFor('10.0.39.15')).toBe(60)
    expect(limit.waitFor('10.0.0.0')).toBeUndefined()
  })

  it('counts an IPv6 client by its /64, the block one subscriber line gets', () => {
    expect(clientKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64')
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(clientKey('::ffff:192.0.2.7')).toBe('192.0.2.7')
    expect(clientKey('192.0.2.7')).toBe('192.0.2.7')
    expect(clientKey(undefined)).toBe('unknown')
  })
})
