/**
 * The fixture articles (tests/fixtures/articles) through the whole pipeline,
 * read back by consumers we did not write, every field compared with what
 * the front matter says (written out by hand below), and the three formats
 * compared with each other.
 */
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { ContentStore } from '../../src/store/content-store.js'
import { listInGerman } from '../../src/text/german-list.js'
import { jsonFeedSchemaErrors, readJsonFeed, readXmlFeeds, type ParsedFeed } from '../helpers/consumers.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/articles', import.meta.url))
const SITE = 'https://www.example.de/'
const NOW = new Date('2026-01-01T00:00:00Z')

interface Expected {
  file: string
  slug: string
  id: string
  title: string
  published: string
  updated: string
  authors: string[]
  tags: string[]
  summary: string
  enclosure?: { url: string; type: string; length: number }
  image?: string
  lang: string
}

/** What each published economy article's front matter says, newest first. */
const EXPECTED: Expected[] = [
  {
    file: 'sonderzeichen.md',
    slug: 'sonderzeichen',
    id: 'tag:www.example.de,2025:wirtschaft/sonderzeichen',
    title: 'Müller & Söhne: "Rekord" <für> den Mittelstand ]]> AT&amp;T',
    published: '2025-09-01T06:00:00Z',
    updated: '2025-09-02T08:15:00Z',
    authors: ['Silke Mayr', 'Jonas Albrecht'],
    tags: ['A&B', 'x<y', '„Zitat“'],
    summary: 'Weniger <als> erwartet & trotzdem „gut“: AT&amp;T ]]> Ende.',
    lang: 'de',
  },
  {
    file: 'podcast.md',
    slug: 'podcast',
    id: 'tag:www.example.de,2025:wirtschaft/podcast',
    title: 'Geldfragen, Folge 7: Inflation verstehen',
    published: '2025-08-15T05:00:00Z',
    updated: '2025-08-15T05:00:00Z',
    authors: ['Paul Lindner'],
    tags: ['Podcast'],
    summary: 'Eine Folge über Preise.',
    enclosure: { url: `${SITE}media/geldfragen-7.mp3`, type: 'audio/mpeg', length: 4321987 },
    image: `${SITE}media/folge-7.jpg`,
    lang: 'de',
  },
  {
    file: 'ohne-zone.md',
    slug: 'ohne-zone',
    id: 'tag:www.example.de,2025:wirtschaft/ohne-zone',
    title: 'Ohne Zeitzone geschrieben',
    published: '2025-07-01T07:30:00Z',
    updated: '2025-07-01T07:30:00Z',
    authors: ['Wirtschaftsredaktion'],
    tags: [],
    summary:
      'Dieser Text hat keine Zusammenfassung im Vorspann, also wird sie aus dem Text gebildet. Sie darf Auszeichnungen nicht enthalten.',
    lang: 'de',
  },
  {
    file: 'relative-links.md',
    slug: 'relative-links',
    id: 'tag:www.example.de,2025:wirtschaft/relative-links',
    title: 'Links und Bilder',
    published: '2025-06-01T10:00:00Z',
    updated: '2025-06-01T10:00:00Z',
    authors: ['Deniz Yılmaz'],
    tags: [],
    summary: 'Relative Links werden absolut.',
    lang: 'de',
  },
  {
    file: '2024/steuer.md',
    slug: 'steuer',
    id: 'tag:www.example.de,2024:wirtschaft/steuer',
    title: 'Tax news in English',
    published: '2024-12-31T22:59:59Z',
    updated: '2024-12-31T22:59:59Z',
    authors: ['Katharina Brandt'],
    tags: ['Steuern'],
    summary: 'An English summary.',
    lang: 'en',
  },
]

const link = (e: Expected) => `${SITE}wirtschaft/${e.slug}.html`
const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes)

let rss: ParsedFeed
let atom: ParsedFeed
let rssXml: string
let atomXml: string
let jsonText: string
let json: Record<string, unknown> & { items: Record<string, unknown>[] }
const logged: string[] = []

