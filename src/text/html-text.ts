import { collapseWhiteSpace } from './white-space.js'

/** A tag, its quoted attribute values allowed to hold `>`; its name captured. */
const TAG = /<\/?([a-zA-Z][a-zA-Z0-9]*)?(?:[^>"']|"[^"]*"|'[^']*')*>/g
/** Elements that part text as a reader sees it; every other tag (strong, em, a, code…) joins its neighbours. */
const BLOCK = /^(?:p|div|br|hr|h[1-6]|ul|ol|li|dl|dt|dd|blockquote|pre|table|thead|tbody|tfoot|tr|td|th|caption|figure|figcaption|img|audio|video|section|article|aside|header|footer|nav|details|summary)$/i
const ENTITY = /&(?:#(\d+)|#x([0-9a-f]+)|(amp|lt|gt|quot|apos|nbsp));/gi
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }

/**
 * The text of sanitised HTML (what sanitize-html and markdown-it write: tags,
 * quoted attributes, numeric and the basic named references), whitespace
 * collapsed: block elements part words, inline ones do not
 * (`<strong>Berlin</strong>,` is "Berlin,"). For comparing texts, not for
 * showing them.
 */
export function textOfHtml(html: string): string {
  return normalText(
    html.replace(TAG, (_tag, name?: string) => (name !== undefined && BLOCK.test(name) ? ' ' : '')).replace(ENTITY, (whole, decimal?: string, hex?: string, name?: string) => {
      if (name !== undefined) return NAMED[name.toLowerCase()] ?? whole
      const code = decimal !== undefined ? Number(decimal) : parseInt(hex as string, 16)
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole
    }),
  )
}

/** Text with every run of whitespace (no-break spaces included) as one space, trimmed, in NFC. */
export function normalText(text: string): string {
  return collapseWhiteSpace(text.normalize('NFC')).trim()
}

/**
 * Text for telling whether two texts say the same: normalText, with
 * typographic quotes and dashes folded to their plain forms (editors type
 * „…“ in front matter where the body keeps "…").
 */
export function comparableText(text: string): string {
  return normalText(text)
    .replace(/[„“”‟«»″]/g, '"')
    .replace(/[‚‘’‛‹›′]/g, "'")
    .replace(/[‐‑‒–—―]/g, '-')
    .replace(/…/g, '...')
}
