import type { FeedDocument } from './feed-model.js'
import { ATOM_PLAIN_TEXT, packageHtml, RSS_PLAIN_TEXT } from './feed-package-fixes.js'

/**
 * An item's HTML, as the `feed` package gets it (packageHtml), comes out of
 * RSS's `content:encoded` and Atom's `content` as the very characters that
 * went in: the package wraps it in CDATA, xmldom (feed-package-fixes.ts)
 * parses that section into a node and writes it again as it was, as long as
 * it holds no `]]>` (packageHtml leaves none), no character xmldom reads as
 * a line break (`\r`, U+0085, U+2028, U+2029: normalised to `\n`), and no
 * tag the plain-text repair rewrites (hexEncodePlainText; `<summary` is also
 * HTML). Such HTML is held back here: the package and xmldom get a short
 * stand-in, and the HTML goes where the stand-in came out. Most of an
 * archive page's bytes are its items' HTML: through the package and a DOM,
 * a page of 50 items (177 KB) cost 13–30 ms of a worker, a third of it for
 * the HTML alone; an export of 50,000 articles renders 1,000 such pages in
 * both formats. Any other HTML goes through the package as it is.
 */

/** What may change in the round trip, in the HTML as packageHtml gives it. */
const ROUND_TRIP_CHANGES = new RegExp(`[\\r\\u0085\\u2028\\u2029]|<(?:${[...new Set([...RSS_PLAIN_TEXT, ...ATOM_PLAIN_TEXT])].join('|')})`)

/** Begins and ends a stand-in: a private-use character, which XML and the package keep as it is. */
const MARK = '\uE000'

/**
 * `render(document)`, with the items' HTML held back from it where the round
 * trip keeps it as it is; the same characters as a render of the whole. When
 * the stand-ins do not come out once each, in CDATA and in order (a field
 * holding the mark), the whole document is rendered.
 */
export function renderHoldingContent(document: FeedDocument, render: (document: FeedDocument) => string): string {
  const held: string[] = []
  const items = document.items.map((item) => {
    const html = packageHtml(item.contentHtml)
    // Empty HTML writes no element at all.
    if (html === '' || ROUND_TRIP_CHANGES.test(html)) return item
    held.push(html)
    return { ...item, contentHtml: `${MARK}${held.length - 1}${MARK}` }
  })
  if (held.length === 0) return render(document)
  const parts = render({ ...document, items }).split(MARK)
  if (parts.length !== 2 * held.length + 1) return render(document)
  const out: string[] = [parts[0] as string]
  for (const [index, html] of held.entries()) {
    const after = parts[2 * index + 2] as string
    if (parts[2 * index + 1] !== String(index) || !(parts[2 * index] as string).endsWith('<![CDATA[') || !after.startsWith(']]>')) return render(document)
    out.push(html, after)
  }
  return out.join('')
}
