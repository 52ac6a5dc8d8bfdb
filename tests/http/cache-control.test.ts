import { describe, expect, it } from 'vitest'
import type { CachePolicy } from '../../src/caching.js'
import { cacheControl, createCacheControl } from '../../src/http/cache-control.js'

const policy: CachePolicy = { maxAge: 300, staleWhileRevalidate: 60, staleIfError: 86400, archiveMaxAge: 86400, assetMaxAge: 3600, mediaMaxAge: 86400 }
const now = Date.UTC(2026, 0, 1, 11, 0, 0)

describe('cacheControl', () => {
  it('gives live documents the configured max-age and the stale-* extensions', () => {
    expect(cacheControl('live', policy, now, undefined)).toBe('public, max-age=300, stale-while-revalidate=60, stale-if-error=86400')
  })

  it('never lets a live document stay fresh past the next scheduled publication', () => {
    expect(cacheControl('live', policy, now, now + 90_500)).toBe('public, max-age=90, stale-while-revalidate=60, stale-if-error=86400')
    expect(cacheControl('live', policy, now, now + 3_600_000)).toBe('public, max-age=300, stale-while-revalidate=60, stale-if-error=86400')
    expect(cacheControl('live', policy, now, now - 1000)).toBe('public, max-age=0, stale-while-revalidate=60, stale-if-error=86400')
  })

  it('keeps full archive pages and assets longer, and never stores health', () => {
    expect(cacheControl('archive', policy, now, now + 1000)).toBe('public, max-age=86400, stale-while-revalidate=60, stale-if-error=86400')
    expect(cacheControl('asset', policy, now, now + 1000)).toBe('public, max-age=3600, stale-while-revalidate=60, stale-if-error=86400')
    expect(cacheControl('none', policy, now, undefined)).toBe('no-store')
  })
})

describe('createCacheControl', () => {
  it('gives the values cacheControl gives, for every class and across a countdown to a publication', () => {
    const of = createCacheControl(policy)
    for (const [cache, next] of [['live', undefined], ['live', now + 90_500], ['live', now - 1000], ['archive', now + 1000], ['asset', undefined], ['none', undefined]] as const) {
      expect(of(cache, now, next)).toBe(cacheControl(cache, policy, now, next))
    }
    for (let second = 0; second < 2000; second++) {
      expect(of('live', now + second * 1000, now + 1_500_000)).toBe(cacheControl('live', policy, now + second * 1000, now + 1_500_000))
    }
  })
})
