/**
 * Plain text as HTML (or XML) that shows exactly that text, in element
 * content and in double-quoted attributes: for feed fields readers treat as
 * HTML, and for the pages, the OPML list and the stylesheets written here.
 */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
}
