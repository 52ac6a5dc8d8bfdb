import type { FeedDocument, FeedFormat, FeedItem } from '../feeds/feed-model.js'
import { joinItems, splitItems, type ItemParts } from '../feeds/item-ranges.js'
import type { Renderer } from './render-request.js'

/**
 * Items changed at most, for a document to be spliced rather than rendered
 * whole: each costs two one-item renders (its old and new version).
 */
const MAX_SPLICED_ITEMS = 4

interface Rendered {
  readonly fields: string
  readonly items: readonly FeedItem[]
  readonly keys: readonly string[]
  readonly parts: ItemParts
}

const encoder = new TextEncoder()
const bytesOf = (text: string | Uint8Array): Uint8Array => (typeof text === 'string' ? encoder.encode(text) : text)
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)

/**
 * A renderer for the current feeds that renders an edit's items only. At
 * 50,000 articles an edit of one title made the render workers write the 50
 * items of RSS and Atom again (the `feed` package, then a DOM of each: 50–250
 * ms apiece on a loaded 2-core machine, most of an edit's 500 ms). Here the
 * RSS and Atom documents are kept cut at their items (feeds/item-ranges.ts);
 * when the next document differs from the last only in a few items, each of
 * those is rendered alone, old and new version, and its fragment spliced in.
 *
 * The result is the whole render's, byte for byte, and checked each time:
 * the document's own fields must be the same; the old version rendered alone
 * must give the very fragment the whole render gave (an item's bytes do not
 * depend on where it stands); and the old and new versions alone must give
 * the same head and tail (what a document declares for its items, such as
 * Atom's `media` namespace, is then the same as before). Anything else, and
 * JSON Feed and the pages (cheap to write), goes to `inner` whole, as
 * does a document whose items hold more than 512 Ki characters of HTML.
 * One per store: it holds the last current feeds.
 */
export function splicingRenderer(inner: Renderer): Renderer {
  const last = new Map<FeedFormat, Rendered>()
  const feed = async (document: FeedDocument, format: FeedFormat): Promise<Uint8Array> => {
    if (format === 'json' || !spliceable(document)) {
      last.delete(format)
      return bytesOf(await inner.feed(document, format))
    }
    const fields = fieldsOf(document)
    const keys = document.items.map((item) => JSON.stringify(item))
    const previous = last.get(format)
    const made = (previous && (await splice(previous, document, fields, keys, format))) ?? (await renderWhole(document, format))
    if (made.parts) last.set(format, { fields, items: document.items, keys, parts: made.parts })
    else last.delete(format)
    return made.bytes
  }

  async function renderWhole(document: FeedDocument, format: 'rss' | 'atom'): Promise<{ parts: ItemParts | undefined; bytes: Uint8Array }> {
    const bytes = bytesOf(await inner.feed(document, format))
    return { parts: splitItems(bytes, format, document.items.length), bytes }
  }

  async function splice(
    previous: Rendered,
    document: FeedDocument,
    fields: string,
    keys: readonly string[],
    format: 'rss' | 'atom',
  ): Promise<{ parts: ItemParts; bytes: Uint8Array } | undefined> {
    if (previous.fields !== fields || previous.keys.length !== keys.length) return undefined
    const changed = keys.flatMap((key, index) => (key === previous.keys[index] ? [] : [index]))
    if (changed.length > MAX_SPLICED_ITEMS) return undefined
    const alone = (item: FeedItem) => inner.feed({ ...document, items: [item] }, format).then((text) => splitItems(bytesOf(text), format, 1))
    const renders = await Promise.all(changed.map((index) => Promise.all([alone(previous.items[index] as FeedItem), alone(document.items[index] as FeedItem)])))
    const items = [...previous.parts.items]
    for (const [position, [before, after]] of renders.entries()) {
      const index = changed[position] as number
      if (!before || !after || !sameBytes(before.items[0] as Uint8Array, previous.parts.items[index] as Uint8Array)) return undefined
      if (!sameBytes(before.head, after.head) || !sameBytes(before.tail, after.tail)) return undefined
      items[index] = after.items[0] as Uint8Array
    }
    const parts = { ...previous.parts, items }
    return { parts, bytes: joinItems(parts) }
  }

  return { ...inner, feed }
}

/**
 * Items holding up to 512 Ki characters of HTML (50 of the bench corpus:
 * ~150 Ki): cutting and comparing larger ones would cost the event loop
 * what rendering them costs a worker.
 */
const spliceable = (document: FeedDocument) => document.items.reduce((sum, item) => sum + item.contentHtml.length, 0) <= 512 * 1024

/** Everything a document shows besides its items. */
function fieldsOf(document: FeedDocument): string {
  return JSON.stringify({ ...document, items: undefined })
}
