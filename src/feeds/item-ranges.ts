import type { FeedFormat } from './feed-model.js'

/**
 * Where each item of a rendered RSS, Atom or JSON Feed document lies in its
 * bytes, so that a document can be put together again from its head, its
 * items' fragments and its tail (site/spliced-feeds.ts). For XML a scanner of
 * well-formed XML as our serializer writes it (feed-package-fixes.ts):
 * comments, CDATA sections, processing instructions and quoted attribute
 * values are skipped whole, so an article's text can never be taken for an
 * item's tag. For JSON Feed the lines render-json-feed.ts writes (below).
 */

/** A document cut at its items: `head + items.join(separator) + tail` gives it back, byte for byte. */
export interface ItemParts {
  readonly head: Uint8Array
  /** Each item with the whitespace that precedes it. */
  readonly items: readonly Uint8Array[]
  /** What stands between two items besides that whitespace: JSON's comma; nothing in XML. */
  readonly separator?: Uint8Array
  readonly tail: Uint8Array
}

/** The element of each item, and how deep it lies: RSS `<rss><channel><item>`, Atom `<feed><entry>`. */
const ITEM_ELEMENTS = { rss: { name: 'item', depth: 2 }, atom: { name: 'entry', depth: 1 } } as const

const [LT, GT, SLASH, BANG, QUESTION, DOUBLE_QUOTE, SINGLE_QUOTE] = [...'<>/!?"\''].map((char) => char.charCodeAt(0)) as [number, number, number, number, number, number, number]
const encoder = new TextEncoder()
const COMMENT_END = encoder.encode('-->')
const CDATA_START = encoder.encode('<![CDATA[')
const CDATA_END = encoder.encode(']]>')
const PI_END = encoder.encode('?>')

/**
 * The document cut at its `count` items, or undefined when it does not have
 * exactly that many, or anything but whitespace (JSON: a comma) lies between two of them.
 */
export function splitItems(bytes: Uint8Array, format: FeedFormat, count: number): ItemParts | undefined {
  if (format === 'json') return splitJsonItems(bytes, count)
  const ranges = itemRanges(bytes, ITEM_ELEMENTS[format])
  if (ranges === undefined || ranges.length !== count || count === 0) return undefined
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const items: Uint8Array[] = []
  let from = whitespaceBefore(buffer, (ranges[0] as [number, number])[0])
  const head = bytes.subarray(0, from)
  for (const [start, end] of ranges) {
    if (whitespaceBefore(buffer, start) > from) return undefined // text other than whitespace between two items
    items.push(bytes.subarray(from, end))
    from = end
  }
  return { head, items, tail: bytes.subarray(from) }
}

/** Puts a document together again: `head`, the items (with the separator between them), `tail`. */
export function joinItems(parts: ItemParts): Uint8Array {
  const { separator } = parts
  const items = separator === undefined ? parts.items : parts.items.flatMap((item, index) => (index === 0 ? [item] : [separator, item]))
  return Buffer.concat([parts.head, ...items, parts.tail])
}

const JSON_ITEMS_OPEN = encoder.encode('\n  "items": [')
const JSON_ITEMS_CLOSE = encoder.encode('\n  ]\n}\n')
const JSON_ITEM_OPEN = encoder.encode('\n    {\n')
const JSON_ITEM_CLOSE = encoder.encode('\n    }')
const JSON_BETWEEN = encoder.encode('\n    },\n    {\n')
const COMMA = encoder.encode(',')

/**
 * JSON Feed as render-json-feed.ts writes it (JSON.stringify, indented by 2):
 * `items` is the last member of the top-level object, each item an object on
 * lines of its own indented by 4, everything inside an item by 6 or more. A
 * string holds no raw line break (JSON escapes it), so a line break followed
 * by exactly 4 spaces and a brace begins or ends an item, whatever its text.
 */
