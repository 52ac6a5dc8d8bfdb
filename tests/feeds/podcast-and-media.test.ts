/**
 * Podcast apps and newsletter tools: the podcast feed against Apple's
 * requirements, enclosures with true type and length, images in every
 * format, authors from the registry, and not one relative URL anywhere.
 */
import { fileURLToPath } from 'node:url'
import { DOMParser, type Element } from '@xmldom/xmldom'
import { beforeAll, describe, expect, it } from 'vitest'
import { podcastGuid } from '../../src/feeds/render-podcast.js'
import { readXmlFeeds, type ParsedFeed } from '../helpers/consumers.js'
import { articleText } from '../helpers/temp-dir.js'
import { testApp } from '../helpers/test-app.js'

const SITE = 'https://www.example.de/'
const MEDIA = fileURLToPath(new URL('../fixtures/media', import.meta.url))
const SETTINGS = fileURLToPath(new URL('../fixtures/site.yaml', import.meta.url))
const ITUNES = 'http://www.itunes.com/dtds/podcast-1.0.dtd'

let harness: Awaited<ReturnType<typeof testApp>>
const text = async (path: string) => (await harness.app.request(path)).text()
let podcastXml: string
let rss: ParsedFeed
let atom: ParsedFeed
let json: Record<string, unknown> & { items: Record<string, unknown>[] }

beforeBeforeAll()
function beforeBeforeAll(): void {
  beforeAll(async () => {
    harness = await testApp(
      {
        'folge-1.md': articleText(
          { title: '"Folge 1: Zinsen & Sparen"', date: '2025-05-01T06:00:00Z', category: 'wirtschaft', author: 'Anna Beispiel', episode: '1',
            image: '/media/bild.jpg', enclosure: '{url: /media/folge-1.mp3, type: audio/mpeg, duration: 1805}' },
          'Shownotes mit [Link](quelle.html) und <img src="bild.jpg" srcset="bild.jpg 1x, /media/bild.jpg 2x" alt="x">.\n',
        ),
        'folge-2.md': articleText(
          { title: '"Folge 2: Inflation"', date: '2025-06-01T06:00:00Z', category: 'wirtschaft', author: 'Bernd Ohneprofil', episode: '2', explicit: 'true',
            image: '/media/folge-art.jpg', enclosure: '{url: /media/folge-2.m4a, length: 2000}' },
          'Text.\n',
        ),
        'bild.md': articleText(
          { title: 'Mit Bild', date: '2025-07-01T06:00:00Z', category: 'wirtschaft', image: '/media/bild.jpg', image_alt: 'Ein blaues Bild' },
          '| A | B |\n|---|---|\n| 1 | 2 |\n\n> Zitat\n\n<figure><img src="/media/bild.jpg" alt="x"><figcaption>Quelle</figcaption></figure>\n\n<video src="clip.mp4"></video>\n',
        ),
        'fern.md': articleText(
          { title: 'Fernes Bild', date: '2025-07-02T06:00:00Z', category: 'wirtschaft', image: 'https://bilder.example.org/x.jpg' },
          'Text.\n',
        ),
      },
      { MEDIA_DIR: MEDIA, SITE_CONFIG: SETTINGS },
    )
    podcastXml = await text('/wirtschaft/podcast.xml')
    ;[rss, atom] = readXmlFeeds([
      { body: await text('/wirtschaft/feed.xml'), contentType: 'application/rss+xml' },
      { body: await text('/wirtschaft/atom.xml'), contentType: 'application/atom+xml' },
    ]) as [ParsedFeed, ParsedFeed]
    json = JSON.parse(await text('/wirtschaft/feed.json')) as typeof json
  })
}

const parse = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml')
const children = (parent: Element, name: string) => Array.from(parent.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).nodeName === name)
const only = (parent: Element, name: string) => {
  const found = children(parent, name)
  expect(found, `<${name}> in <${parent.nodeName}>`).toHaveLength(1)
  return found[0] as Element
}

