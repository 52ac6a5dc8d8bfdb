/**
 * renderOpml on its own, read back by parsers we did not write: lxml's strict
 * parser (through tests/helpers/consumers.ts) for well-formedness, and
 * @xmldom/xmldom, failing on any error or warning, for every attribute.
 */
import { DOMParser, type Element } from '@xmldom/xmldom'
import { describe, expect, it } from 'vitest'
import { renderOpml, type OpmlFeed } from '../../src/site/opml.js'
import { readXmlFeed } from '../helpers/consumers.js'

const SITE = 'https://www.example.de/'

const RSS_FEED: OpmlFeed = { text: 'Wirtschaft – Beispielzeitung (RSS)', xmlUrl: `${SITE}wirtschaft/feed.xml`, htmlUrl: SITE, language: 'de' }
const FEEDS: OpmlFeed[] = [
  RSS_FEED,
  { text: 'Wirtschaft – Beispielzeitung (Atom)', xmlUrl: `${SITE}wirtschaft/atom.xml`, htmlUrl: SITE, language: 'de' },
  { text: 'Wirtschaft – Beispielzeitung (JSON Feed)', xmlUrl: `${SITE}wirtschaft/feed.json`, htmlUrl: SITE, language: 'de-AT' },
]

/** A strict parse: any problem the parser reports, even a warning, fails the test. */
function parse(xml: string): Element {
  const document = new DOMParser({
    onError: (level, message) => {
      throw new Error(`OPML is not well-formed (${level}): ${message}`)
    },
  }).parseFromString(xml, 'text/xml')
  return document.documentElement as Element
}

const childElements = (parent: Element, name: string): Element[] =>
  Array.from(parent.childNodes).filter((node): node is Element => node.nodeType === 1 && (node as Element).nodeName === name)

function only(parent: Element, name: string): Element {
  const found = childElements(parent, name)
  expect(found, `<${name}> in <${parent.nodeName}>`).toHaveLength(1)
  return found[0] as Element
}

const attributesOf = (element: Element): Record<string, string> =>
  Object.fromEntries(Array.from(element.attributes).map((attribute) => [attribute.name, attribute.value]))

const outlinesOf = (xml: string): Element[] => childElements(only(parse(xml), 'body'), 'outline')

describe('renderOpml', () => {
  it('writes a document that lxml parses strictly', () => {
    const parsed = readXmlFeed(renderOpml('Wirtschaft – Beispielzeitung', FEEDS), 'text/x-opml')
    expect([parsed.wellFormed, parsed.xmlError]).toEqual([true, undefined])
  })

  it('writes OPML 2.0 with the list title in the head', () => {
    const root = parse(renderOpml('Wirtschaft – Beispielzeitung', FEEDS))
    expect([root.nodeName, root.getAttribute('version')]).toEqual(['opml', '2.0'])
    expect(only(only(root, 'head'), 'title').textContent).toBe('Wirtschaft – Beispielzeitung')
  })

  it('starts with an XML declaration naming UTF-8', () => {
    expect(renderOpml('Wirtschaft', FEEDS).startsWith('<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0">')).toBe(true)
  })

  it('writes one outline per feed, in order, with exactly type, text, title, xmlUrl, htmlUrl and language', () => {
    const outlines = outlinesOf(renderOpml('Wirtschaft – Beispielzeitung', FEEDS))
    expect(outlines.map(attributesOf)).toEqual([
      { type: 'rss', text: 'Wirtschaft – Beispielzeitung (RSS)', title: 'Wirtschaft – Beispielzeitung (RSS)', xmlUrl: `${SITE}wirtschaft/feed.xml`, htmlUrl: SITE, language: 'de' },
      { type: 'rss', text: 'Wirtschaft – Beispielzeitung (Atom)', title: 'Wirtschaft – Beispielzeitung (Atom)', xmlUrl: `${SITE}wirtschaft/atom.xml`, htmlUrl: SITE, language: 'de' },
      {
        type: 'rss',
        text: 'Wirtschaft – Beispielzeitung (JSON Feed)',
        title: 'Wirtschaft – Beispielzeitung (JSON Feed)',
        xmlUrl: `${SITE}wirtschaft/feed.json`,
        htmlUrl: SITE,
        language: 'de-AT',
      },
    ])
  })

  it('writes outlines without children (feeds, not folders)', () => {
    for (const outline of outlinesOf(renderOpml('Wirtschaft', FEEDS))) expect(outline.childNodes.length).toBe(0)
  })

  it('escapes &, <, > and double quotes in the list title, which reads back unchanged', () => {
    const title = 'Zinsen & Zölle <live> "Spezial"'
    const xml = renderOpml(title, FEEDS)
    expect(xml).toContain('<title>Zinsen &amp; Zölle &lt;live&gt; &quot;Spezial&quot;</title>')
    expect(only(only(parse(xml), 'head'), 'title').textContent).toBe(title)
  })

  it('escapes &, <, > and quotes in a feed name, which reads back unchanged in text and title', () => {
    const text = `Müller & Söhne <b>"Rekord"</b> – it's AT&amp;T`
    const [outline] = outlinesOf(renderOpml('Wirtschaft', [{ ...RSS_FEED, text }]))
    expect([outline?.getAttribute('text'), outline?.getAttribute('title')]).toEqual([text, text])
  })

  it('escapes & in feed URLs, which read back unchanged', () => {
    const xmlUrl = `${SITE}wirtschaft/feed.xml?tag=A%26B&author=Anna+Beispiel`
    const htmlUrl = `${SITE}?a=1&b="2"`
    const xml = renderOpml('Wirtschaft', [{ ...RSS_FEED, xmlUrl, htmlUrl }])
    expect(xml).toContain('xmlUrl="https://www.example.de/wirtschaft/feed.xml?tag=A%26B&amp;author=Anna+Beispiel"')
    const [outline] = outlinesOf(xml)
    expect([outline?.getAttribute('xmlUrl'), outline?.getAttribute('htmlUrl')]).toEqual([xmlUrl, htmlUrl])
  })
})
