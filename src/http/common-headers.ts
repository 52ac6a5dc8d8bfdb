/**
 * Headers sent with every document, media file and short answer (health,
 * redirects, 4xx, preflights): `nosniff`, so a browser takes the
 * Content-Type as sent and never runs a feed, a media file or an error text
 * as a script; and CORS (Fetch standard), so web-based readers on any
 * origin can fetch what is public anyway.
 */
export const COMMON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Access-Control-Allow-Origin': '*',
})
