/**
 * Podcasting 2.0 in the podcast feed, read back by the Podcast Index's own
 * parser (podcast-partytime): transcripts, chapters (a JSON Chapters
 * document checked against the vendored schema), people, season, funding,
 * medium and update frequency. The bundled episode is read from the
 * repository's own articles, media and site.yaml.
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { DOMParser, type Element } from '@xmldom/xmldom'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { parseFeed, type Episode, type FeedObject } from 'podcast-partytime'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createApp } from '../../src/http/app.js'
import { ContentStore } from '../../src/store/content-store.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'
import { testApp } from '../helpers/test-app.js'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const SITE = 'https://www.example.de/'
const NOW = new Date('2026-06-01T00:00:00Z')
const EPISODE = `${SITE}wirtschaft/podcast-geldfragen-13`

const chaptersSchema = JSON.parse(fs.readFileSync(new URL('../fixtures/json-chapters-1.2.schema.json', import.meta.url), 'utf8')) as object
const validateChapters = new Ajv2020({ allErrors: true, strict: true }).compile(chaptersSchema)

let bundled: ReturnType<typeof createApp>
let feed: FeedObject
let episode: Episode
let podcastXml: string

beforeAll(async () => {
  const config = loadConfig(
    { SITE_URL: SITE, ARTICLES_DIR: 'articles', MEDIA_DIR: 'media', SITE_CONFIG: 'site.yaml' },
    [],
    REPO,
    (file) => fs.readFileSync(file, 'utf8'),
  )
  const store = new ContentStore({ config, clock: () => NOW, logger: { info: () => {}, warn: () => {} } })
  await store.load()
  store.close()
  bundled = createApp({ config, store, now: () => NOW.getTime() })
  podcastXml = await (await bundled.request('/wirtschaft/podcast.xml')).text()
  feed = parseFeed(podcastXml) as FeedObject
  episode = feed.items.find((item) => item.itunesEpisode === 13) as Episode
})

describe('the bundled Podcasting 2.0 episode, read by podcast-partytime', () => {
  it('is in the podcast feed, newest first', () => {
    expect(feed.items.map((item) => [item.title, item.itunesEpisode])).toEqual([
      ['Geldfragen, Folge 13: Tagesgeld, Festgeld oder Anleihe?', 13],
      ['Geldfragen, Folge 12: Lohnt sich der ETF-Sparplan noch?', 12],
    ])
  })

  it('carries medium and funding on the channel', () => {
    expect(feed.medium).toBe('podcast')
    expect(feed.podcastFunding).toEqual([{ url: 'https://www.example.de/abo', message: 'Unabhängigen Wirtschaftsjournalismus unterstützen' }])
  })

  it('carries the transcript with its type and language', () => {
    expect(episode.podcastTranscripts).toEqual([{ url: `${SITE}media/geldfragen-folge-13.vtt`, type: 'text/vtt', language: 'de' }])
  })

  it('carries the chapters document, the season and a person for each author', () => {
    expect(episode.podcastChapters).toEqual({ url: `${EPISODE}/kapitel.json`, type: 'application/json+chapters' })
    expect(episode.podcastSeason).toEqual({ number: 2 })
    expect(episode.podcastPeople).toEqual([
      { name: 'Paul Lindner', role: 'Host', group: 'Cast', href: 'https://www.example.de/autoren/paul-lindner', img: `${SITE}media/autoren/paul-lindner.png` },
      { name: 'Miriam Okafor', role: 'Guest', group: 'Cast', href: 'https://www.example.de/autoren/miriam-okafor', img: `${SITE}media/autoren/miriam-okafor.png` },
    ])
  })

  it('states the update frequency as an RFC 5545 rule and text', () => {
    const doc = new DOMParser().parseFromString(podcastXml, 'text/xml')
    const found = Array.from(doc.getElementsByTagName('podcast:updateFrequency')) as Element[]
    expect(found.map((element) => [element.parentNode?.nodeName, element.getAttribute('rrule'), element.textContent])).toEqual([
      ['channel', 'FREQ=WEEKLY;INTERVAL=4;BYDAY=TH', 'Alle vier Wochen donnerstags'],
    ])
  })
})

describe('the documents an episode links to', () => {
  it('serves the chapters as JSON Chapters 1.2.0, valid against the Podcast Index format, with ETag and 304', async () => {
    const response = await bundled.request('/wirtschaft/podcast-geldfragen-13/kapitel.json')
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('application/json+chapters; charset=utf-8')
    const etag = response.headers.get('ETag')
    expect(etag).toMatch(/^"[\w-]+"$/)
    expect(response.headers.get('Cache-Control')).toBe((await bundled.request('/wirtschaft/podcast.xml')).headers.get('Cache-Control'))
    const document = (await response.json()) as { chapters: { startTime: number }[] }
    expect(validateChapters(document), JSON.stringify(validateChapters.errors)).toBe(true)
    expect(document).toEqual({
      version: '1.2.0',
      title: 'Geldfragen, Folge 13: Tagesgeld, Festgeld oder Anleihe?',
      podcastName: 'Geldfragen – der Wirtschaftspodcast der Beispielzeitung',
      author: 'Paul Lindner und Miriam Okafor',
      chapters: [
        { startTime: 0, title: 'Begrüßung' },
        { startTime: 4, title: 'Tagesgeld: jederzeit verfügbar', url: `${SITE}wirtschaft/ezb-zinsentscheid.html` },
        { startTime: 8, title: 'Festgeld und Anleihen: Zins gegen Bindung' },
        { startTime: 12, title: 'Unser Rat' },
      ],
    })
    // The same German list as the item's dc:creator in RSS (listInGerman).
    expect(await (await bundled.request('/wirtschaft/feed.xml')).text()).toContain('<dc:creator>Paul Lindner und Miriam Okafor</dc:creator>')
    const again = await bundled.request('/wirtschaft/podcast-geldfragen-13/kapitel.json', { headers: { 'If-None-Match': etag as string } })
    expect(again.status).toBe(304)
  })

  it('uses a schema that can fail: a chapter without startTime is refused', () => {
    expect(validateChapters({ version: '1.2.0', chapters: [{ title: 'Ohne Start' }] })).toBe(false)
  })

  it('serves the WebVTT transcript from /media/ as text/vtt', async () => {
    const response = await bundled.request('/media/geldfragen-folge-13.vtt')
    expect(response.headers.get('Content-Type')).toBe('text/vtt; charset=utf-8')
    expect((await response.text()).split('\n')[0]).toBe('WEBVTT')
  })
})

describe('transcripts of other kinds', () => {
  let harness: Awaited<ReturnType<typeof testApp>>
  beforeAll(async () => {
    const settings = fileURLToPath(new URL('../fixtures/site.yaml', import.meta.url))
    const media = fileURLToPath(new URL('../fixtures/media', import.meta.url))
    const episodes: [file: string, fields: Record<string, string>, body?: string][] = [
      ['folge-1.md', { title: 'Folge 1', date: '2025-05-01T06:00:00Z', lang: 'de-AT', author: 'Bernd Ohneprofil', transcript: 'article',
        enclosure: '{url: /media/folge-1.mp3, duration: 1805}' }, 'Das **gesamte** Gespräch zum Nachlesen.\n'],
      ['folge-2.md', { title: 'Folge 2', date: '2025-06-01T06:00:00Z', transcript: '/media/folge-2.srt', enclosure: '{url: /media/folge-2.m4a, length: 2000}' }],
    ]
    harness = await testApp(
      Object.fromEntries(episodes.map(([file, fields, body]) => [file, articleText({ category: 'wirtschaft', ...fields }, body)])),
      { MEDIA_DIR: media, SITE_CONFIG: settings },
    )
  })

  it('publishes the article text as an HTML transcript at its own URL, in the article\'s language', async () => {
    const parsed = parseFeed(await (await harness.app.request('/wirtschaft/podcast.xml')).text()) as FeedObject
    const [second, first] = parsed.items as [Episode, Episode]
    expect(first.podcastTranscripts).toEqual([{ url: `${SITE}wirtschaft/folge-1/transkript.html`, type: 'text/html', language: 'de-AT' }])
    expect(second.podcastTranscripts).toEqual([{ url: `${SITE}media/folge-2.srt`, type: 'application/srt', language: 'de' }])
    // A byline without a profile is a person with a name only, as host.
    expect(first.podcastPeople).toEqual([{ name: 'Bernd Ohneprofil', role: 'Host', group: 'Cast' }])
    const page = await harness.app.request('/wirtschaft/folge-1/transkript.html')
    expect(page.status).toBe(200)
    expect(page.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
    const html = await page.text()
    expect(html).toContain('<html lang="de-AT">')
    expect(html).toContain('<title>Transkript: Folge 1 – ')
    expect(html).toContain('<p>Das <strong>gesamte</strong> Gespräch zum Nachlesen.</p>')
    expect(html).toContain(`<a href="${SITE}wirtschaft/folge-1.html">`)
  })

  it('writes the SRT type as the namespace names it today: application/x-subrip', async () => {
    const xml = await (await harness.app.request('/wirtschaft/podcast.xml')).text()
    expect(xml).toContain(`<podcast:transcript url="${SITE}media/folge-2.srt" type="application/x-subrip" language="de"/>`)
  })

  it('serves transcript files from /media/: WebVTT as text/vtt, SRT as application/x-subrip', async () => {
    const media = makeTempDir('transcripts-')
    try {
      media.write('folge.vtt', 'WEBVTT\n\n00:00.000 --> 00:02.000\nHallo.\n')
      media.write('folge.srt', '1\n00:00:00,000 --> 00:00:02,000\nHallo.\n')
      const { app } = await testApp({}, { MEDIA_DIR: media.dir })
      const types = await Promise.all(['vtt', 'srt'].map(async (kind) => (await app.request(`/media/folge.${kind}`)).headers.get('Content-Type')))
      expect(types).toEqual(['text/vtt; charset=utf-8', 'application/x-subrip'])
    } finally {
      media.rm()
    }
  })

  it('has no chapters document or transcript page for an episode without them', async () => {
    expect((await harness.app.request('/wirtschaft/folge-2/kapitel.json')).status).toBe(404)
    expect((await harness.app.request('/wirtschaft/folge-2/transkript.html')).status).toBe(404)
  })
})
