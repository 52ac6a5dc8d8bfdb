/**
 * Characters XML 1.0 cannot carry (§2.2 Char): C0 controls other than tab,
 * LF and CR, lone UTF-16 surrogates (which cannot be encoded as UTF-8 either)
 * and the non-characters U+FFFE and U+FFFF. Also DEL and the C1 controls
 * (U+007F–U+009F), which §2.2 asks authors to avoid: in text they are nearly
 * always Windows-1252 read as Latin-1, and readers such as feedparser turn
 * them into other characters (U+0080 becomes €). The `u` flag makes
 * `[\uD800-\uDFFF]` match only unpaired surrogates, never halves of a pair.
 */
const FORBIDDEN_SOURCE = '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\uFFFE\\uFFFF]|[\\uD800-\\uDFFF]'
const FORBIDDEN_ONE = new RegExp(FORBIDDEN_SOURCE, 'u')
const FORBIDDEN_ALL = new RegExp(FORBIDDEN_SOURCE, 'gu')
/**
 * The same characters plus every surrogate, paired or not: without the `u`
 * flag V8 scans ten times faster, and most text has no surrogate at all.
 */
const CANDIDATE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF\uFFFE\uFFFF]/

/** Whether the text holds a character XML 1.0 forbids. */
function hasXmlForbidden(text: string): boolean {
  return CANDIDATE.test(text) && FORBIDDEN_ONE.test(text)
}

/** The text without the characters XML 1.0 forbids; every format gets only this. */
export function stripXmlForbidden(text: string): string {
  return hasXmlForbidden(text) ? text.replace(FORBIDDEN_ALL, '') : text
}

/**
 * Why configuration text cannot be used, or undefined when it can: the
 * characters XML forbids, named by code point (a log line must not carry
 * them itself), at most five.
 */
export function xmlForbiddenProblem(text: string): string | undefined {
  if (!hasXmlForbidden(text)) return undefined
  const found = new Set(Array.from(text.match(FORBIDDEN_ALL) ?? [], (c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`))
  const named = [...found].slice(0, 5).join(', ') + (found.size > 5 ? ', …' : '')
  return `holds control or non-characters XML cannot carry (${named}); remove them`
}
