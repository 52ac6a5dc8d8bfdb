/** Media types that say "a feed, please". */
const FEED_TYPES = ['application/rss+xml', 'application/atom+xml', 'application/feed+json', 'application/xml', 'text/xml']

/**
 * Whether the client is a browser navigating to the URL: its Accept header
 * names text/html, and likes it more than any feed or XML type it
 * names (browsers send `text/html,…,application/xml;q=0.9,*\/*;q=0.8`; feed
 * readers name feed types, or only `*\/*`).
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false
  let html = 0
  let feed = 0
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';')
    const type = range.trim().toLowerCase()
    const q = qValueOf(params)
    if (type === 'text/html') html = Math.max(html, q)
    else if (FEED_TYPES.includes(type)) feed = Math.max(feed, q)
  }
  return html > 0 && html > feed
}

/** The q-value among a header element's parameters (RFC 9110 §12.4.2); 1 when none is given. */
export function qValueOf(params: readonly string[]): number {
  let q = 1
  for (const param of params) {
    const match = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param)
    if (match) q = Math.min(Number(match[1]), 1)
  }
  return q
}
