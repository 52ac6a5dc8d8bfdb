/**
 * A language tag as feeds and pages carry it (RFC 5646, simplified): a two-
 * or three-letter language, then subtags of up to eight letters or digits,
 * `de`, `de-AT`, `en-US`. For SITE_LANG and an article's `lang`.
 */
export const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$/

/** A URI scheme and its colon at the start (RFC 3986 §3.1: a letter, then letters, digits, `+`, `-`, `.`). */
const SCHEME = /^[a-z][a-z0-9+.-]*:/i

/** A scheme and `//` at the start: the URL's authority follows (RFC 3986 §3.2). */
const SCHEME_AND_SLASHES = new RegExp(`${SCHEME.source}//`, SCHEME.flags)

/**
 * Whether a text starts with a URI scheme (`https:`, `mailto:`, `javascript:`),
 * so it is taken as written rather than as a path under the site.
 */
export function hasScheme(text: string): boolean {
  return SCHEME.test(text)
}

/** The URL without its leading `scheme://`, as podcast:guid names a feed (`example.de/feed.xml`); other text as it is. */
export function withoutScheme(url: string): string {
  return url.replace(SCHEME_AND_SLASHES, '')
}
