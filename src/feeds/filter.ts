import { bylineOf, type Article } from '../content/article.js'
import { BIDI_CONTROL, quoted } from '../text/display.js'

/** A view of a feed for aggregators and newsletters: fewer items, only some tags, only some authors. */
export interface FeedFilter {
  /** At most this many items; undefined: the feed's usual number. */
  readonly limit: number | undefined
  /** Only items by any of these authors (compared without regard to case); empty: all. */
  readonly authors: readonly string[]
  /** Only items with any of these tags (compared without regard to case); empty: all. */
  readonly tags: readonly string[]
}

/** The query parameters a feed understands. Others (cache busters) are ignored. */
export const FILTER_PARAMETERS = ['limit', 'author', 'tag'] as const

const fold = (text: string): string => text.normalize('NFC').toLowerCase()

export function isFiltered(filter: FeedFilter): boolean {
  return filter.limit !== undefined || filter.authors.length > 0 || filter.tags.length > 0
}

/**
 * Reads `?limit=N`, `?author=…` and `?tag=…` (both repeatable, any of).
 * Returns a plain-language problem for a bad value, naming the parameter.
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
  const authors = readNames(values('author'), 'author', 'an author')
  if ('problem' in authors) return authors
  const tags = readNames(values('tag'), 'tag', 'a tag')
  if ('problem' in tags) return tags
  return { limit, authors: authors.names, tags: tags.names }
}

/**
 * C0 and C1 controls, the non-characters U+FFFE/U+FFFF and bidirectional
 * controls: no tag or author holds them (parse-article.ts removes them).
 */
const CONTROL = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f\\ufffe\\uffff]|${BIDI_CONTROL.source}`)

/** Names as given, trimmed, repeats dropped regardless of case, in a stable order. */
function readNames(raws: readonly string[], parameter: string, what: string): { names: string[] } | { problem: string } {
  const names: string[] = []
  for (const raw of raws) {
    const name = raw.trim()
    // Quoted: a control character in the value is shown escaped, not sent back as is.
    if (name === '' || name.length > 200) return { problem: `${parameter}: ${quoted(raw)} is not ${what} (1 to 200 characters)` }
    if (CONTROL.test(name)) return { problem: `${parameter}: ${quoted(raw)} holds control characters` }
    if (!names.some((n) => fold(n) === fold(name))) names.push(name)
  }
  return { names: names.sort((a, b) => (fold(a) < fold(b) ? -1 : fold(a) > fold(b) ? 1 : 0)) }
}

/** The filter as a canonical query string: one URL, and one cache entry, per view. */
export function filterQuery(filter: FeedFilter): string {
  const parts: string[] = []
  if (filter.limit !== undefined) parts.push(`limit=${filter.limit}`)
  for (const author of filter.authors) parts.push(`author=${encodeURIComponent(author)}`)
  for (const tag of filter.tags) parts.push(`tag=${encodeURIComponent(tag)}`)
  return parts.join('&')
}

/**
 * The articles a filtered feed holds, newest first: any of the tags and any
 * of the authors. An article without a byline is the desk's (`deskAuthor`),
 * as the feeds show it.
 */
export function applyFilter(newestFirst: readonly Article[], filter: FeedFilter, defaultLimit: number, deskAuthor: string): Article[] {
  const limit = filter.limit ?? defaultLimit
  if (filter.tags.length === 0 && filter.authors.length === 0) return newestFirst.slice(0, limit)
  const tags = new Set(filter.tags.map(fold))
  const authors = new Set(filter.authors.map(fold))
  const matching = newestFirst.filter(
    (article) =>
      (tags.size === 0 || article.tags.some((tag) => tags.has(fold(tag)))) &&
      (authors.size === 0 || bylineOf(article, deskAuthor).some((author) => authors.has(fold(author)))),
  )
  return matching.slice(0, limit)
}

/** What a view shows besides the whole section, for its title: `von Jonas Albrecht · Thema KI, Börse`. */
export function describeFilter(filter: FeedFilter): string {
  const parts: string[] = []
  if (filter.authors.length > 0) parts.push(`von ${filter.authors.join(', ')}`)
  if (filter.tags.length > 0) parts.push(`Thema ${filter.tags.join(', ')}`)
  return parts.join(' · ')
}
