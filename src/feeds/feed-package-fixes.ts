/**
 * Everything the `feed` package (6.0.0) gets wrong, fixed around it in this
 * one place. Numbers refer to the measured defects in docs/feed-package.md;
 * each fix has a test in tests/feeds/feed-package-fixes.test.ts that fails
 * without it.
 *
 * Two kinds of fix:
 * - before the package: what it is given is already clean (no XML-forbidden
 *   characters, no second `]]>`, no text its escaping would alter, no fields
 *   it renders wrongly);
 * - after the package: its output is parsed into a DOM and the elements it
 *   cannot write correctly are written here, through the DOM's own escaping.
 */
import { DOMParser, XMLSerializer, type Document, type Element, type Node, type Text } from '@xmldom/xmldom'
import { neutraliseCdataEnd } from '../content/render-markdown.js'
import { escapeHtml } from '../text/escape.js'
import { listInGerman } from '../text/german-list.js'
import { stripXmlForbidden } from '../text/xml-chars.js'
import type { FeedDocument, FeedImage } from './feed-model.js'

export const NS = {
  atom: 'http://www.w3.org/2005/Atom',
  content: 'http://purl.org/rss/1.0/modules/content/',
  dc: 'http://purl.org/dc/elements/1.1/',
  fh: 'http://purl.org/syndication/history/1.0',
  media: 'http://search.yahoo.com/mrss/',
  sy: 'http://purl.org/rss/1.0/modules/syndication/',
  webfeeds: 'http://webfeeds.org/rss/1.0',
  xml: 'http://www.w3.org/XML/1998/namespace',
  xmlns: 'http://www.w3.org/2000/xmlns/',
} as const

// ---------------------------------------------------------------- before the package

/**
 * Text for a field the package writes as an XML text node (#1, #7, #17).
 * Its writer first turns every `&amp;` back into `&` ("to avoid double
 * sanitization"), so a literal `&amp;` in a title would come out as `&`;
 * escaping every `&` once here makes that step give back exactly our text.
 */
export function packageText(text: string): string {
  return stripXmlForbidden(text).replaceAll('&', '&amp;')
}

/**
 * HTML for a field the package wraps in CDATA (#1, #2): the package splits
 * only the first `]]>`; we leave none, in a form HTML reads the same.
 */
export function packageHtml(html: string): string {
  return neutraliseCdataEnd(stripXmlForbidden(html))
}

/**
 * A stand-in for plain text the package would put in CDATA (#2, #4): the
 * repair below replaces it with the real text as a text node, so this only
 * has to keep the package's output well-formed.
 */
export function packagePlaceholder(text: string): string {
  return stripXmlForbidden(text).replaceAll(']]>', ']] >')
}

// ---------------------------------------------------------------- after the package

/** Parses the package's output strictly: if it is not well-formed, we want to know here. */
export function parseXml(xml: string): Document {
  return new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(`feed package wrote malformed XML: ${message}`)
    },
  }).parseFromString(xml, 'text/xml')
}

export function serializeXml(doc: Document): string {
  return new XMLSerializer().serializeToString(doc) + '\n'
}

/**
 * Writes `&` and `<` in plain-text elements as hexadecimal character
 * references (`&#x26;`, `&#x3C;`), as the RSS Best Practices Profile asks:
 * aggregators that decode entity references twice then still show the text
 * as typed, and the W3C validator knows the text is not HTML. The XML is the
 * same to any parser. Works on our own serializer's output, where these
 * elements hold text only.
 */
export function hexEncodePlainText(xml: string, elements: readonly string[]): string {
  const pattern = new RegExp(`(<(${elements.join('|')})(?:\\s[^>]*)?>)([^<]*)(</\\2>)`, 'g')
  return xml.replace(pattern, (_, open: string, _name: string, text: string, close: string) =>
    open + text.replaceAll('&amp;', '&#x26;').replaceAll('&lt;', '&#x3C;') + close,
  )
}

export const RSS_PLAIN_TEXT = ['title', 'description', 'category', 'dc:creator']
export const ATOM_PLAIN_TEXT = ['title', 'subtitle', 'summary', 'name', 'rights']

/** Child elements of `parent` with the given (prefixed) name, in document order. */
export function childElements(parent: Element, name: string): Element[] {
  const out: Element[] = []
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).nodeName === name) out.push(node as Element)
  }
  return out
}

function depthOf(element: Element): number {
  let depth = 0
  for (let node: Node | null = element.parentNode; node !== null && node.nodeType === 1; node = node.parentNode) depth += 1
  return depth
}

/**
 * Adds an element as the last child of `parent`, indented like the package's
 * own output. Attributes with `undefined` values are left out; text and
 * attribute values lose the characters XML cannot carry (#1, #17).
 */
