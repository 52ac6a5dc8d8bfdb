/**
 * Plus articles in every public format (issue 13): a teaser marked Plus, the
 * podcast without plus episodes, their media withheld under /media/ and from
 * the static export.
 */
import fs from 'node:fs'
import path from 'node:path'
import { XMLParser } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Config } from '../../src/config.js'
import { exportSite } from '../../src/export.js'
import type { createApp } from '../../src/http/app.js'
import type { ContentStore } from '../../src/store/content-store.js'
import { makeTempDir } from '../helpers/temp-dir.js'
import { MARKER_CORE, plusConfig, plusCorpus, plusInstance, SITE } from './plus-corpus.js'

let corpus: ReturnType<typeof plusCorpus>
let config: Config
let app: ReturnType<typeof createApp>
let store: ContentStore
const get = async (url: string) => {
  const response = await app.request(url)
  return { status: response.status, text: await response.text() }
}
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' })
const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value])

beforeAll(async () => {
  corpus = plusCorpus()
  config = plusConfig(corpus, { FEED_LIMIT: '10' })
  ;({ app, store } = await plusInstance(config))
})
afterAll(() => corpus.rm())

describe('a plus article in the public feeds', () => {
  it('is an RSS item with the Plus category, its summary and the teaser line, and no audio', async () => {
    const rss = xml.parse((await get('/wirtschaft/feed.xml')).text)
    const items = list(rss.rss.channel.item) as Record<string, unknown>[]
    const plus = items.find((item) => item.title === 'Plus: Was die Zinswende für Sparer heißt')
    expect(plus?.category).toEqual(['Plus', 'Zinsen', 'Geheimthema'])
    expect(plus?.description).toBe('Sparer bekommen wieder Zinsen – aber nicht überall gleich viel.')
    expect(String(plus?.['content:encoded'])).toContain('<em>Plus-Artikel:</em> Den ganzen Text lesen Abonnentinnen und Abonnenten auf der <a href="https://www.example.de/wirtschaft/plus-text.html">Artikelseite</a>.')
    const episode = items.find((item) => item.title === 'Plus-Folge 1: Geld im Alter')
    expect(episode?.category).toEqual(['Plus', 'Podcast', 'Rente'])
    expect(episode?.enclosure).toBeUndefined()
    const free = items.find((item) => item.title === 'Freie Folge')
    expect(free?.category).toBe('Podcast')
    expect((free?.enclosure as { url: string }).url).toBe(`${SITE}media/freie-folge.mp3`)
  })

  it('is an Atom entry with the Plus category and a JSON Feed item with the Plus tag', async () => {
    const atom = xml.parse((await get('/wirtschaft/atom.xml')).text)
    const entry = (list(atom.feed.entry) as { title: unknown; category: { term: string }[]; link: unknown }[]).find((e) => JSON.stringify(e.title).includes('Zinswende'))
    expect(entry?.category.map((c) => c.term)).toEqual(['Plus', 'Zinsen', 'Geheimthema'])
    const json = JSON.parse((await get('/wirtschaft/feed.json')).text) as { items: { title: string; tags?: string[]; attachments?: unknown; summary: string }[] }
    const item = json.items.find((i) => i.title === 'Plus-Folge 1: Geld im Alter')
    expect(item?.tags).toEqual(['Plus', 'Podcast', 'Rente'])
    expect(item?.summary).toBe('Paul Lindner spricht über die Rente.')
    expect(item?.attachments).toBeUndefined()
  })

  it('is what ?tag=Plus finds, in any case, and nothing else', async () => {
    for (const query of ['tag=Plus', 'tag=plus']) {
      const json = JSON.parse((await get(`/wirtschaft/feed.json?${query}`)).text) as { items: { title: string }[] }
      expect(json.items.map((i) => i.title)).toEqual(['Plus-Folge 2: Erben und Schenken', 'Plus-Folge 1: Geld im Alter', 'Plus: Was die Zinswende für Sparer heißt'])
    }
  })
})

