import { bylineOf, tagsOf, type Article } from '../content/article.js'
import { BIDI_CONTROL, quotedRequestValue } from '../text/display.js'
import { FEED_CONTENTS, type FeedContent } from './feed-model.js'

/** A view of a feed for aggregators and newsletters: fewer items, only some tags, only some authors. */
export interface FeedFilter {
  /** At most this many items; undefined: the feed's usual number. */
  readonly limit: number | undefined
  /** Only items by any of these authors (compared without regard to case); empty: all. */
  readonly authors: readonly string[]
  /** Only items with any of these tags (compared without regard to case); empty: all. */
  readonly tags: readonly string[]
  /** `?content=excerpt` or `full`: the items' content other than FEED_CONTENT says; undefined: as it says. */
  readonly content?: FeedContent | undefined
}

/** The query parameters a feed understands. Others (cache busters) are ignored. */
export const FILTER_PARAMETERS = ['limit', 'author', 'tag', 'content'] as const

/**
 * Values of `?tag=` or `?author=` a view takes at most. Every value is
 * compared with every article's tags or bylines, and every distinct set is
 * a view of its own: thousands of them cost 160 ms a request.
 */
export const MAX_FILTER_VALUES = 50

const fold = (text: string): string => text.normalize('NFC').toLowerCase()

export function isFiltered(filter: FeedFilter): boolean {
  return filter.limit !== undefined || filter.authors.length > 0 || filter.tags.length > 0 || filter.content !== undefined
}

/**
 * Reads `?limit=N`, `?author=…` and `?tag=…` (both repeatable, any of), and `?content=excerpt|full`.
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
      return { problem: `limit: ${quotedRequestValue(raw)} is not a whole number from 1 to ${maxLimit}` }
    }
    limit = Number(raw)
  }
  const authors = readNames(values('author'), 'author', 'an author')
  if ('problem' in authors) return authors
  const tags = readNames(values('tag'), 'tag', 'a tag')
  if ('problem' in tags) return tags
  const contents = values('content')
  const content = contents[0] as FeedContent | undefined
  if (contents.length > 1) return { problem: 'content: give it once' }
  if (content !== undefined && !FEED_CONTENTS.includes(content)) return { problem: `content: ${quotedRequestValue(content)} is not full or excerpt` }
  return { limit, authors: authors.names, tags: tags.names, ...(content === undefined ? {} : { content }) }
}

/**
 * C0 and C1 controls, the non-characters U+FFFE/U+FFFF and bidirectional
 * controls: no tag or author holds them (parse-article.ts removes them).
 */
const CONTROL = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f\\ufffe\\uffff]|${BIDI_CONTROL.source}`)

/** Names as given, trimmed, repeats dropped regardless of case, in a stable order. */
function readNames(raws: readonly string[], parameter: string, what: string): { names: string[] } | { problem: string } {
  if (raws.length > MAX_FILTER_VALUES) return { problem: `${parameter}: give at most ${MAX_FILTER_VALUES} values (${raws.length} given)` }
  // By folded form: one look-up per value, each folded once.
  const byFold = new Map<string, string>()
  for (const raw of raws) {
    const name = raw.trim()
    // Quoted: a control character in the value is shown escaped, not sent back as is.
    if (name === '' || name.length > 200) return { problem: `${parameter}: ${quotedRequestValue(raw)} is not ${what} (1 to 200 characters)` }
    if (CONTROL.test(name)) return { problem: `${parameter}: ${quotedRequestValue(raw)} holds control characters` }
    const folded = fold(name)
    if (!byFold.has(folded)) byFold.set(folded, name)
  }
  return { names: [...byFold].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, name]) => name) }
}

/** The filter as a canonical query string: one URL, and one cache entry, per view. */
export function filterQuery(filter: FeedFilter): string {
  const parts: string[] = []
  if (filter.limit !== undefined) parts.push(`limit=${filter.limit}`)
  for (const author of filter.authors) parts.push(`author=${encodeURIComponent(author)}`)
  for (const tag of filter.tags) parts.push(`tag=${encodeURIComponent(tag)}`)
  if (filter.content !== undefined) parts.push(`content=${filter.content}`)
  return parts.join('&')
}

/** An article's tags and byline as filters compare them (folded). */
interface FoldedKeys {
  readonly tags: readonly string[]
  readonly authors: readonly string[]
}

/**
 * Articles' folded tags and bylines, worked out once per article: articles
 * never change (an edit makes a new one), and folding every tag of 50,000
 * articles took 70 ms a view.
 */
export class FilterKeys {
  readonly #keys = new WeakMap<Article, FoldedKeys>()
  readonly #deskAuthor: string

  constructor(deskAuthor: string) {
    this.#deskAuthor = deskAuthor
  }

  of(article: Article): FoldedKeys {
    let keys = this.#keys.get(article)
    if (!keys) {
      keys = { tags: tagsOf(article).map(fold), authors: bylineOf(article, this.#deskAuthor).map(fold) }
      this.#keys.set(article, keys)
    }
    return keys
  }
}

/**
 * The articles a filtered feed holds, newest first: any of the tags and any
 * of the authors. An article without a byline is the desk's (the one `keys`
 * was made with), as the feeds show it. Stops at the limit.
 */
export function applyFilter(newestFirst: readonly Article[], filter: FeedFilter, defaultLimit: number, keys: FilterKeys): Article[] {
  const limit = filter.limit ?? defaultLimit
  if (filter.tags.length === 0 && filter.authors.length === 0) return newestFirst.slice(0, limit)
  const tags = new Set(filter.tags.map(fold))
  const authors = new Set(filter.authors.map(fold))
  const matching: Article[] = []
  for (const article of newestFirst) {
    if (matching.length >= limit) break
    const folded = keys.of(article)
    if ((tags.size === 0 || folded.tags.some((tag) => tags.has(tag))) && (authors.size === 0 || folded.authors.some((author) => authors.has(author)))) {
      matching.push(article)
    }
  }
  return matching
}

/** What a view shows besides the whole section, for its title: `von Jonas Albrecht · Thema KI, Börse`. */
export function describeFilter(filter: FeedFilter): string {
  const parts: string[] = []
  if (filter.authors.length > 0) parts.push(`von ${filter.authors.join(', ')}`)
  if (filter.tags.length > 0) parts.push(`Thema ${filter.tags.join(', ')}`)
  if (filter.content !== undefined) parts.push(filter.content === 'excerpt' ? 'Auszüge' : 'Volltext')
  return parts.join(' · ')
}