export function appendElement(
  parent: Element,
  namespace: string | null,
  name: string,
  attributes: Readonly<Record<string, string | number | undefined>> = {},
  text?: string,
  before?: Element,
): Element {
  const doc = ownerOf(parent)
  const element = doc.createElementNS(namespace, name)
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined) element.setAttribute(key, stripXmlForbidden(String(value)))
  }
  if (text !== undefined) element.appendChild(doc.createTextNode(stripXmlForbidden(text)))
  const indent = '    '.repeat(depthOf(parent) + 1)
  if (before) {
    // Before `before`, keeping the indentation that precedes it.
    parent.insertBefore(element, before)
    parent.insertBefore(doc.createTextNode(`\n${indent}`), before)
    return element
  }
  // Appended only, never inserted before the whitespace that closes `parent`:
  // xmldom re-indexes every sibling on an insertion (an append costs nothing),
  // which made thousands of tags quadratic (10,000 took 53 s). That whitespace
  // becomes this element's indentation, and new whitespace closes the parent.
  const last = parent.lastChild
  if (last !== null && last.nodeType === 3 && /^\s*$/.test(last.nodeValue ?? '')) {
    const closing = last as Text
    closing.replaceData(0, closing.length, `\n${indent}`)
  } else {
    parent.appendChild(doc.createTextNode(`\n${indent}`))
  }
  parent.appendChild(element)
  parent.appendChild(doc.createTextNode(`\n${'    '.repeat(depthOf(parent))}`))
  return element
}

/**
 * Document-level additions both XML formats share: the browser stylesheets
 * (XSLT, then CSS as fallback) and the RFC 5005 archive links, placed in
 * `head` before the first item.
 */
function addDocumentLinks(doc: Document, head: Element, firstItem: Element | undefined, document: FeedDocument): void {
  const { stylesheets, prevArchive, nextArchive, current } = document.links
  const root = doc.documentElement
  if (stylesheets && root) {
    for (const [href, type] of [[stylesheets.xsl, 'text/xsl'], [stylesheets.css, 'text/css']] as const) {
      doc.insertBefore(doc.createProcessingInstruction('xml-stylesheet', `href="${escapeHtml(href)}" type="${type}"`), root)
      doc.insertBefore(doc.createTextNode('\n'), root)
    }
  }
  const format = root?.nodeName === 'rss' ? 'rss' : 'atom'
  const type = format === 'rss' ? 'application/rss+xml' : 'application/atom+xml'
  for (const [rel, urls] of [['current', current], ['prev-archive', prevArchive], ['next-archive', nextArchive]] as const) {
    if (urls) appendElement(head, NS.atom, format === 'rss' ? 'atom:link' : 'link', { rel, type, href: urls[format] }, undefined, firstItem)
  }
  if (document.archive) {
    declareNamespaces(doc, ['fh'])
    appendElement(head, NS.fh, 'fh:archive', {}, undefined, firstItem)
  }
}

/** Replaces an element's content (CDATA or text) with one text node (#1, #17 as for every text written here). */
function setText(element: Element, text: string): void {
  while (element.firstChild) element.removeChild(element.firstChild)
  element.appendChild(ownerOf(element).createTextNode(stripXmlForbidden(text)))
}

function ownerOf(node: Node): Document {
  const doc = node.ownerDocument
  if (!doc) throw new Error('node outside a document')
  return doc
}

/** Declares namespace prefixes on the root element, so children don't repeat them. */
export function declareNamespaces(doc: Document, prefixes: readonly (keyof typeof NS)[]): void {
  for (const prefix of prefixes) {
    doc.documentElement?.setAttributeNS(NS.xmlns, `xmlns:${prefix}`, NS[prefix])
  }
}

/**
 * The fixes for `rss2()`: titles as text (#2), one `dc:creator` naming every
 * author instead of name-only `<author>` (#8, the `dc` prefix declared
 * whatever the content), the image as Media RSS, not as a second enclosure (#13), plain
 * text with hexadecimal references.
 */
export function repairRss(xml: string, document: FeedDocument): string {
  const doc = parseXml(xml)
  declareNamespaces(doc, ['atom', 'content', 'dc', 'media'])
  const channel = doc.documentElement ? childElements(doc.documentElement, 'channel')[0] : undefined
  if (!channel) throw new Error('feed package wrote RSS without a channel')
  const items = childElements(channel, 'item')
  addDocumentLinks(doc, channel, items[0], document)
  addChannelHints(doc, channel, items[0], document)
  items.forEach((element, index) => {
    const item = document.items[index]
    if (!item) return
    const title = childElements(element, 'title')[0]
    if (title) setText(title, item.title)
    // One dc:creator holding every name as a German list: readers show one
    // (newsboat the last of several, sfeed, rss2email, rss-parser and
    // feedparser's `author` the first), so each name must be in the one they show.
    appendElement(element, NS.dc, 'dc:creator', {}, listInGerman(item.authors.map((author) => author.name)))
    if (item.image) appendImage(element, item.image)
  })
  // RSS 2.0 <image>: the package writes url, title and link; width and height are ours.
  const image = childElements(channel, 'image')[0]
  if (image && document.images.rss) {
    appendElement(image, null, 'width', {}, String(document.images.rss.width))
    appendElement(image, null, 'height', {}, String(document.images.rss.height))
  }
  return hexEncodePlainText(serializeXml(doc), RSS_PLAIN_TEXT)
}

