/**
 * Characters XML 1.0 cannot carry (§2.2 Char): C0 controls other than tab,
 * LF and CR, lone UTF-16 surrogates (which cannot be encoded as UTF-8 either)
 * and the non-characters U+FFFE and U+FFFF. The `u` flag makes `[\uD800-\uDFFF]`
 * match only unpaired surrogates, never halves of a valid pair.
 */
const FORBIDDEN_SOURCE = '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]|[\\uD800-\\uDFFF]'
const FORBIDDEN_ONE = new RegExp(FORBIDDEN_SOURCE, 'u')
const FORBIDDEN_ALL = new RegExp(FORBIDDEN_SOURCE, 'gu')

/** Whether the text holds a character XML 1.0 forbids. */
export function hasXmlForbidden(text: string): boolean {
  return FORBIDDEN_ONE.test(text)
}

/** The text without the characters XML 1.0 forbids; every format gets only this. */
export function stripXmlForbidden(text: string): string {
  return FORBIDDEN_ONE.test(text) ? text.replace(FORBIDDEN_ALL, '') : text
}
