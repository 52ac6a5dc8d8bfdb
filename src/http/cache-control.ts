import type { CacheClass, CachePolicy } from '../caching.js'

/**
 * The Cache-Control value for a response (RFC 9111 §5.2.2; RFC 5861 for the
 * stale-* extensions). Live documents are never fresh past the moment the
 * next scheduled article goes live, so no cache hides it.
 */
export function cacheControl(cache: CacheClass, policy: CachePolicy, now: number, nextPublication: number | undefined): string {
  const maxAge = maxAgeOf(cache, policy, now, nextPublication)
  return maxAge === undefined ? 'no-store' : withMaxAge(policy, maxAge)
}

/**
 * cacheControl for one policy, with each value made once: a request gets
 * the very string the last one with the same max-age got, so the header
 * sets built for it are found again by identity (send-resource.ts) and no
 * string is formatted per request.
 */
export function createCacheControl(policy: CachePolicy): (cache: CacheClass, now: number, nextPublication: number | undefined) => string {
  const values = new Map<number, string>()
  return (cache, now, nextPublication) => {
    const maxAge = maxAgeOf(cache, policy, now, nextPublication)
    if (maxAge === undefined) return 'no-store'
    let value = values.get(maxAge)
    if (value === undefined) {
      // Bounded: a live document counting down to a publication uses a new max-age each second.
      if (values.size >= 1024) values.clear()
      value = withMaxAge(policy, maxAge)
      values.set(maxAge, value)
    }
    return value
  }
}

/** Seconds a response may be fresh; undefined: not stored at all. */
function maxAgeOf(cache: CacheClass, policy: CachePolicy, now: number, nextPublication: number | undefined): number | undefined {
  switch (cache) {
    case 'none':
      return undefined
    case 'asset':
      return policy.assetMaxAge
    case 'archive':
      return policy.archiveMaxAge
    case 'live': {
      const untilNext = nextPublication === undefined ? Infinity : Math.max(0, Math.floor((nextPublication - now) / 1000))
      return Math.min(policy.maxAge, untilNext)
    }
  }
}

function withMaxAge(policy: CachePolicy, maxAge: number): string {
  return `public, max-age=${maxAge}, stale-while-revalidate=${policy.staleWhileRevalidate}, stale-if-error=${policy.staleIfError}`
}

/** A shared cache's Cache-Control for the client's cache only (RFC 9111 §5.2.2.7). */
export function privately(cacheControl: string): string {
  return cacheControl.startsWith('public') ? `private${cacheControl.slice('public'.length)}` : cacheControl
}