describe('the podcast feed', () => {
  it('is served at /wirtschaft/podcast.xml as RSS, with the episodes only, newest first', async () => {
    const response = await harness.app.request('/wirtschaft/podcast.xml')
    expect(response.headers.get('Content-Type')).toBe('application/rss+xml; charset=utf-8')
    const [feed] = readXmlFeeds([{ body: podcastXml, contentType: 'application/rss+xml' }])
    expect([feed?.wellFormed, feed?.bozo, feed?.version]).toEqual([true, false, 'rss20'])
    expect(feed?.entries.map((e) => e.title?.value)).toEqual(['Folge 2: Inflation', 'Folge 1: Zinsen & Sparen'])
  })

  it('carries every channel tag Apple Podcasts requires', () => {
    const channel = only(parse(podcastXml).documentElement as Element, 'channel')
    expect(only(channel, 'title').textContent).toBe('Zinsen & Zölle – der Testpodcast')
    expect(only(channel, 'description').textContent).toBe('Ein Podcast für Tests <mit> Sonderzeichen.')
    expect(only(channel, 'language').textContent).toBe('de')
    expect(only(channel, 'link').textContent).toBe(SITE)
    expect(only(channel, 'copyright').textContent).toBe('© 2025 Test')
    expect(only(channel, 'itunes:image').getAttribute('href')).toBe(`${SITE}media/cover.jpg`)
    expect(only(channel, 'itunes:author').textContent).toBe('Testredaktion')
    const owner = only(channel, 'itunes:owner')
    expect([only(owner, 'itunes:name').textContent, only(owner, 'itunes:email').textContent]).toEqual(['Test Owner', 'owner@example.de'])
    const category = only(channel, 'itunes:category')
    expect(category.getAttribute('text')).toBe('Business')
    expect(only(category, 'itunes:category').getAttribute('text')).toBe('Investing')
    expect(only(channel, 'itunes:explicit').textContent).toBe('false')
    expect(only(channel, 'itunes:type').textContent).toBe('episodic')
    expect(only(channel, 'podcast:guid').textContent).toBe(podcastGuid(`${SITE}wirtschaft/podcast.xml`))
    expect(only(channel, 'podcast:locked').getAttribute('owner')).toBe('owner@example.de')
    expect(only(channel, 'podcast:locked').textContent).toBe('yes')
    expect((parse(podcastXml).documentElement as Element).getAttribute('xmlns:itunes')).toBe(ITUNES)
  })

  it('gives every episode what Apple requires: an enclosure with a real type, the true length and an ASCII URL', () => {
    const items = children(only(parse(podcastXml).documentElement as Element, 'channel'), 'item')
    const want = [
      // A square image of 1400 px is the episode's artwork; bild.jpg (120 × 80) is not, so folge-1 shows the show's cover.
      // guid: RFC 9562 UUID v5 of the article's id in the URL namespace (as Python's uuid.uuid5 computes it), pinned: apps key downloads on it.
      { url: `${SITE}media/folge-2.m4a`, type: 'audio/x-m4a', length: '2000', duration: undefined, episode: '2', explicit: 'true', image: `${SITE}media/folge-art.jpg`,
        guid: 'urn:uuid:bf5f4dde-d779-5b08-93e0-37db6611db23' },
      { url: `${SITE}media/folge-1.mp3`, type: 'audio/mpeg', length: '4321', duration: '1805', episode: '1', explicit: 'false', image: `${SITE}media/cover.jpg`,
        guid: 'urn:uuid:98906ddd-dd77-586b-b001-2a32f4baf602' },
    ]
    items.forEach((item, n) => {
      const expected = want[n] as (typeof want)[number]
      const enclosure = only(item, 'enclosure')
      expect(enclosure.getAttribute('url')).toBe(expected.url)
      expect(enclosure.getAttribute('url')).toMatch(/^[\x21-\x7e]+$/)
      expect(enclosure.getAttribute('type')).toBe(expected.type)
      expect(enclosure.getAttribute('length')).toBe(expected.length)
      // Not the section feed's guid (the article's id): newsboat keys items by guid across subscriptions.
      expect([only(item, 'guid').textContent, only(item, 'guid').getAttribute('isPermaLink')]).toEqual([expected.guid, 'false'])
      expect(only(item, 'pubDate').textContent).toMatch(/^\w{3}, \d{2} \w{3} 2025 06:00:00 GMT$/)
      expect(children(item, 'itunes:duration')[0]?.textContent).toBe(expected.duration)
      expect(only(item, 'itunes:episode').textContent).toBe(expected.episode)
      expect(only(item, 'itunes:explicit').textContent).toBe(expected.explicit)
      expect(children(item, 'itunes:image')[0]?.getAttribute('href')).toBe(expected.image)
    })
  })

  it('is advertised on /, on episode pages and in the OPML list, but not on other article pages', async () => {
    const link = `<link rel="alternate" type="application/rss+xml" title="Zinsen &amp; Zölle – der Testpodcast (Podcast)" href="${SITE}wirtschaft/podcast.xml"/>`
    expect(await text('/')).toContain(link)
    expect(await text('/wirtschaft/folge-1.html')).toContain(link)
    expect(await text('/wirtschaft/bild.html')).not.toContain('podcast.xml"/>')
    expect(await text('/feeds.opml')).toContain(`xmlUrl="${SITE}wirtschaft/podcast.xml"`)
  })
})