function splitJsonItems(bytes: Uint8Array, count: number): ItemParts | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const open = buffer.indexOf(JSON_ITEMS_OPEN)
  const end = buffer.length - JSON_ITEMS_CLOSE.length
  if (count === 0 || open === -1 || !buffer.subarray(end).equals(JSON_ITEMS_CLOSE)) return undefined
  const from = open + JSON_ITEMS_OPEN.length
  const items: Uint8Array[] = []
  let start = from
  for (let between = buffer.indexOf(JSON_BETWEEN, start); between !== -1 && between < end; between = buffer.indexOf(JSON_BETWEEN, start)) {
    items.push(bytes.subarray(start, between + JSON_ITEM_CLOSE.length))
    start = between + JSON_ITEM_CLOSE.length + COMMA.length
  }
  items.push(bytes.subarray(start, end))
  const whole = (item: Uint8Array) => Buffer.from(item.buffer, item.byteOffset, item.byteLength)
  const wellFormed = items.every((item) => whole(item).subarray(0, JSON_ITEM_OPEN.length).equals(JSON_ITEM_OPEN) && whole(item).subarray(-JSON_ITEM_CLOSE.length).equals(JSON_ITEM_CLOSE))
  if (items.length !== count || !wellFormed) return undefined
  return { head: bytes.subarray(0, from), items, separator: COMMA, tail: bytes.subarray(end) }
}

/** Where the run of whitespace that ends at `index` begins. */
function whitespaceBefore(bytes: Uint8Array, index: number): number {
  let start = index
  while (start > 0 && isSpace(bytes[start - 1] as number)) start -= 1
  return start
}

const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09

/** [start, end) of every element named `name` at `depth` (0: the root), or undefined when the XML is not as expected. */
function itemRanges(bytes: Uint8Array, { name, depth: wanted }: { readonly name: string; readonly depth: number }): [number, number][] | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const tag = encoder.encode(name)
  const ranges: [number, number][] = []
  let depth = 0
  let open = -1
  let index = buffer.indexOf(LT)
  while (index !== -1) {
    const next = buffer[index + 1]
    let end: number
    if (next === BANG) {
      const cdata = buffer.subarray(index, index + CDATA_START.length).equals(CDATA_START)
      end = cdata ? after(buffer, CDATA_END, index) : buffer[index + 2] === 0x2d ? after(buffer, COMMENT_END, index) : after(buffer, [GT], index)
    } else if (next === QUESTION) {
      end = after(buffer, PI_END, index)
    } else if (next === SLASH) {
      end = after(buffer, [GT], index)
      depth -= 1
      if (depth === wanted && open !== -1) {
        ranges.push([open, end])
        open = -1
      }
    } else {
      end = startTagEnd(buffer, index)
      if (end === -1) return undefined
      const selfClosing = buffer[end - 2] === SLASH
      if (depth === wanted && isName(buffer, index + 1, tag)) {
        if (selfClosing) ranges.push([index, end])
        else open = index
      }
      if (!selfClosing) depth += 1
    }
    if (end === -1 || depth < 0) return undefined
    index = buffer.indexOf(LT, end)
  }
  return depth === 0 && open === -1 ? ranges : undefined
}

/** The index after the first `marker` at or after `from`, or -1. */
function after(buffer: Buffer, marker: Uint8Array | readonly number[], from: number): number {
  const found = buffer.indexOf(Uint8Array.from(marker), from + 1)
  return found === -1 ? -1 : found + marker.length
}

/** The index after a start tag's `>`, quoted attribute values skipped; -1 when there is none. */
function startTagEnd(buffer: Buffer, from: number): number {
  let quote = 0
  for (let index = from + 1; index < buffer.length; index += 1) {
    const byte = buffer[index] as number
    if (quote !== 0) {
      if (byte === quote) quote = 0
    } else if (byte === DOUBLE_QUOTE || byte === SINGLE_QUOTE) quote = byte
    else if (byte === GT) return index + 1
  }
  return -1
}

/** Whether the tag name at `index` is exactly `name`. */
function isName(buffer: Buffer, index: number, name: Uint8Array): boolean {
  if (!buffer.subarray(index, index + name.length).equals(name)) return false
  const following = buffer[index + name.length] as number
  return isSpace(following) || following === GT || following === SLASH
}
