import type { Article } from '../content/article.js'

/** A view of a feed for aggregators and newsletters: fewer items, or only some tags. */
export interface FeedFilter {
  /** At most this many items; undefined: the feed's usual number. */
  readonly limit: number | undefined
  /** Only items with any of these tags (compared without regard to case); empty: all. */
  readonly tags: readonly string[]
}

/** The query parameters a feed understands. Others (cache busters) are ignored. */
export const FILTER_PARAMETERS = ['limit', 'tag'] as const

const fold = (tag: string): string => tag.normalize('NFC').toLowerCase()

export function isFiltered(filter: FeedFilter): boolean {
  return filter.limit !== undefined || filter.tags.length > 0
}

/**
 * Reads `?limit=N` and `?tag=…` (repeatable, any of). Returns a plain-language
 * problem for a bad value, naming the parameter.
 */
export function parseFeedFilter(
  values: (name: string) => readonly string[],
  maxLimit: number,
): FeedFilter | { readonly problem: string } {
  const limits = values('limit')
  let limit: number | undefined
  if (limits.length > 1) return { problem: 'limit: give it once' }
  if (limits.length === 1) {
    const raw = limits[0] ?? ''
    if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > maxLimit) {
      return { problem: `limit: "${raw}" is not a whole number from 1 to ${maxLimit}` }
    }
    limit = Number(raw)
  }
  const tags: string[] = []
  for (const raw of values('tag')) {
    const tag = raw.trim()
    if (tag === '' || tag.length > 200) return { problem: `tag: "${raw}" is not a tag (1 to 200 characters)` }
    if (!tags.some((t) => fold(t) === fold(tag))) tags.push(tag)
  }
  return { limit, tags: tags.sort((a, b) => (fold(a) < fold(b) ? -1 : fold(a) > fold(b) ? 1 : 0)) }
}

/** The filter as a canonical query string: one URL, and one cache entry, per view. */
export function filterQuery(filter: FeedFilter): string {
  const parts: string[] = []
  if (filter.limit !== undefined) parts.push(`limit=${filter.limit}`)
  for (const tag of filter.tags) parts.push(`tag=${encodeURIComponent(tag)}`)
  return parts.join('&')
}

/** The articles a filtered feed holds, newest first. */
export function applyFilter(newestFirst: readonly Article[], filter: FeedFilter, defaultLimit: number): Article[] {
  const wanted = new Set(filter.tags.map(fold))
  const matching = wanted.size === 0 ? newestFirst : newestFirst.filter((article) => article.tags.some((tag) => wanted.has(fold(tag))))
  return matching.slice(0, filter.limit ?? defaultLimit)
}