describe('enclosures', () => {
  it('measures the length of files under MEDIA_DIR, and trusts no length that disagrees', () => {
    const folge1 = json.items.find((i) => i.title === 'Folge 1: Zinsen & Sparen')
    expect(folge1?.attachments).toEqual([{ url: `${SITE}media/folge-1.mp3`, mime_type: 'audio/mpeg', size_in_bytes: 4321, duration_in_seconds: 1805 }])
    for (const feed of [rss, atom]) {
      const entry = feed.entries.find((e) => e.title?.value === 'Folge 1: Zinsen & Sparen')
      expect(entry?.enclosures).toEqual([{ href: `${SITE}media/folge-1.mp3`, type: 'audio/mpeg', length: '4321' }])
    }
  })
})

describe('images', () => {
  it('leads the content with the image, with width and height, so readers and newsletters show it', () => {
    const item = json.items.find((i) => i.title === 'Mit Bild')
    expect(item?.image).toBe(`${SITE}media/bild.jpg`)
    expect(item?.content_html).toMatch(new RegExp(`^<figure><img src="${SITE}media/bild.jpg" alt="Ein blaues Bild" width="120" height="80"></figure>`))
  })

  it('makes a measured image the enclosure in every format when there is no audio', () => {
    const expected = [{ href: `${SITE}media/bild.jpg`, type: 'image/jpeg', length: '346' }]
    expect(rss.entries.find((e) => e.title?.value === 'Mit Bild')?.enclosures).toEqual(expected)
    expect(atom.entries.find((e) => e.title?.value === 'Mit Bild')?.enclosures).toEqual(expected)
    expect(json.items.find((i) => i.title === 'Mit Bild')?.attachments).toEqual([{ url: `${SITE}media/bild.jpg`, mime_type: 'image/jpeg', size_in_bytes: 346 }])
  })

  it('gives RSS the image as Media RSS, and Atom as a thumbnail beside an audio enclosure', async () => {
    expect(rss.entries.find((e) => e.title?.value === 'Mit Bild')?.media).toEqual([{ url: `${SITE}media/bild.jpg`, type: 'image/jpeg', medium: 'image' }])
    const rssXml = await text('/wirtschaft/feed.xml')
    expect(rssXml).toContain(`<media:content url="${SITE}media/bild.jpg" type="image/jpeg" medium="image" width="120" height="80"/>`)
    expect(rssXml).toContain(`<media:thumbnail url="${SITE}media/bild.jpg" width="120" height="80"/>`)
    const atomXml = await text('/wirtschaft/atom.xml')
    const folge1 = atomXml.slice(atomXml.indexOf('Folge 1: Zinsen'), atomXml.indexOf('</entry>', atomXml.indexOf('Folge 1: Zinsen')))
    expect(folge1).toContain(`<link rel="enclosure" type="audio/mpeg" length="4321" href="${SITE}media/folge-1.mp3"/>`)
    expect(folge1).toContain(`<media:thumbnail url="${SITE}media/bild.jpg" width="120" height="80"/>`)
  })

  it('leaves a remote image of unknown size out of the enclosures, and keeps it as the image', () => {
    expect(rss.entries.find((e) => e.title?.value === 'Fernes Bild')?.enclosures).toEqual([])
    expect(json.items.find((i) => i.title === 'Fernes Bild')?.image).toBe('https://bilder.example.org/x.jpg')
    expect(json.items.find((i) => i.title === 'Fernes Bild')?.attachments).toBeUndefined()
  })

  it('gives every format a channel image', async () => {
    const rssChannel = only(parse(await text('/wirtschaft/feed.xml')).documentElement as Element, 'channel')
    const image = only(rssChannel, 'image')
    expect([only(image, 'url').textContent, only(image, 'width').textContent, only(image, 'height').textContent]).toEqual([`${SITE}media/bild.jpg`, '120', '80'])
    const atomXml = await text('/wirtschaft/atom.xml')
    expect(atomXml).toContain(`<logo>${SITE}media/cover.jpg</logo>`)
    expect(atomXml).toContain(`<icon>${SITE}media/autoren/anna.png</icon>`)
    expect([json.icon, json.favicon]).toEqual([`${SITE}media/cover.jpg`, `${SITE}media/autoren/anna.png`])
  })
})

