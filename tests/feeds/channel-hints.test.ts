/**
 * Channel branding and update hints from site.yaml: Feedly's webfeeds:
 * elements and RSS ttl / sy: update hints, read back by rss-parser (npm) and
 * by namespace with @xmldom/xmldom; Atom logo and icon, JSON Feed icon and
 * favicon from the same settings.
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { DOMParser } from '@xmldom/xmldom'
import Parser from 'rss-parser'
import { describe, expect, it } from 'vitest'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'
import { testApp } from '../helpers/test-app.js'

const SITE = 'https://www.example.de/'
const MEDIA = fileURLToPath(new URL('../fixtures/media', import.meta.url))
const WEBFEEDS = 'http://webfeeds.org/rss/1.0'
const SY = 'http://purl.org/rss/1.0/modules/syndication/'

const FEEDLY_FIELDS = ['ttl', 'sy:updatePeriod', 'sy:updateFrequency', 'webfeeds:icon', 'webfeeds:logo', 'webfeeds:cover', 'webfeeds:accentColor']

async function appWith(settings: string) {
  const dir = makeTempDir('site-yaml-')
  try {
    const file = dir.write('site.yaml', settings)
    return await testApp(
      { 'a.md': articleText({ title: 'A', date: '2025-06-01T06:00:00Z', category: 'wirtschaft', enclosure: '{url: /media/folge-1.mp3, type: audio/mpeg, duration: 60}' }) },
      { SITE_CONFIG: file, MEDIA_DIR: MEDIA },
    )
  } finally {
    dir.rm()
  }
}

/** The fixtures' site.yaml (images, a podcast, authors), with what a test adds. */
const FIXTURE_SETTINGS = fs.readFileSync(fileURLToPath(new URL('../fixtures/site.yaml', import.meta.url)), 'utf8')

describe('RSS branding and update hints', () => {
  it('writes Feedly’s icon, logo, cover and accent colour, and ttl with sy: hints, from site.yaml', async () => {
    const { app } = await appWith(`${FIXTURE_SETTINGS}
feedly:
  icon: /media/cover.jpg
  logo: https://cdn.example.org/logo.svg
  cover: /media/bild.jpg
  accent_color: "#0b4f8a"
updates: { period: daily, frequency: 4 }
`)
    for (const path of ['/wirtschaft/feed.xml', '/wirtschaft/podcast.xml']) {
      const xml = await (await app.request(path)).text()
      const feed = await new Parser({ customFields: { feed: FEEDLY_FIELDS as never[] } }).parseString(xml)
      expect(FEEDLY_FIELDS.map((field) => (feed as Record<string, unknown>)[field]), path).toEqual([
        '360',
        'daily',
        '4',
        `${SITE}media/cover.jpg`,
        'https://cdn.example.org/logo.svg',
        // rss-parser keeps an empty element's attributes.
        { $: { image: `${SITE}media/bild.jpg` } },
        '0B4F8A',
      ])
      const channel = new DOMParser().parseFromString(xml, 'text/xml').getElementsByTagName('channel')[0]
      expect(channel?.getElementsByTagNameNS(WEBFEEDS, 'accentColor')[0]?.textContent, path).toBe('0B4F8A')
      expect(channel?.getElementsByTagNameNS(SY, 'updatePeriod')[0]?.textContent, path).toBe('daily')
    }
    const atom = await (await app.request('/wirtschaft/atom.xml')).text()
    expect(atom).toContain(`<icon>${SITE}media/autoren/anna.png</icon>`)
    expect(atom).toContain(`<logo>${SITE}media/cover.jpg</logo>`)
    const json = (await (await app.request('/wirtschaft/feed.json')).json()) as { icon: string; favicon: string }
    expect([json.icon, json.favicon]).toEqual([`${SITE}media/cover.jpg`, `${SITE}media/autoren/anna.png`])
  })

  it('says hourly by default, and writes no webfeeds: namespace without Feedly settings', async () => {
    const { app } = await appWith('images: { icon: /media/cover.jpg }\n')
    const xml = await (await app.request('/wirtschaft/feed.xml')).text()
    const feed = await new Parser({ customFields: { feed: FEEDLY_FIELDS as never[] } }).parseString(xml)
    expect(FEEDLY_FIELDS.map((field) => (feed as Record<string, unknown>)[field])).toEqual(['60', 'hourly', '1', undefined, undefined, undefined, undefined])
    expect(xml).not.toContain(WEBFEEDS)
  })
})
