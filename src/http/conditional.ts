/**
 * Whether a GET or HEAD may be answered with 304 Not Modified (RFC 9110
 * §13.1.2, §13.1.3, §13.2.2). If-None-Match wins over If-Modified-Since:
 * the date is looked at only when no entity-tag was sent. Entity-tags are
 * compared weakly, as If-None-Match requires, so a tag weakened by a proxy
 * (`W/"…"`) still matches.
 */
export function isNotModified(
  ifNoneMatch: string | undefined,
  ifModifiedSince: string | undefined,
  etag: string,
  lastModified: Date | undefined,
): boolean {
  if (ifNoneMatch !== undefined) {
    // What a client sends back almost always: the one tag it was given.
    if (ifNoneMatch === etag) return true
    const wanted = opaque(etag)
    return ifNoneMatch.split(',').some((candidate) => {
      const tag = candidate.trim()
      return tag === '*' || opaque(tag) === wanted
    })
  }
  if (ifModifiedSince !== undefined && lastModified !== undefined) {
    const since = parseHttpDate(ifModifiedSince)
    // HTTP dates have whole seconds; compare at that resolution.
    return since !== undefined && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000)
  }
  return false
}

/**
 * Whether a request's preconditions fail, so it gets 412 (RFC 9110 §13.1.1,
 * §13.1.4, §13.2.2 steps 1–2): If-Match compares strongly and fails unless a
 * tag matches (or it is `*`); If-Unmodified-Since counts only without
 * If-Match, and fails when the document changed after the date.
 */
export function isPreconditionFailed(
  ifMatch: string | undefined,
  ifUnmodifiedSince: string | undefined,
  etag: string,
  lastModified: Date | undefined,
): boolean {
  if (ifMatch !== undefined) {
    return !ifMatch.split(',').some((candidate) => {
      const tag = candidate.trim()
      return tag === '*' || tag === etag
    })
  }
  if (ifUnmodifiedSince !== undefined && lastModified !== undefined) {
    const since = parseHttpDate(ifUnmodifiedSince)
    return since !== undefined && Math.floor(lastModified.getTime() / 1000) > Math.floor(since / 1000)
  }
  return false
}

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag
}

const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/
const RFC850_DATE = /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/
const ASCTIME_DATE = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/

/**
 * An HTTP-date in milliseconds (RFC 9110 §5.6.7: IMF-fixdate, and the
 * obsolete RFC 850 and asctime forms, which are UTC); undefined when the
 * value is none of them.
 */
export function parseHttpDate(value: string): number | undefined {
  const text = value.trim()
  let time: number
  if (IMF_FIXDATE.test(text) || RFC850_DATE.test(text)) time = Date.parse(text)
  else if (ASCTIME_DATE.test(text)) time = Date.parse(`${text} GMT`)
  else return undefined
  return Number.isNaN(time) ? undefined : time
}
