import { escapeContent } from '../text/escape.js'
import { collapseWhiteSpace } from '../text/white-space.js'
import { stripXmlForbidden } from '../text/xml-chars.js'

// What a body is published as when it cannot be rendered, apart from the
// Markdown and HTML code: render-pool.ts falls back to it in the service's
// main thread, which loads no Markdown code (issue 14).

/** An article's body rendered: what feeds and pages show of it. */
export interface BodyRendering {
  /** Safe HTML, every URL absolute (renderMarkdown). */
  readonly html: string
  /** Plain-text excerpt (excerptOf). */
  readonly excerpt: string
  /** What was wrong with the body when it was published other than as written; undefined when nothing was. */
  readonly problem: string | undefined
  /** Plain text only while no render worker can start (bodyOrPlainText): kept nowhere, and rendered again once one does (Renderer.onRecovered). */
  readonly passing?: true
  /** Plain text as a worker ended on it, twice: kept, but rendered again once workers work after a time none did (Renderer.onRecovered): the first bodies broken workers take end them too. */
  readonly workerFailed?: true
  /** Plain text as its render took longer than the time limit: kept for a while only (rendered-bodies.ts), as the time may have been the machine's (a paused VM, a load that starved the worker), not the body's. */
  readonly timedOut?: true
}

/**
 * The body as plain text, one paragraph per block of lines, Markdown and HTML
 * shown as typed: what is published when rendering it failed or took too
 * long. Each step is one pass over the whole text, not one per paragraph:
 * 2 MiB of `a\n\n` (700,000 paragraphs) took 0.55–0.9 s, of `a ` 0.35–0.45 s,
 * of `&` 0.4–0.6 s, as much as a render it stands in for; 0.01–0.25 s so.
 * White space of other kinds every few characters still takes 0.3 s.
 */
export function renderPlainText(body: string): BodyRendering {
  // Paragraphs apart by BREAK; a line end within one a space (split and joined: as a million matches of
  // collapseWhiteSpace, 2 MiB of `a\n` took 0.33 s, 0.09 s so); white space collapsed; each paragraph trimmed, and
  // an empty one left out.
  const text = collapseWhiteSpace(stripXmlForbidden(body).split(PARAGRAPH_END).join(BREAK).split('\n').join(' '))
    .replace(/ \0[ \0]*|\0[ \0]+/g, BREAK)
    .replace(/^[ \0]|[ \0]$/g, '')
  return {
    html: text === '' ? '' : neutraliseCdataEnd(`<p>${escapeContent(text).split(BREAK).join('</p>\n<p>')}</p>`),
    excerpt: cutAtWord(startOf(text, 300).replaceAll(BREAK, ' '), 300),
    problem: undefined,
  }
}

/** A line with nothing but white space on it, or none, ends a paragraph. */
const PARAGRAPH_END = /\n[ \t\r\f\v]*\n/
/** Between two paragraphs: a character XML forbids, so stripXmlForbidden left none in the text. */
const BREAK = '\0'

/**
 * `]]>` ends a CDATA section. Written as `]]&gt;` it means the same in HTML
 * (text or attribute) and can never break an XML feed that wraps it in CDATA.
 */
export function neutraliseCdataEnd(html: string): string {
  return html.includes(']]>') ? html.replaceAll(']]>', ']]&gt;') : html
}

/** `text` cut to at most `maxLength` characters, at a space where one is near the end, marked with ` …`. */
export function cutAtWord(text: string, maxLength: number): string {
  // Never split a surrogate pair. Of a long text only its start: 2 MiB took 70 ms to split.
  const chars = Array.from(startOf(text, maxLength))
  if (chars.length <= maxLength) return text
  const head = chars.slice(0, maxLength).join('')
  const space = head.lastIndexOf(' ')
  const cut = space > maxLength * 0.6 ? head.slice(0, space) : head
  return `${cut.replace(/[\s,;:–—-]+$/, '')} …`
}

/** As much of `text` as cutAtWord(text, maxLength) reads: the same cut comes of it. */
function startOf(text: string, maxLength: number): string {
  return text.length > 2 * maxLength + 2 ? text.slice(0, 2 * maxLength + 2) : text
}
