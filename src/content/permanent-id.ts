/**
 * Permanent ids: the RSS guid, the Atom id and the JSON Feed id of an
 * article. Readers compare them character by character and Atom wants an IRI
 * (RFC 4287 §4.2.6), so an id the editor sets must be valid to the letter of
 * its spec and is refused otherwise, never repaired: a tag URI (RFC 4151), a
 * URN (RFC 8141) or an http(s) URL (RFC 3986). Each pattern has one way to
 * match any text, so checking costs time in proportion to the id's length.
 */
import { quoted } from '../text/display.js'
import { isHttpUrl } from '../text/urls.js'
import { isCalendarDate } from './dates.js'

/**
 * The longest id accepted, in characters: what browsers and servers take as
 * a URL, and far beyond any real id. It keeps the checks below a millisecond
 * (a 2 MiB id of `a-a-a-…` takes 0.4 s to refuse).
 */
const MAX_ID_LENGTH = 2048

/** RFC 3986 pchar: unreserved, sub-delims, `:`, `@`, or a percent-encoded byte. */
const PCHAR = "(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
/** RFC 4151 DNSname: labels of letters and digits, with hyphens inside only. */
const DNS_NAME = '[A-Za-z0-9]+(?:-+[A-Za-z0-9]+)*(?:\\.[A-Za-z0-9]+(?:-+[A-Za-z0-9]+)*)*'
/** RFC 4151 §2.1: tag:authorityName,date:specific[#fragment]. */
const TAG_URI = new RegExp(
  `^tag:(?:${DNS_NAME}|[A-Za-z0-9\\-._]+@${DNS_NAME}),(\\d{4})(?:-(\\d{2})(?:-(\\d{2}))?)?:(?:${PCHAR}|[/?])*(?:#(?:${PCHAR}|[/?])*)?$`,
  'i',
)
/** RFC 8141 §2: urn:NID:NSS, then ?+r-component, ?=q-component and #f-component (a `?` that starts neither ends the NSS). */
const URN = new RegExp(
  `^urn:([A-Za-z0-9][A-Za-z0-9-]{0,30}[A-Za-z0-9]):(${PCHAR}(?:${PCHAR}|/)*)` +
    `(?:\\?\\+${PCHAR}(?:${PCHAR}|/|\\?(?!=))*)?(?:\\?=${PCHAR}(?:${PCHAR}|[/?])*)?(?:#(?:${PCHAR}|[/?])*)?$`,
  'i',
)
/** RFC 9562: a UUID, for urn:uuid:. */
const UUID = /^[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i
/** What may follow the authority of an RFC 3986 URI: pchar, `/`, `?`, `#` (`[`, `]` belong to the host only). */
const NOT_IN_URI_PATH = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/?#%]|%(?![0-9A-Fa-f]{2})/

/**
 * Default id: a tag URI (RFC 4151) from the site's host, the year of first
 * publication (four digits, as RFC 4151 wants), the category and the slug.
 * It survives title edits and changes of the page's path scheme; set `id` to
 * keep it across a move of the whole site to another domain.
 */
export function defaultId(siteUrl: string, category: string, slug: string, date: Date | undefined): string {
  const host = new URL(siteUrl).hostname.replace(/^\[.*\]$/, 'localhost')
  // Joined, not a template literal: one flat string, not a tree of its pieces held with every article (stampOf).
  return ['tag:', host, ',', String(date?.getUTCFullYear() ?? 2000).padStart(4, '0'), ':', category, '/', slug].join('')
}

/** An id as the editor wrote it, checked: the id to publish (a URL in its one normal form), or the problem in words. */
export function readPermanentId(value: string): { readonly id: string } | { readonly problem: string } {
  const id = value.trim()
  if (id.length > MAX_ID_LENGTH) return { problem: `is ${id.length} characters long; an id has at most ${MAX_ID_LENGTH}` }
  const shown = quoted(value)
  if (/^tag:/i.test(id)) {
    const m = TAG_URI.exec(id)
    if (m && isCalendarDate(Number(m[1]), m[2] === undefined ? 1 : Number(m[2]), m[3] === undefined ? 1 : Number(m[3]))) return { id }
    return {
      problem: `${shown} is not a valid tag URI (RFC 4151) such as tag:example.de,2025:wirtschaft/slug: a domain or e-mail address, a date (2025, 2025-01 or 2025-01-28), then only ASCII letters, digits, -._~!$&'()*+,;=:@/? and %XX`,
    }
  }
  if (/^urn:/i.test(id)) {
    const m = URN.exec(id)
    if (m && (m[1]?.toLowerCase() !== 'uuid' || UUID.test(m[2] ?? ''))) return { id }
    return { problem: `${shown} is not a valid URN (RFC 8141) such as urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66 or urn:isbn:978-3-16-148410-0` }
  }
  if (/^https?:/i.test(id) && isHttpUrl(id)) {
    // One normal form for all formats (docs/feed-package.md #6); WHATWG leaves some characters RFC 3986 does not allow.
    const url = new URL(id)
    const bad = NOT_IN_URI_PATH.exec(`${url.pathname}${url.search}${url.hash}`)?.[0]
    if (bad === undefined) return { id: url.href }
    const encoded = encodeURIComponent(bad) === bad ? `%${bad.charCodeAt(0).toString(16).toUpperCase()}` : encodeURIComponent(bad)
    return { problem: `${shown} is not a valid http(s) URL: "${bad}" must be percent-encoded (${encoded})` }
  }
  return { problem: `${shown} is not a permanent URI (tag:example.de,2025:slug, urn:uuid:…, or an http(s) URL)` }
}
