/**
 * One test per defect of `feed` 6.0.0 (docs/feed-package.md). Each shows
 * the defect in the package used the obvious way, then shows our renderer,
 * which goes around it, reading right in consumers we did not write.
 * Removing a fix from src/feeds/feed-package-fixes.ts (or the renderers'
 * input preparation) makes the second half fail.
 *
 * No assert here holds a time: the fix whose guard is a ratio of timings
 * (categories and authors written in linear time) is tested in
 * tests/hardening/growth.test.ts, among the files that run alone.
 */
import { Feed, type Item } from 'feed'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { FeedDocument, FeedItem } from '../../src/feeds/feed-model.js'
import { renderAtom } from '../../src/feeds/render-atom.js'
import { renderJsonFeed } from '../../src/feeds/render-json-feed.js'
import { renderRss } from '../../src/feeds/render-rss.js'
import { jsonFeedSchemaErrors, readXmlFeed, readXmlFeeds, type ParsedFeed } from '../helpers/consumers.js'
import { author, image, makeDocument, makeItem, SITE } from '../helpers/feed-fixtures.js'

const RSS = 'application/rss+xml'
const ATOM = 'application/atom+xml'

/** The package used the obvious way, with nothing done around it. */
function naiveFeed(items: readonly Partial<Item>[], options: { podcast?: boolean; updated?: Date } = {}): Feed {
  const feed = new Feed({
    title: 'Wirtschaft',
    id: `${SITE}wirtschaft/atom.xml`,
    link: SITE,
    ...(options.updated ? { updated: options.updated } : {}),
    ...(options.podcast ? { podcast: true, category: 'Business' } : {}),
  })
  for (const item of items) {
    feed.addItem({ title: 'Titel', link: `${SITE}a.html`, date: new Date('2025-01-28T09:30:00Z'), ...item })
  }
  return feed
}

function both(document: FeedDocument): { rss: ParsedFeed; atom: ParsedFeed } {
  const [rss, atom] = readXmlFeeds([
    { body: renderRss(document), contentType: RSS },
    { body: renderAtom(document), contentType: ATOM },
  ])
  if (!rss || !atom) throw new Error('missing results')
  return { rss, atom }
}

function only(feed: ParsedFeed) {
  expect(feed.wellFormed).toBe(true)
  expect(feed.bozo).toBe(false)
  const [entry] = feed.entries
  if (!entry) throw new Error('no entry')
  return entry
}

const single = (overrides: Partial<FeedItem>) => makeDocument([makeItem(overrides)])

afterEach(() => {
  vi.useRealTimers()
})