describe('a plus article\'s page', () => {
  it('says Plus-Artikel, shows the summary and a call to subscribe, and tells search engines it is not free', async () => {
    const { status, text } = await get('/wirtschaft/plus-text.html')
    expect(status).toBe(200)
    expect(text).toContain('<p class="plus"><strong>Plus-Artikel</strong> · Den ganzen Text lesen Abonnentinnen und Abonnenten. <a href="https://www.example.de/abo">Jetzt abonnieren</a></p>')
    expect(text).toContain('<p class="summary">Sparer bekommen wieder Zinsen – aber nicht überall gleich viel.</p>')
    expect(text).toContain('"isAccessibleForFree":false')
    expect(text).toContain('<meta property="article:tag" content="Plus"/>')
    expect(text).toContain('<p class="tags">Themen: Plus, Zinsen, Geheimthema</p>')
    expect(text).not.toContain(MARKER_CORE)
    const free = await get('/wirtschaft/frei-1.html')
    expect(free.text).toContain('"isAccessibleForFree":true')
    expect(free.text).not.toContain('Plus-Artikel')
  })

  it('of an episode has no player and no download link', async () => {
    const { text } = await get('/wirtschaft/plus-folge-1.html')
    expect(text).not.toContain('<audio')
    expect(text).not.toContain('plus-folge-1.mp3')
    expect(text).toContain('Plus-Artikel')
  })

  it('is marked Plus on the index', async () => {
    const { text } = await get('/')
    expect(text).toContain('<h2><span class="plus">Plus</span> <a href="https://www.example.de/wirtschaft/plus-text.html">Plus: Was die Zinswende für Sparer heißt</a></h2>')
    expect(text).toContain('<h2><a href="https://www.example.de/wirtschaft/frei-1.html">Freier Artikel eins</a></h2>')
  })
})

describe('the public podcast and media', () => {
  it('leaves plus episodes out of the podcast feed (Apple requires a playable enclosure on every item)', async () => {
    const podcast = xml.parse((await get('/wirtschaft/podcast.xml')).text)
    const titles = (list(podcast.rss.channel.item) as { title: string }[]).map((item) => item.title)
    expect(titles).toContain('Freie Folge')
    expect(titles.filter((title) => title.startsWith('Plus'))).toEqual([])
  })

  it('answers 404 for a plus episode\'s audio, transcript file, chapters and transcript page, and 200 for the free one\'s', async () => {
    for (const url of ['/media/plus-folge-1.mp3', '/media/PLUS-folge-1.mp3', '/media/plus-folge-1.vtt', '/media/plus-folge-2.mp3', '/media/plus%2Dfolge%2D1.mp3', '/media/plus/ungenannt.mp3', '/wirtschaft/plus-folge-1/kapitel.json', '/wirtschaft/plus-folge-2/transkript.html']) {
      expect([url, (await get(url)).status]).toEqual([url, 404])
    }
    for (const url of ['/media/freie-folge.mp3', '/wirtschaft/freie-folge/kapitel.json', '/wirtschaft/freie-folge/transkript.html', '/media/werkhalle-mittelstand.jpg']) {
      expect([url, (await get(url)).status]).toEqual([url, 200])
    }
  })

  it('keeps plus media, chapters and transcript pages out of the static export', async () => {
    const out = makeTempDir('plus-export-')
    try {
      await exportSite(store, 'wirtschaft', out.dir, config.mediaDir)
      const exists = (file: string) => fs.existsSync(path.join(out.dir, file))
      expect(['media/plus-folge-1.mp3', 'media/plus/ungenannt.mp3', 'media/plus-folge-1.vtt', 'media/plus-folge-2.mp3', 'wirtschaft/plus-folge-1/kapitel.json', 'wirtschaft/plus-folge-2/transkript.html'].filter(exists)).toEqual([])
      expect(['media/freie-folge.mp3', 'wirtschaft/freie-folge/kapitel.json', 'wirtschaft/plus-text.html', 'wirtschaft/plus-folge-1.html'].filter(exists)).toHaveLength(4)
    } finally {
      out.rm()
    }
  })
})