/**
 * What the package has no option for: the RSS 1.0 Syndication module's
 * update hints (`ttl` itself is the package's), and Feedly's `webfeeds:`
 * branding, only when configured: the W3C validator warns about a namespace
 * it does not know.
 */
function addChannelHints(doc: Document, channel: Element, firstItem: Element | undefined, document: FeedDocument): void {
  declareNamespaces(doc, ['sy'])
  appendElement(channel, NS.sy, 'sy:updatePeriod', {}, document.updates.period, firstItem)
  appendElement(channel, NS.sy, 'sy:updateFrequency', {}, String(document.updates.frequency), firstItem)
  const feedly = document.feedly
  if (!feedly) return
  declareNamespaces(doc, ['webfeeds'])
  if (feedly.icon) appendElement(channel, NS.webfeeds, 'webfeeds:icon', {}, feedly.icon, firstItem)
  if (feedly.logo) appendElement(channel, NS.webfeeds, 'webfeeds:logo', {}, feedly.logo, firstItem)
  if (feedly.cover) appendElement(channel, NS.webfeeds, 'webfeeds:cover', { image: feedly.cover }, undefined, firstItem)
  if (feedly.accentColor) appendElement(channel, NS.webfeeds, 'webfeeds:accentColor', {}, feedly.accentColor, firstItem)
}

/** The item's image as Media RSS: the full picture, and the same as its thumbnail. */
function appendImage(item: Element, image: FeedImage): void {
  const size = { width: image.width, height: image.height }
  appendElement(item, NS.media, 'media:content', { url: image.url, type: image.type, medium: 'image', ...size })
  appendElement(item, NS.media, 'media:thumbnail', { url: image.url, ...size })
}

/**
 * The fixes for `atom1()`: the document's language (#19); titles and
 * summaries as `type="text"` (#4); categories with `term` and escaped
 * attributes (#3, #10); the enclosure with its real type (#11); the entry's
 * alternate link typed as HTML; plain text with hexadecimal references.
 */
export function repairAtom(xml: string, document: FeedDocument): string {
  const doc = parseXml(xml)
  const root = doc.documentElement
  if (!root) throw new Error('feed package wrote Atom without a root element')
  root.setAttributeNS(NS.xml, 'xml:lang', document.language)
  const entries = childElements(root, 'entry')
  addDocumentLinks(doc, root, entries[0], document)
  for (const link of childElements(root, 'link')) {
    const rel = link.getAttribute('rel')
    if (rel === 'self') link.setAttribute('type', 'application/atom+xml')
    else if (rel === 'alternate') link.setAttribute('type', 'text/html')
  }
  entries.forEach((entry, index) => {
    const item = document.items[index]
    if (!item) return
    const title = childElements(entry, 'title')[0]
    if (title) {
      title.setAttribute('type', 'text')
      setText(title, item.title)
    }
    for (const link of childElements(entry, 'link')) {
      if (!link.hasAttribute('rel')) {
        link.setAttribute('rel', 'alternate')
        link.setAttribute('type', 'text/html')
      }
    }
    if (item.enclosure) {
      appendElement(entry, NS.atom, 'link', {
        rel: 'enclosure',
        type: item.enclosure.type,
        length: item.enclosure.length,
        href: item.enclosure.url,
      })
    }
    // An image that is not the entry's enclosure (the audio is) still reaches readers as Media RSS.
    if (item.image && item.enclosure?.url !== item.image.url) {
      declareNamespaces(doc, ['media'])
      appendElement(entry, NS.media, 'media:thumbnail', { url: item.image.url, width: item.image.width, height: item.image.height })
    }
    if (item.summary !== '') appendElement(entry, NS.atom, 'summary', { type: 'text' }, item.summary)
    for (const tag of item.tags) appendElement(entry, NS.atom, 'category', { term: tag })
    if (item.lang !== document.language) entry.setAttributeNS(NS.xml, 'xml:lang', item.lang)
  })
  return hexEncodePlainText(serializeXml(doc), ATOM_PLAIN_TEXT)
}
