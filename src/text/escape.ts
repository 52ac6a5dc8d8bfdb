import { stripXmlForbidden } from './xml-chars.js'

/**
 * Plain text as HTML (or XML) that shows exactly that text, in element
 * content and in double-quoted attributes: for feed fields readers treat as
 * HTML, and for the pages, the OPML list and the stylesheets written here.
 * Characters XML 1.0 cannot carry are dropped, so whatever the text, the
 * document around it stays well-formed.
 */
export function escapeHtml(text: string): string {
  return escapeContent(stripXmlForbidden(text)).replaceAll('"', '&quot;')
}

/**
 * `&`, `<` and `>` as references: what element content needs (a quote may
 * stay), with nothing dropped, for text whose forbidden characters are dealt
 * with already. Split and joined: 2 MiB of `&` took 0.34 s through
 * replaceAll, 0.1–0.2 s so.
 */
export function escapeContent(text: string): string {
  return /[&<>]/.test(text) ? text.split('&').join('&amp;').split('<').join('&lt;').split('>').join('&gt;') : text
}