describe('authors from the registry', () => {
  it('fills the fields each format has for a person', async () => {
    const atomXml = await text('/wirtschaft/atom.xml')
    expect(atomXml).toContain('<name>Anna Beispiel</name>')
    expect(atomXml).toContain('<email>anna@example.de</email>')
    expect(atomXml).toContain('<uri>https://www.example.de/autoren/anna</uri>')
    const folge1 = json.items.find((i) => i.title === 'Folge 1: Zinsen & Sparen')
    expect(folge1?.authors).toEqual([{ name: 'Anna Beispiel', url: 'https://www.example.de/autoren/anna', avatar: `${SITE}media/autoren/anna.png` }])
    const folge2 = json.items.find((i) => i.title === 'Folge 2: Inflation')
    expect(folge2?.authors).toEqual([{ name: 'Bernd Ohneprofil' }])
    expect(rss.entries.find((e) => e.title?.value === 'Folge 1: Zinsen & Sparen')?.authors).toEqual(['Anna Beispiel'])
  })

  it('finds the profile regardless of case, and keeps the byline as written', async () => {
    const { app } = await testApp(
      { 'klein.md': articleText({ title: 'Klein', date: '2025-05-01T06:00:00Z', category: 'wirtschaft', author: 'anna beispiel' }) },
      { MEDIA_DIR: MEDIA, SITE_CONFIG: SETTINGS },
    )
    const feed = (await (await app.request('/wirtschaft/feed.json')).json()) as { items: { authors: unknown }[] }
    expect(feed.items[0]?.authors).toEqual([{ name: 'anna beispiel', url: 'https://www.example.de/autoren/anna', avatar: `${SITE}media/autoren/anna.png` }])
  })
})

describe('mail-safe content', () => {
  it('keeps the RSS description plain text and the full HTML in content:encoded, tables, quotes and figures included', async () => {
    const rssXml = await text('/wirtschaft/feed.xml')
    const item = rssXml.slice(rssXml.indexOf('<title>Mit Bild</title>'))
    const description = /<description><!\[CDATA\[([\s\S]*?)\]\]><\/description>/.exec(item)?.[1]
    // The excerpt takes paragraphs and headings: the table stays in the full HTML only.
    expect(description).toBe('Zitat')
    const content = /<content:encoded><!\[CDATA\[([\s\S]*?)\]\]><\/content:encoded>/.exec(item)?.[1] ?? ''
    for (const kept of ['<table>', '<blockquote>', '<figure><img src="https://www.example.de/media/bild.jpg" alt="x" /><figcaption>Quelle</figcaption></figure>']) {
      expect(content).toContain(kept)
    }
    expect(content).toContain('<a href="https://www.example.de/wirtschaft/clip.mp4">https://www.example.de/wirtschaft/clip.mp4</a>')
    expect(rssXml).not.toContain('xml:base')
  })

  it('has no relative URL anywhere in any format', async () => {
    const documents = await Promise.all(['/wirtschaft/feed.xml', '/wirtschaft/atom.xml', '/wirtschaft/feed.json', '/wirtschaft/podcast.xml'].map(text))
    const urls: string[] = []
    for (const document of documents) {
      for (const match of document.matchAll(/\b(?:href|src|url|xmlUrl|htmlUrl)=(?:"([^"]*)"|\\"([^"\\]*)\\")/g)) urls.push(match[1] ?? match[2] ?? '')
      for (const match of document.matchAll(/\bsrcset=(?:"([^"]*)"|\\"([^"\\]*)\\")/g)) {
        urls.push(...(match[1] ?? match[2] ?? '').split(',').map((c) => c.trim().split(/\s+/)[0] ?? ''))
      }
      for (const match of document.matchAll(/<(?:link|url|logo|icon|uri|comments|docs)>([^<]*)</g)) urls.push(match[1] ?? '')
      for (const match of document.matchAll(/"(?:url|image|icon|favicon|avatar|home_page_url|feed_url|next_url|external_url)": "([^"]*)"/g)) urls.push(match[1] ?? '')
    }
    expect(urls.length).toBeGreaterThan(50)
    expect(urls.filter((url) => !/^(https?:\/\/|mailto:)/.test(url))).toEqual([])
    expect(urls).toContain('https://www.example.de/wirtschaft/quelle.html')
    expect(urls).toContain('https://www.example.de/wirtschaft/bild.jpg')
  })
})
