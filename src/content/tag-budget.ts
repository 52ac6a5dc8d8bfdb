/**
 * HTML tags (and comments, declarations, processing instructions) a body may
 * have; one with more is published as text without its HTML tags. Tags are
 * not counted by MAX_MARKUP_STEPS (render-markdown.ts): stopped there, a body
 * is published as plain text, and a million `<b>` became 6 MB of escaped tags
 * (tests/hardening/stalls.test.ts). But markdown-it reads each tag as a piece
 * of its own, 1.5–3 µs parsed and sanitised: 2 MiB of `<x>` took 1.2–2 s to
 * render into nothing, of `<b>a</b> ` 1.0–1.2 s. An article has a few hundred
 * tags; a Word document pasted as HTML some thousands. 300,000 take about as
 * long as the costliest body under the step limit (40,000 links).
 */
export const MAX_HTML_TAGS = 300_000

/**
 * What markdown-it reads as a tag, near enough: from a `<` with a tag name (an
 * autolink's `<http:` or `<a@` has none), `</`, `<!` or `<?` to the next `>`,
 * no `<` in between, so that no match reads past the next `<` and one pass is
 * linear (an attribute value holding `<` or `>` cuts it short; the rest is text).
 */
const TAG = /<(?:\/?[A-Za-z][A-Za-z0-9-]*(?=[\s/>])|[!?])[^<>]*>/g
/** The shortest text TAG matches (`<b>`, `<!>`). */
const SHORTEST_TAG = 3

/** Whether `source` has more than `max` tags: read up to the tag past it; a body too short for that many, not at all. */
export function hasTooManyTags(source: string, max = MAX_HTML_TAGS): boolean {
  if (source.length < SHORTEST_TAG * (max + 1)) return false
  const tags = new RegExp(TAG)
  let count = 0
  while (tags.exec(source) !== null) if (++count > max) return true
  return false
}

/**
 * `source` without its tags. Taking them out can join the pieces of new ones
 * (`<a <x>>` leaves `<a >`); when that leaves more than `max`, every `<` that
 * could start one is escaped (`\<`, shown as typed), so none is left to read.
 */
export function withoutTags(source: string, max = MAX_HTML_TAGS): string {
  const stripped = source.replace(TAG, '')
  return hasTooManyTags(stripped, max) ? stripped.replace(/<(?=[A-Za-z/!?])/g, '\\<') : stripped
}
