import type { CacheClass, CachePolicy } from '../caching.js'

/**
 * The Cache-Control value for a response (RFC 9111 §5.2.2; RFC 5861 for the
 * stale-* extensions). Live documents are never fresh past the moment the
 * next scheduled article goes live, so no cache hides it.
 */
export function cacheControl(cache: CacheClass, policy: CachePolicy, now: number, nextPublication: number | undefined): string {
  switch (cache) {
    case 'none':
      return 'no-store'
    case 'asset':
      return `public, max-age=${policy.assetMaxAge}, stale-while-revalidate=${policy.staleWhileRevalidate}, stale-if-error=${policy.staleIfError}`
    case 'archive':
      return `public, max-age=${policy.archiveMaxAge}, stale-while-revalidate=${policy.staleWhileRevalidate}, stale-if-error=${policy.staleIfError}`
    case 'live': {
      const untilNext = nextPublication === undefined ? Infinity : Math.max(0, Math.floor((nextPublication - now) / 1000))
      const maxAge = Math.min(policy.maxAge, untilNext)
      return `public, max-age=${maxAge}, stale-while-revalidate=${policy.staleWhileRevalidate}, stale-if-error=${policy.staleIfError}`
    }
  }
}
