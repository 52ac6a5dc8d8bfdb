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
  /** The items a splice rendered alone (by index), cut: their version alone need not be rendered again to be checked. */
  readonly alone: ReadonlyMap<number, ItemParts>
}

const encoder = new TextEncoder()
const bytesOf = (text: string | Uint8Array): Uint8Array => (typeof text === 'string' ? encoder.encode(text) : text)
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)

/**
 * A renderer for the current feeds that renders an edit's items only. At
 * 50,000 articles an edit of one title made the render workers write the 50
 * items of RSS and Atom again (the `feed` package, then a DOM of each: 50–250
 * ms apiece on a loaded 2-core machine, most of an edit's 500 ms), and JSON
 * Feed's (5–20 ms, 430 at load 13). Here each document is kept cut at its
 * items (feeds/item-ranges.ts); when the next document differs from the last
 * only in a few items, each of those is rendered alone, old and new version,
 * and its fragment spliced in. An item the last splice rendered alone is not
 * rendered alone again as it was: an editor saves one article several times.
 *
 * The result is the whole render's, byte for byte, and checked each time:
 * the document's own fields must be the same; the old version rendered alone
 * must give the very fragment the whole render gave (an item's bytes do not
 * depend on where it stands); and the old and new versions alone must give
 * the same head and tail (what a document declares for its items, such as
 * Atom's `media` namespace, is then the same as before). Anything else goes
 * to `inner` whole, as does a document whose items hold more than 512 Ki
 * characters of HTML. The pages are rendered whole (about 1 ms each); the
 * podcast feed and its page, which an edit of an article that is no episode
 * leaves as they were, are not rendered again when their document is equal
 * to the last one. One per store: it holds the last current feeds.
 */
export function splicingRenderer(whole: Renderer): Renderer {
  const last = new Map<FeedFormat, Rendered>()
  // The first site is the workers' alone: the main thread loads no renderer before the first feed (tests/start-up.test.ts).
  const inner = bySize(
    whole,
    () => last.size > 0,
    (document) => {
      const { fields, keys } = describe(document)
      return keys.reduce((sum, key) => sum + key.length, fields.length)
    },
  )
  // The three formats of a change render one document: its fields and item keys are worked out once.
  const described = new WeakMap<FeedDocument, { fields: string; keys: string[] }>()
  const describe = (document: FeedDocument) => {
    let found = described.get(document)
    if (!found) described.set(document, (found = { fields: fieldsOf(document), keys: document.items.map((item) => JSON.stringify(item)) }))
    return found
  }
  const feed = async (document: FeedDocument, format: FeedFormat): Promise<Uint8Array> => {
    if (!spliceable(document)) {
      last.delete(format)
      return bytesOf(await inner.feed(document, format))
    }
    const { fields, keys } = describe(document)
    const previous = last.get(format)
    const made = (previous && (await splice(previous, document, fields, keys, format))) ?? (await renderWhole(document, format))
    if (made.parts) last.set(format, { fields, items: document.items, keys, parts: made.parts, alone: made.alone ?? new Map() })
    else last.delete(format)
    return made.bytes
  }

  async function renderWhole(document: FeedDocument, format: FeedFormat): Promise<{ parts: ItemParts | undefined; bytes: Uint8Array; alone?: undefined }> {
    const bytes = bytesOf(await inner.feed(document, format))
    return { parts: splitItems(bytes, format, document.items.length), bytes }
  }

  async function splice(
    previous: Rendered,
    document: FeedDocument,
    fields: string,
    keys: readonly string[],
    format: FeedFormat,
  ): Promise<{ parts: ItemParts; bytes: Uint8Array; alone: Map<number, ItemParts> } | undefined> {
    if (previous.fields !== fields || previous.keys.length !== keys.length) return undefined
    const changed = keys.flatMap((key, index) => (key === previous.keys[index] ? [] : [index]))
    if (changed.length > MAX_SPLICED_ITEMS) return undefined
    const render = (item: FeedItem) => inner.feed({ ...document, items: [item] }, format).then((text) => splitItems(bytesOf(text), format, 1))
    const renders = await Promise.all(
      changed.map((index) => Promise.all([previous.alone.get(index) ?? render(previous.items[index] as FeedItem), render(document.items[index] as FeedItem)])),
    )
    const items = [...previous.parts.items]
    const alone = new Map([...previous.alone].filter(([index]) => !changed.includes(index)))
    for (const [position, [before, after]] of renders.entries()) {
      const index = changed[position] as number
      if (!before || !after || !sameBytes(before.items[0] as Uint8Array, previous.parts.items[index] as Uint8Array)) return undefined
      if (!sameBytes(before.head, after.head) || !sameBytes(before.tail, after.tail)) return undefined
      items[index] = after.items[0] as Uint8Array
      alone.set(index, after)
    }
    const parts = { ...previous.parts, items }
    return { parts, bytes: joinItems(parts), alone }
  }

  return { ...inner, feed, podcast: sameAsLast((document) => inner.podcast(document)), podcastPage: sameAsLast((document, context) => inner.podcastPage(document, context)) }
}

/**
 * Documents of up to 32 Ki characters (`sizeOf`: the whole document as
 * JSON) go to `renderer.small` (the render pool's: this thread), larger ones
 * to `renderer`. The render workers run at the lowest priority, so that
 * bursts of views yield to the event loop; on a loaded 2-core machine an
 * edit's one-item renders and pages, a round trip each, then waited 5–100 ms
 * apiece for a worker to be scheduled, where this thread renders each in 1–3
 * ms. A body is never rendered here (render-pool.ts), nor anything before
 * a first document was rendered whole (`changing`): the first site.
 */
function bySize(renderer: Renderer, changing: () => boolean, sizeOf: (document: FeedDocument) => number): Renderer {
  const small = renderer.small
  if (!small) return renderer
  const pick = (document: FeedDocument) => (changing() && sizeOf(document) <= SMALL_CHARS ? small : renderer)
  return {
    ...renderer,
    feed: (document, format) => pick(document).feed(document, format),
    feedPage: (document, format, context) => pick(document).feedPage(document, format, context),
    podcast: (document) => pick(document).podcast(document),
    podcastPage: (document, context) => pick(document).podcastPage(document, context),
  }
}

/**
 * Characters of a document, as JSON (its fields and every field of its items: tags, authors and image texts count as
 * much as the text), up to which it counts as small. A hostile review made a 3 MB current feed of 50 items with 50
 * long tags each, whose text alone was under 1 Ki characters: rendered here, RSS held the event loop 200–360 ms.
 */
const SMALL_CHARS = 32 * 1024

/**
 * `render`, unless its arguments are equal to the last call's (as JSON, a
 * Map as its entries): then the last bytes. Documents whose items hold more
 * than 512 Ki characters of HTML are rendered without being compared.
 */
function sameAsLast<A extends [FeedDocument, ...unknown[]]>(render: (...args: A) => Promise<string | Uint8Array>): (...args: A) => Promise<string | Uint8Array> {
  let last: { key: string; bytes: Promise<string | Uint8Array> } | undefined
  return (...args) => {
    if (!spliceable(args[0])) {
      last = undefined
      return render(...args)
    }
    const key = JSON.stringify(args, (_, value: unknown) => (value instanceof Map ? [...value] : value))
    if (last?.key === key) return last.bytes
    const bytes = render(...args)
    const entry = { key, bytes }
    last = entry
    // A failed render is not kept.
    bytes.catch(() => last === entry && (last = undefined))
    return bytes
  }
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
