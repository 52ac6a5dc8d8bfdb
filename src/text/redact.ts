/**
 * What a log line must not show: secrets that travel in URLs. A hub URL may
 * carry a token in its query or credentials before its host (WEBSUB_HUB), and
 * a private feed its token as a path segment (`/wirtschaft/plus/<token>/feed.xml`,
 * planned). Whatever the query holds is dropped, not judged: no list of
 * parameter names can know every provider's.
 */
export const REDACTED = '[redacted]'

/** An absolute http(s) URL in running text, up to a space or a closing bracket or quote. */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>()]+/g
/** The segment after `/plus/`: a plus-feed token. */
const PLUS_TOKEN = /\/plus\/[^/\s?#"'<>()]+/g
/** `user:password@` before a host, whatever the scheme (a value being refused may have any). */
const CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i
/** A query (and fragment) after a path. */
const QUERY = /[?#].*$/

/** A URL or path as a log line may show it: no credentials, no query, no plus-feed token. */
export function redactUrl(url: string): string {
  return url.replace(CREDENTIALS, `$1${REDACTED}@`).replace(QUERY, `?${REDACTED}`).replace(PLUS_TOKEN, `/plus/${REDACTED}`)
}

/** Running text (a log message, an error's message) with every URL in it redacted, and every plus-feed path. */
export function redactSecrets(text: string): string {
  if (!text.includes('://') && !text.includes('/plus/')) return text
  return text.replace(URL_IN_TEXT, redactUrl).replace(PLUS_TOKEN, `/plus/${REDACTED}`)
}
