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

/** An e-mail autolink's address, `>` included (markdown-it's, which is read before an inline tag: `<a/b@c.de>`). */
const EMAIL = String.raw`[a-zA-Z0-9.!#$%&'*+/=?^_${'`'}{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*>`
/**
 * A `<` that is no autolink (`<http://…>`, `<a@b.c>`): markdown-it reads a tag (or comment, declaration, …) at no
 * other. One that begins `<!` or `<?` counts as a tag all the same: at a line's start it opens an HTML block, whose
 * rules run before any autolink's (helper-124: `<!--a@b.de>` there hid the rest of the body).
 */
const NO_AUTOLINK = String.raw`<(?![a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^<>\x00-\x20]*>|(?![!?])${EMAIL})`
/**
 * A `<` that may start a tag: before a letter, `/`, `!` or `?`. Each is
 * counted, not what a regex takes for a whole tag: a comment or quoted
 * attribute value markdown-it does not read as one (after a `\` or a code
 * span's backtick) leaves the tags in it to read (helper-123: 2 MiB of
 * `\<!--<x><x>…-->` were 700,000 tags taken for one; of `<!A<>`, 420,000).
 * Its lookaheads read no further than the next `<`, so one pass is linear.
 * An HTML block needs no `>` and is not counted when it has none: markdown-it
 * counts it a step (render-markdown.ts, MAX_MARKUP_STEPS).
 */
const MAY_START_TAG = new RegExp(`${NO_AUTOLINK}(?=[A-Za-z/!?])`, 'g')
/** From such a `<` to the next `>` (matches never overlap: one pass): what withoutTags takes out, more than a tag where a `>` is quoted in it, or in prose (`x<y and y>z`). */
const TO_NEXT_END = new RegExp(`${NO_AUTOLINK}(?=[A-Za-z/!?])[^>]*>`, 'g')
/** The shortest text a tag is (`<b>`). */
const SHORTEST_TAG = 3

/** Whether `source` has more than `max` tags: read up to the tag past it; a body too short for that many, not at all. */
export function hasTooManyTags(source: string, max = MAX_HTML_TAGS): boolean {
  if (source.length < SHORTEST_TAG * (max + 1)) return false
  // Every tag ends at a `>`: none starts after the last.
  const last = source.lastIndexOf('>')
  const starts = new RegExp(MAY_START_TAG)
  let count = 0
  for (let start = starts.exec(source); start !== null && start.index < last; start = starts.exec(source)) if (++count > max) return true
  return false
}

/**
 * `source` without its tags: from each `<` that may start one to the next
 * `>` (what is left of a tag whose quoted attribute holds a `>` stays as
 * text; a tag in code goes too). Past the last `>` nothing is taken out: no
 * tag ends there, and each `<` there would read to the end for nothing.
 * Taking them out can join a `<` to what follows (`<<x>a>` leaves `<a>`):
 * withNoTagStart then shows such a `<` as text.
 */
export function withoutTags(source: string): string {
  const end = source.lastIndexOf('>') + 1
  return `${source.slice(0, end).replace(TO_NEXT_END, '')}${source.slice(end)}`
}

/**
 * Markdown with each `<` that may start a tag written `&lt;`, so none is left
 * for markdown-it to read (in a code span or after a `\`, `&lt;` shows as
 * typed). For what withoutTags left; plain text takes that as it is.
 */
export function withNoTagStart(markdown: string): string {
  return markdown.replace(MAY_START_TAG, '&lt;')
}
