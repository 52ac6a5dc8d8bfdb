import { stripXmlForbidden } from './xml-chars.js'

/**
 * Plain text as HTML (or XML) that shows exactly that text, in element
 * content and in double-quoted attributes: for feed fields readers treat as
 * HTML, and for the pages, the OPML list and the stylesheets written here.
 * Characters XML 1.0 cannot carry are dropped, so whatever the text, the
 * document around it stays well-formed.
 */
export function escapeHtml(text: string): string {
  return stripXmlForbidden(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
}
