import { quotedRequestValue } from '../text/display.js'

/**
 * A query string read as HTML forms and `URLSearchParams` write it
 * (application/x-www-form-urlencoded, WHATWG URL §5): `&`-separated
 * `name=value` pairs, `+` for a space, percent-encoded UTF-8. Unlike Hono's
 * own reading, which keeps a value it cannot decode as it was sent, bad
 * percent-encoding is refused: `?tag=%C3` is no tag anybody wrote.
 */
export function readFormQuery(query: string): ReadonlyMap<string, readonly string[]> | { readonly problem: string } {
  const values = new Map<string, string[]>()
  for (const part of query.split('&')) {
    if (part === '') continue
    const equals = part.indexOf('=')
    const name = decodeFormPart(equals === -1 ? part : part.slice(0, equals))
    const value = decodeFormPart(equals === -1 ? '' : part.slice(equals + 1))
    if (name === undefined || value === undefined) return { problem: `${quotedRequestValue(part)} is not valid percent-encoding` }
    const known = values.get(name)
    if (known) known.push(value)
    else values.set(name, [value])
  }
  return values
}

/** One name or value: `+` is a space, then percent-decoding as UTF-8; undefined when that fails. */
function decodeFormPart(text: string): string | undefined {
  const spaced = text.includes('+') ? text.replaceAll('+', ' ') : text
  if (!spaced.includes('%')) return spaced
  try {
    return decodeURIComponent(spaced)
  } catch {
    // URIError: a `%` without two hex digits, or bytes that are not UTF-8.
    return undefined
  }
}
