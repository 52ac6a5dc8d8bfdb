/**
 * Issue #10, point 11: every value the article format accepts gives feeds
 * that consumers we did not write can read. The edges of each rule (the
 * years 0001 and 9999, offsets of ±14:00, 1000 hours, tag URIs, URNs and
 * URLs as their specs allow them, an image without pixels) go through the
 * whole pipeline and are read back by lxml's strict parser, feedparser, a
 * JSON Feed 1.1 schema and feedsmith.
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsonFeedSchemaErrors, readJsonFeed, readXmlFeeds, type ParsedFeed } from '../helpers/consumers.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'
import { testApp } from '../helpers/test-app.js'

const SITE = 'https://www.example.de/'
const FIXTURE_MEDIA = fileURLToPath(new URL('../fixtures/media', import.meta.url))
const SETTINGS = fileURLToPath(new URL('../fixtures/site.yaml', import.meta.url))
const NOW = new Date('2026-01-01T00:00:00Z')

/** What each article's front matter says, and what every format must carry of it, newest first. */
const EXPECTED = [
  { file: 'sekunden.md', id: 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66', published: '2025-06-01T06:00:00Z', updated: '2025-06-01T06:00:00Z', duration: 3600000 },
  { file: 'stunden.md', id: 'https://www.example.de/artikel?id=1#x', published: '2025-05-01T06:00:00Z', updated: '2025-05-01T06:00:00Z', duration: 3600000 },
  { file: 'west.md', id: 'urn:newsml:dpa.com:20090101:090101-99-00001:3', published: '2025-01-01T14:00:00Z', updated: '2025-01-01T14:00:00Z' },
  { file: 'ost.md', id: "tag:redaktion@example.de,2025-01-28:a/b?c=d;e'f#g", published: '2024-12-31T10:00:00Z', updated: '2024-12-31T10:00:00Z' },
  { file: 'anfang.md', id: 'tag:www.example.de,0001:wirtschaft/anfang', published: '0001-01-01T00:00:00Z', updated: '9999-12-31T23:59:59Z' },
]

let media: ReturnType<typeof makeTempDir>
const documents: Record<string, string> = {}

beforeAll(async () => {
  media = makeTempDir('accepted-values-')
  fs.cpSync(FIXTURE_MEDIA, media.dir, { recursive: true })
  // A GIF whose header says 0 × 16 px.
  media.write('leer.gif', Buffer.concat([Buffer.from('GIF89a'), Buffer.from([0, 0, 16, 0, 0, 0, 0, 0x3b])]))
  const episode = (duration: string, number: string) =>
    `{url: /media/folge-1.mp3, type: audio/mpeg, duration: ${duration}}\nepisode: ${number}\nimage: /media/leer.gif`
  const { app } = await testApp(
    {
      'anfang.md': articleText({ title: 'Anfang', date: '0001-01-01T00:00:00Z', updated: '9999-12-31T23:59:59Z', category: 'wirtschaft' }),
      'ost.md': articleText({ title: 'Ost', date: '2025-01-01T00:00:00+14:00', category: 'wirtschaft', id: `"${EXPECTED[3]?.id}"` }),
      'west.md': articleText({ title: 'West', date: '2025-01-01T00:00:00-14:00', category: 'wirtschaft', id: `"${EXPECTED[2]?.id}"` }),
      'stunden.md': articleText({ title: 'Stunden', date: '2025-05-01T06:00:00Z', category: 'wirtschaft', id: `"${EXPECTED[1]?.id}"`, enclosure: episode('"1000:00:00"', '1') }),
      'sekunden.md': articleText({ title: 'Sekunden', date: '2025-06-01T06:00:00Z', category: 'wirtschaft', id: EXPECTED[0]?.id as string, enclosure: episode('3600000', '2') }),
    },
    { MEDIA_DIR: media.dir, SITE_CONFIG: SETTINGS },
    NOW,
  )
  for (const document of ['feed.xml', 'atom.xml', 'feed.json', 'podcast.xml']) {
    documents[document] = await (await app.request(`/wirtschaft/${document}`)).text()
  }
})

afterAll(() => media.rm())

describe('values at the edges of the article format, read back by consumers', () => {
  it('gives RSS, Atom and the podcast feed that lxml parses strictly and feedparser reads without complaint', () => {
    const feeds = readXmlFeeds([
      { body: documents['feed.xml'] as string, contentType: 'application/rss+xml' },
      { body: documents['atom.xml'] as string, contentType: 'application/atom+xml' },
      { body: documents['podcast.xml'] as string, contentType: 'application/rss+xml' },
    ]) as [ParsedFeed, ParsedFeed, ParsedFeed]
    for (const feed of feeds) expect([feed.wellFormed, feed.xmlError, feed.bozo, feed.bozoException]).toEqual([true, undefined, false, null])
    const [rss, atom, podcast] = feeds
    expect(rss.entries.map((entry) => [entry.id, entry.published])).toEqual(EXPECTED.map((e) => [e.id, e.published]))
    expect(atom.entries.map((entry) => [entry.id, entry.published, entry.updated])).toEqual(EXPECTED.map((e) => [e.id, e.published, e.updated]))
    // The episodes under ids of their own: UUID v5 of the article's id (as Python's uuid.uuid5(NAMESPACE_URL, id) computes it).
    expect(podcast.entries.map((entry) => entry.id)).toEqual(['urn:uuid:1aeeb767-f578-5982-969e-bf5afb6fbd0c', 'urn:uuid:4fd33dde-a234-55c5-a13a-51141e727d72'])
  })

  it('writes the years 0001 and 9999 with four digits in RFC 822 and RFC 3339', () => {
    expect(documents['feed.xml']).toContain('<pubDate>Mon, 01 Jan 0001 00:00:00 GMT</pubDate>')
    expect(documents['atom.xml']).toContain('<published>0001-01-01T00:00:00.000Z</published>')
    expect(documents['atom.xml']).toContain('<updated>9999-12-31T23:59:59.000Z</updated>')
  })

  it('gives a JSON Feed that the schema accepts and feedsmith reads, with the same dates, ids and durations', () => {
    const text = documents['feed.json'] as string
    const json = JSON.parse(text) as { items: { id: string; date_published: string; date_modified: string; attachments?: { duration_in_seconds?: number }[] }[] }
    expect(jsonFeedSchemaErrors(json)).toEqual([])
    expect(readJsonFeed(text).items?.map((item) => item.id)).toEqual(EXPECTED.map((e) => e.id))
    expect(json.items.map((item) => [item.id, item.date_published, item.date_modified, item.attachments?.[0]?.duration_in_seconds])).toEqual(
      EXPECTED.map((e) => [e.id, e.published, e.updated, e.duration]),
    )
  })

  it('writes a playing time of 1000 hours as seconds, as Apple reads itunes:duration', () => {
    expect(documents['podcast.xml']?.match(/<itunes:duration>[^<]*<\/itunes:duration>/g)).toEqual([
      '<itunes:duration>3600000</itunes:duration>',
      '<itunes:duration>3600000</itunes:duration>',
    ])
  })

  it('leaves an image of no width out of every format, and never writes a size of 0', () => {
    for (const [name, body] of Object.entries(documents)) {
      expect([name, body.includes('leer.gif'), /(width|height)(="|": ?)0\b/.test(body)]).toEqual([name, false, false])
    }
  })
})