describe('feed 6.0.0 defects, and the way around each', () => {
  it('#1 strips C0 controls and U+FFFE/U+FFFF, which make the package write XML no reader accepts', () => {
    const raw = naiveFeed([{ title: 'Zins\u0001wende\uFFFE' }])
    expect(readXmlFeed(raw.rss2(), RSS).wellFormed).toBe(false)

    const { rss, atom } = both(single({ title: 'Zins\u0001wende\uFFFE', summary: 'a\u000Bb', contentHtml: '<p>c\u001Fd</p>', tags: ['E\u0008ZB'] }))
    for (const entry of [only(rss), only(atom)]) {
      expect(entry.title?.value).toBe('Zinswende')
      expect(entry.tags).toEqual(['EZB'])
    }
    expect(only(atom).summary?.value).toBe('ab')
  })

  it('#2 leaves no second ]]> in CDATA, which the package splits only once', () => {
    const raw = naiveFeed([{ content: '<p>a ]]> b ]]> c</p>' }])
    expect(readXmlFeed(raw.rss2(), RSS).wellFormed).toBe(false)

    const { rss, atom } = both(single({ title: 'x ]]> y ]]> z', contentHtml: '<p>a ]]&gt; b ]]&gt; c</p>' }))
    for (const entry of [only(rss), only(atom)]) {
      expect(entry.title?.value).toBe('x ]]> y ]]> z')
      expect(entry.content[0]?.value).toBe('<p>a ]]&gt; b ]]&gt; c</p>')
    }
  })

  it('#3 escapes attribute values the package writes raw (Atom category term, RSS category domain)', () => {
    const raw = naiveFeed([{ category: [{ name: 'a<b', term: 'a<b', domain: `${SITE}?a=1&b=2` }] }])
    expect(readXmlFeed(raw.atom1(), ATOM).wellFormed).toBe(false)
    expect(readXmlFeed(raw.rss2(), RSS).wellFormed).toBe(false)

    const { rss, atom } = both(single({ tags: ['a<b', 'Müller & Söhne', '"Zitat"'] }))
    expect(only(rss).tags).toEqual(['a<b', 'Müller & Söhne', '"Zitat"'])
    expect(only(atom).tags).toEqual(['a<b', 'Müller & Söhne', '"Zitat"'])
  })

  it('#4 writes Atom titles and summaries as type="text", so <für> comes back as typed', () => {
    const title = '<für> & „Zölle“ "jetzt"'
    const raw = readXmlFeed(naiveFeed([{ title, description: title }]).atom1(), ATOM)
    expect(raw.entries[0]?.title?.value).not.toBe(title)

    const atomXml = renderAtom(single({ title, summary: title }))
    expect(atomXml).toContain('<title type="text">&#x3C;für&gt; &#x26; „Zölle“ "jetzt"</title>')
    const entry = only(readXmlFeed(atomXml, ATOM))
    expect(entry.title).toEqual({ value: title, type: 'text/plain', text: title })
    expect(entry.summary).toEqual({ value: title, type: 'text/plain', text: title })
  })

  it('#5 never hands the package a non-URI id or relative link, which make atom1() throw for the whole feed', () => {
    expect(() => naiveFeed([{ id: 'artikel 17' }]).atom1()).toThrow()
    expect(() => naiveFeed([{ link: '/wirtschaft/a.html' }]).rss2()).toThrow()

    const ids = ['tag:www.example.de,2025:wirtschaft/a', 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66', `${SITE}wirtschaft/b.html`]
    const document = makeDocument(ids.map((id, n) => makeItem({ id, url: `${SITE}wirtschaft/${n}.html` })))
    const { rss, atom } = both(document)
    expect(atom.entries.map((e) => e.id)).toEqual(ids)
    expect(rss.entries.map((e) => e.id)).toEqual(ids)
  })

  it('#6 gives every format the same id, where the package would normalise only Atom', () => {
    const id = 'HTTPS://WWW.EXAMPLE.DE/a%7e?b'
    const naive = naiveFeed([{ id, guid: id }])
    expect(readXmlFeed(naive.atom1(), ATOM).entries[0]?.id).not.toBe(readXmlFeed(naive.rss2(), RSS).entries[0]?.id)

    // Ids are normalised once, when articles are parsed (parse-article.ts); all formats then agree.
    const normalised = new URL(id).href
    const document = single({ id: normalised })
    const { rss, atom } = both(document)
    const json = JSON.parse(renderJsonFeed(document)) as { items: { id: string }[] }
    expect([only(rss).id, only(atom).id, json.items[0]?.id]).toEqual([normalised, normalised, normalised])
  })

  it('#7 keeps a literal "&amp;" in text, which the package turns into "&"', () => {
    const naive = new Feed({ title: 'AT&amp;T', id: SITE, link: SITE, updated: new Date(0) })
    expect(readXmlFeed(naive.rss2(), RSS).feed.title).toBe('AT&T')

    const document = makeDocument([makeItem({ tags: ['AT&amp;T'], authors: [author('Q&amp;A')] })], { title: 'Wirtschaft &amp; Co' })
    const { rss, atom } = both(document)
    expect(rss.feed.title).toBe('Wirtschaft &amp; Co')
    expect(atom.feed.title).toBe('Wirtschaft &amp; Co')
    expect(only(rss).tags).toEqual(['AT&amp;T'])
    expect(only(atom).authors).toEqual(['Q&amp;A'])
  })

  it('#8 names RSS authors with one dc:creator holding every name, instead of name-only <author> elements', () => {
    const naive = naiveFeed([{ author: [{ name: 'Silke Mayr' }, { name: 'Jonas Albrecht' }] }]).rss2()
    // RSS 2.0: <author> is "the email address of the author"; a bare name is a W3C validator error.
    expect(naive).toContain('<author>Silke Mayr</author>')

    const xml = renderRss(single({ authors: [author('Silke Mayr'), author('Jonas Albrecht')], contentHtml: '' }))
    expect(xml).not.toContain('<author>')
    expect(xml).toContain('xmlns:dc="http://purl.org/dc/elements/1.1/"')
    // One element: newsboat shows the last of several, sfeed, rss2email and rss-parser the first (tests/clients/co-authors.test.ts).
    expect(xml).toContain('<dc:creator>Silke Mayr und Jonas Albrecht</dc:creator>')
    expect(xml.match(/<dc:creator>/g)).toHaveLength(1)
    expect(only(readXmlFeed(xml, RSS)).authors).toEqual(['Silke Mayr und Jonas Albrecht'])
  })

  it('#9 gives the Atom feed an author, so entries without one are valid', () => {
    expect(naiveFeed([{}]).atom1()).not.toContain('<author>')

    const xml = renderAtom(makeDocument([makeItem()]))
    expect(readXmlFeed(xml, ATOM).feed.authors).toEqual(['Wirtschaftsredaktion'])
  })

  it('#10 writes every Atom category with a term', () => {
    const naive = naiveFeed([{ category: [{ name: 'EZB' }] }]).atom1()
    expect(naive).toContain('<category label="EZB"/>')

    const xml = renderAtom(single({ tags: ['EZB'] }))
    expect(xml).toContain('<category term="EZB"/>')
  })

  it('#11 writes the enclosure type given, where the package guesses it from the file name', () => {
    const naive = naiveFeed([{ enclosure: { url: `${SITE}media/folge.mp3`, type: 'audio/mpeg', length: 99 } }]).atom1()
    expect(naive).toContain('type="image/mp3"')

    const enclosure = { url: `${SITE}media/folge.mp3`, type: 'audio/mpeg', length: 99264, duration: 12 }
    const { rss, atom } = both(single({ enclosure }))
    const expected = [{ href: enclosure.url, type: 'audio/mpeg', length: '99264' }]
    expect(only(rss).enclosures).toEqual(expected)
    expect(only(atom).enclosures).toEqual(expected)
  })

  it('#12 passes exactly url, type and length, where the package writes length="0" or stray attributes', () => {
    expect(naiveFeed([{ audio: `${SITE}media/folge.mp3` }]).rss2()).toContain('length="0"')
    expect(naiveFeed([{ enclosure: { url: `${SITE}media/folge.mp3`, title: 'Folge 1', duration: 12 } }]).rss2()).toContain('title="Folge 1"')

    const xml = renderRss(single({ enclosure: { url: `${SITE}media/folge.mp3`, type: 'audio/mpeg', length: 99264, duration: 12 } }))
    expect(xml).toContain(`<enclosure length="99264" type="audio/mpeg" url="${SITE}media/folge.mp3"/>`)
  })

  it('#13 keeps both image and audio: the enclosure is the audio, the image goes to Media RSS and JSON image', () => {
    const naive = readXmlFeed(naiveFeed([{ image: `${SITE}media/a.jpg`, audio: { url: `${SITE}media/a.mp3`, length: 5 } }]).rss2(), RSS)
    expect(naive.entries[0]?.enclosures).toHaveLength(1)
    expect(naive.entries[0]?.enclosures[0]?.href).toBe(`${SITE}media/a.mp3`)

    const document = single({
      image: image(`${SITE}media/a.jpg`),
      enclosure: { url: `${SITE}media/a.mp3`, type: 'audio/mpeg', length: 5, duration: undefined },
    })
    const entry = only(readXmlFeed(renderRss(document), RSS))
    expect(entry.enclosures).toEqual([{ href: `${SITE}media/a.mp3`, type: 'audio/mpeg', length: '5' }])
    expect(entry.media).toEqual([{ url: `${SITE}media/a.jpg`, type: 'image/jpeg', medium: 'image' }])
    const json = JSON.parse(renderJsonFeed(document)) as { items: Record<string, unknown>[] }
    expect(json.items[0]?.image).toBe(`${SITE}media/a.jpg`)
    expect(json.items[0]?.attachments).toEqual([{ url: `${SITE}media/a.mp3`, mime_type: 'audio/mpeg', size_in_bytes: 5 }])
  })

  it('#14 renders the same document twice to the same bytes (the package mutates podcast items)', () => {
    const item = { audio: { url: `${SITE}media/a.mp3`, length: 5, duration: 90 } }
    const naive = naiveFeed([item], { podcast: true, updated: new Date(0) })
    expect(naive.rss2()).not.toBe(naive.rss2())

    const document = single({ enclosure: { url: `${SITE}media/a.mp3`, type: 'audio/mpeg', length: 5, duration: 90 } })
    expect(renderRss(document)).toBe(renderRss(document))
    expect(renderAtom(document)).toBe(renderAtom(document))
  })

  it('#15 dates the feed by its newest item, never by the clock, so ETags only change with content', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'))
    const naive = naiveFeed([{}])
    const first = naive.atom1()
    vi.setSystemTime(new Date('2026-06-01T00:00:00Z'))
    expect(naive.atom1()).not.toBe(first)

    const document = makeDocument([makeItem()])
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'))
    const rss = renderRss(document)
    const atom = renderAtom(document)
    vi.setSystemTime(new Date('2026-06-01T00:00:00Z'))
    expect(renderRss(document)).toBe(rss)
    expect(renderAtom(document)).toBe(atom)
    expect(rss).toContain('<lastBuildDate>Thu, 05 Jun 2025 15:00:00 GMT</lastBuildDate>')
    expect(atom).toContain('<updated>2025-06-05T15:00:00.000Z</updated>')
  })

  it('#16 always has a channel link and id, where the package writes "undefined" or an empty <id/>', () => {
    const naive = new Feed({ title: 'x', updated: new Date(0) } as ConstructorParameters<typeof Feed>[0])
    expect(naive.rss2()).toContain('<link>undefined</link>')
    expect(naive.atom1()).toContain('<id/>')

    const { rss, atom } = both(makeDocument([]))
    expect(rss.feed.link).toBe(SITE)
    expect(atom.feed.id).toBe(`${SITE}wirtschaft/atom.xml`)
    expect(renderRss(makeDocument([]))).not.toContain('undefined')
  })

  it('#17 strips lone surrogates from every format, JSON included', () => {
    const naive = naiveFeed([{ title: 'a\uD800b' }]).json1()
    expect(naive).toContain('\\ud800')

    const document = single({ title: 'a\uD800b\uDFFFc', summary: 'x\uDC00y' })
    const json = renderJsonFeed(document)
    expect(json).not.toMatch(/\\ud[89a-f]/i)
    expect((JSON.parse(json) as { items: { title: string }[] }).items[0]?.title).toBe('abc')
    const { rss, atom } = both(document)
    expect(only(rss).title?.value).toBe('abc')
    expect(only(atom).title?.value).toBe('abc')
  })

  it('#18 writes JSON Feed 1.1: authors, language, attachments, summary and dates', () => {
    const naive = JSON.parse(naiveFeed([{ author: [{ name: 'A' }, { name: 'B' }] }]).json1()) as Record<string, unknown>
    expect(naive.version).toBe('https://jsonfeed.org/version/1')

    const document = single({
      authors: [author('Silke Mayr'), author('Jonas Albrecht')],
      enclosure: { url: `${SITE}media/a.mp3`, type: 'audio/mpeg', length: 5, duration: 90 },
    })
    const json = JSON.parse(renderJsonFeed(document)) as Record<string, unknown> & { items: Record<string, unknown>[] }
    expect(jsonFeedSchemaErrors(json)).toEqual([])
    expect(json.version).toBe('https://jsonfeed.org/version/1.1')
    expect(json.language).toBe('de')
    expect(json.authors).toEqual([{ name: 'Wirtschaftsredaktion' }])
    expect(json.items[0]).toMatchObject({
      authors: [{ name: 'Silke Mayr' }, { name: 'Jonas Albrecht' }],
      summary: 'Die EZB senkt die Zinsen – ein Überblick.',
      date_published: '2025-06-05T12:45:00Z',
      date_modified: '2025-06-05T15:00:00Z',
      attachments: [{ url: `${SITE}media/a.mp3`, mime_type: 'audio/mpeg', size_in_bytes: 5, duration_in_seconds: 90 }],
    })
    expect(json.items[0]).not.toHaveProperty('author')
  })

  it('#19 states the Atom document language with xml:lang', () => {
    expect(naiveFeed([{}]).atom1()).not.toContain('xml:lang')

    const atom = renderAtom(makeDocument([makeItem(), makeItem({ id: 'tag:www.example.de,2025:x', url: `${SITE}x.html`, lang: 'en' })]))
    expect(atom).toContain('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">')
    expect(atom).toContain('<entry xml:lang="en">')
  })
})
