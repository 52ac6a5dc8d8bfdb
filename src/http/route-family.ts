import { FILTER_PARAMETERS } from '../feeds/filter.js'
import { plusPrefix } from '../plus/plus-paths.js'
import { readFormQuery } from './form-query.js'

/**
 * The families a request falls into, for log lines and metrics: bounded, so
 * no raw path (which may hold a token, or be one of millions) is ever a
 * label. `view` is a filtered view (a feed with a filter parameter); `plus`
 * a subscriber's feeds and audio (docs/plus.md).
 */
export const ROUTE_FAMILIES = ['feed', 'archive', 'view', 'page', 'media', 'asset', 'plus', 'other'] as const
export type RouteFamily = (typeof ROUTE_FAMILIES)[number]

/**
 * Which family a request belongs to, by its path (and, on a feed, its
 * query). `feeds` are the current feeds and the podcast; a feed asked with a
 * filter parameter (limit, tag, author, content) is a filtered view; any other
 * query (`?_=123` of a cache buster, a stray `?token=`) leaves it a feed.
 */
export function routeFamilies(section: string, feeds: ReadonlySet<string>): (path: string, url: string) => RouteFamily {
  const archive = `/${section}/archiv/`
  const plus = plusPrefix(section)
  return (path, url) => {
    if (feeds.has(path)) return hasFilter(url) ? 'view' : 'feed'
    // A subscriber's feeds and audio: the token in the path never becomes a label.
    if (path.startsWith(plus)) return 'plus'
    if (path.startsWith('/media/')) return 'media'
    if (path.startsWith('/assets/')) return 'asset'
    if (path.startsWith(archive)) return 'archive'
    if (path === '/' || path.endsWith('.html')) return 'page'
    return 'other'
  }
}

function hasFilter(url: string): boolean {
  const start = url.indexOf('?')
  if (start === -1) return false
  const query = readFormQuery(url.slice(start + 1))
  // A query that is not valid percent-encoding is answered 400 as a whole: no view.
  return !('problem' in query) && FILTER_PARAMETERS.some((name) => query.has(name))
}
