/**
 * The families a request falls into, for log lines and metrics: bounded, so
 * no raw path (which may hold a token, or be one of millions) is ever a
 * label. `view` is a filtered view (a feed with a query).
 */
export const ROUTE_FAMILIES = ['feed', 'archive', 'view', 'page', 'media', 'asset', 'other'] as const
export type RouteFamily = (typeof ROUTE_FAMILIES)[number]

/**
 * Which family a request belongs to, by its path alone. `feeds` are the
 * current feeds and the podcast; a feed with a query is a filtered view.
 */
export function routeFamilies(section: string, feeds: ReadonlySet<string>): (path: string, url: string) => RouteFamily {
  const archive = `/${section}/archiv/`
  return (path, url) => {
    if (feeds.has(path)) return url.includes('?') ? 'view' : 'feed'
    if (path.startsWith('/media/')) return 'media'
    if (path.startsWith('/assets/')) return 'asset'
    if (path.startsWith(archive)) return 'archive'
    if (path === '/' || path.endsWith('.html')) return 'page'
    return 'other'
  }
}
