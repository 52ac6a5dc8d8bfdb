/**
 * Bidirectional embedding, override and isolate controls (Unicode UAX #9
 * §2: U+202A–U+202E, U+2066–U+2069). They change the order in which text is
 * shown, not what it says ("Trojan Source", CVE-2021-42574): a title, a
 * byline or a tag holding them can look like other text.
 */
const BIDI_SOURCE = '[\\u202A-\\u202E\\u2066-\\u2069]'
export const BIDI_CONTROL = new RegExp(BIDI_SOURCE)
const BIDI_ALL = new RegExp(BIDI_SOURCE, 'g')

/** The text without bidirectional embedding, override and isolate controls. */
export function stripBidiControls(text: string): string {
  return BIDI_CONTROL.test(text) ? text.replace(BIDI_ALL, '') : text
}

/**
 * What a message must not show as it is: controls (a line break would start
 * a forged log line), line and paragraph separators, bidirectional controls,
 * non-characters and lone surrogates. The `u` flag leaves surrogate pairs alone.
 */
const UNSHOWABLE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]|[\uD800-\uDFFF]/u
/** Those JSON.stringify writes as they are. */
const UNESCAPED_BY_JSON = /[\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]/g

/** A value in double quotes, as a message shows it: every character of UNSHOWABLE as a `\u` escape. */
export function quoted(text: string): string {
  return JSON.stringify(text).replace(UNESCAPED_BY_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Characters a 400's message shows of a value the client sent (quotedRequestValue). */
const SHOWN_CHARACTERS = 80

/**
 * A value a client sent, quoted() for a 400's message: a longer one shows
 * its first SHOWN_CHARACTERS characters and its length, `"Zinsen…"… (10000 characters)`.
 * A 10,000-character query value was sent back in full.
 */
export function quotedRequestValue(text: string): string {
  if (text.length <= SHOWN_CHARACTERS) return quoted(text)
  // Not half of a surrogate pair at the cut.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(SHOWN_CHARACTERS - 1)) ? SHOWN_CHARACTERS - 1 : SHOWN_CHARACTERS
  return `${quoted(text.slice(0, end))}… (${text.length} characters)`
}

/** A name (a field, a key) as a message shows it: as it is, or quoted() when it holds what a message must not show. */
export function shownName(name: string): string {
  return UNSHOWABLE.test(name) ? quoted(name) : name
}