beforeAll(async () => {
  const config = loadConfig({ ARTICLES_DIR: FIXTURES, SITE_URL: SITE })
  const store = new ContentStore({
    config,
    clock: () => NOW,
    logger: { info: () => {}, warn: (line) => logged.push(line) },
  })
  await store.load()
  store.close()
  const resources = store.site().resources
  rssXml = text(resources.get('/wirtschaft/feed.xml')?.identity.body)
  atomXml = text(resources.get('/wirtschaft/atom.xml')?.identity.body)
  jsonText = text(resources.get('/wirtschaft/feed.json')?.identity.body)
  json = JSON.parse(jsonText) as typeof json
  const parsed = readXmlFeeds([
    { body: rssXml, contentType: 'application/rss+xml; charset=utf-8', url: `${SITE}wirtschaft/feed.xml` },
    { body: atomXml, contentType: 'application/atom+xml; charset=utf-8', url: `${SITE}wirtschaft/atom.xml` },
  ])
  rss = parsed[0] as ParsedFeed
  atom = parsed[1] as ParsedFeed
})

describe('the fixture articles as feeds', () => {
  it('logs the one broken file with its field and problem, and publishes the rest', () => {
    expect(logged.filter((line) => line.startsWith('skipped '))).toEqual([
      'skipped kaputt.md: date: "31.12.2025" is not an ISO 8601 date such as 2025-01-28T09:30:00+01:00',
    ])
    // The podcast fixture names media this test does not serve (MEDIA_DIR is the repository's media/): said, and published.
    expect(logged.filter((line) => !line.startsWith('skipped '))).toEqual([
      'warning podcast.md: image: names a file that is not in MEDIA_DIR; readers will show a broken image',
      'warning podcast.md: enclosure.url: names a file that is not in MEDIA_DIR; podcast apps will fail to download it',
    ])
  })

  it('RSS and Atom are well-formed and read without complaint', () => {
    expect([rss.wellFormed, rss.bozo, rss.version]).toEqual([true, false, 'rss20'])
    expect([atom.wellFormed, atom.bozo, atom.version]).toEqual([true, false, 'atom10'])
  })

  it('JSON Feed passes the JSON Feed 1.1 schema', () => {
    expect(jsonFeedSchemaErrors(json)).toEqual([])
  })

  it('holds exactly the published economy articles, newest first, in every format', () => {
    const links = EXPECTED.map(link)
    expect(rss.entries.map((e) => e.link)).toEqual(links)
    expect(atom.entries.map((e) => e.link)).toEqual(links)
    expect(json.items.map((i) => i.url)).toEqual(links)
    expect(readJsonFeed(jsonText).items?.map((i) => i.url)).toEqual(links)
  })

  it('RSS carries every field as written in the front matter', () => {
    EXPECTED.forEach((want, n) => {
      const entry = rss.entries[n]
      expect(entry?.title?.value).toBe(want.title)
      expect(entry?.id).toBe(want.id)
      expect(entry?.guidIsLink).toBe(false)
      expect(entry?.published).toBe(want.published)
      // One dc:creator naming every author as a German list: readers show one only (docs/readers.md).
      expect(entry?.authors).toEqual([listInGerman(want.authors)])
      expect(entry?.author).toBe(listInGerman(want.authors))
      expect(entry?.tags).toEqual(want.tags)
      expect(entry?.summary?.text).toBe(want.summary)
      expect(entry?.enclosures).toEqual(want.enclosure ? [{ href: want.enclosure.url, type: want.enclosure.type, length: String(want.enclosure.length) }] : [])
      expect(entry?.media).toEqual(want.image ? [{ url: want.image, type: 'image/jpeg', medium: 'image' }] : [])
    })
  })

  it('Atom carries every field as written, titles and summaries as plain text', () => {
    EXPECTED.forEach((want, n) => {
      const entry = atom.entries[n]
      expect(entry?.title).toEqual({ value: want.title, type: 'text/plain', text: want.title })
      expect(entry?.summary).toEqual({ value: want.summary, type: 'text/plain', text: want.summary })
      expect(entry?.id).toBe(want.id)
      expect(entry?.published).toBe(want.published)
      expect(entry?.updated).toBe(want.updated)
      expect(entry?.authors).toEqual(want.authors)
      expect(entry?.tags).toEqual(want.tags)
      expect(entry?.enclosures).toEqual(want.enclosure ? [{ href: want.enclosure.url, type: want.enclosure.type, length: String(want.enclosure.length) }] : [])
    })
  })

  it('JSON Feed carries every field as written', () => {
    EXPECTED.forEach((want, n) => {
      const item = json.items[n]
      expect(item).toMatchObject({
        id: want.id,
        url: link(want),
        title: want.title,
        summary: want.summary,
        date_published: want.published,
        date_modified: want.updated,
        authors: want.authors.map((name) => ({ name })),
      })
      expect(item?.tags ?? []).toEqual(want.tags)
      expect(item?.image).toBe(want.image)
      expect(item?.language).toBe(want.lang === 'de' ? undefined : want.lang)
      expect(item?.attachments).toEqual(
        want.enclosure ? [{ url: want.enclosure.url, mime_type: want.enclosure.type, size_in_bytes: want.enclosure.length, duration_in_seconds: 1805 }] : undefined,
      )
    })
  })

  it('gives the full HTML to every format, the same in each, with absolute URLs and nothing unsafe', () => {
    const html = json.items[3]?.content_html as string
    expect(html).toContain('<a href="https://www.example.de/wirtschaft/ohne-zone.html">den Vorgänger</a>')
    expect(html).toContain('<img src="https://www.example.de/media/kurve.png" alt="Kurve" />')
    expect(html).toContain('<a href="https://video.example.org/embed/1">Video</a>')
    expect(html).not.toMatch(/<script|javascript:|onclick|<iframe/i)
    // feedparser re-sanitises what it reads (attribute order changes), so compare the documents' own text.
    expect(rssXml).toContain(`<content:encoded><![CDATA[${html}]]></content:encoded>`)
    expect(atomXml).toContain(`<content type="html"><![CDATA[${html}]]></content>`)
    expect(rss.entries[3]?.content[0]?.value).toContain('href="https://www.example.de/wirtschaft/ohne-zone.html"')
  })

  it('leads the content with the article image, so readers that show the first image find it', () => {
    expect(json.items[1]?.content_html).toBe('<figure><img src="https://www.example.de/media/folge-7.jpg" alt=""></figure><p>Shownotes zur Folge.</p>')
  })

  it('states the language in every format, and the English article as English', () => {
    expect(rss.feed.language).toBe('de')
    expect(atom.feed.language).toBe('de')
    expect(json.language).toBe('de')
    expect(atomXml).toContain('<entry xml:lang="en">')
  })

  it('writes & and < of plain text as hexadecimal references (RSS Best Practices Profile)', () => {
    expect(rssXml).toContain('<title>Müller &#x26; Söhne: "Rekord" &#x3C;für&gt; den Mittelstand ]]&gt; AT&#x26;amp;T</title>')
    expect(rssXml).toContain('<category>x&#x3C;y</category>')
    expect(atomXml).toContain('<title type="text">Müller &#x26; Söhne: "Rekord" &#x3C;für&gt; den Mittelstand ]]&gt; AT&#x26;amp;T</title>')
  })

  it('dates the feed by its newest change, not by the clock', () => {
    expect(rssXml).toContain('<lastBuildDate>Tue, 02 Sep 2025 08:15:00 GMT</lastBuildDate>')
    expect(atom.feed.updated).toBe('2025-09-02T08:15:00Z')
  })

  it('links each feed to itself and to the site', () => {
    expect(rss.feed.links).toContainEqual({ rel: 'self', href: `${SITE}wirtschaft/feed.xml`, type: 'application/rss+xml' })
    expect(atom.feed.links).toContainEqual({ rel: 'self', href: `${SITE}wirtschaft/atom.xml`, type: 'application/atom+xml' })
    expect(json.feed_url).toBe(`${SITE}wirtschaft/feed.json`)
    expect(json.home_page_url).toBe(SITE)
    expect(rss.feed.link).toBe(SITE)
  })

  it('the three formats agree on every item', () => {
    const fromJson = json.items.map((item) => ({
      id: item.id,
      title: item.title,
      published: item.date_published,
      authors: (item.authors as { name: string }[]).map((a) => a.name),
      tags: item.tags ?? [],
    }))
    const fromXml = (feed: ParsedFeed) =>
      feed.entries.map((e) => ({ id: e.id, title: e.title?.value, published: e.published, authors: e.authors, tags: e.tags }))
    expect(fromXml(atom)).toEqual(fromJson)
    // RSS names the same people in one dc:creator.
    expect(fromXml(rss)).toEqual(fromJson.map((item) => ({ ...item, authors: [listInGerman(item.authors)] })))
  })
})
