/**
 * The pages a browser's top-level navigation to a feed gets (#11, points 6
 * and 7), read back with htmlparser2 and css-select-free DOM walks.
 */
import { parseDocument } from 'htmlparser2'
import { findAll, findOne, getAttributeValue, textContent } from 'domutils'
import type { Element } from 'domhandler'
import { beforeAll, describe, expect, it } from 'vitest'
import { podcastAppLinks } from '../../src/site/feed-pages.js'
import { bundledSite } from '../helpers/bundled-site.js'

const SITE = 'https://www.example.de/'
const NAVIGATION = { 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate' }

let site: Awaited<ReturnType<typeof bundledSite>>

beforeAll(async () => {
  site = await bundledSite(SITE, new Date('2026-12-01T09:00:00Z'))
})

async function page(path: string) {
  const response = await site.app.request(path, { headers: NAVIGATION })
  expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
  const document = parseDocument(await response.text())
  const all = (test: (e: Element) => boolean) => findAll(test, document.children)
  const one = (test: (e: Element) => boolean) => findOne(test, document.children) as Element
  return { all, one }
}
const tag = (name: string, className?: string) => (e: Element) => e.name === name && (className === undefined || (getAttributeValue(e, 'class') ?? '').split(' ').includes(className))
const text = (e: Element | null) => (e ? textContent(e).replace(/\s+/g, ' ').trim() : null)

describe('the page of a section feed', () => {
  it.each([
    ['/wirtschaft/feed.xml', 'RSS 2.0'],
    ['/wirtschaft/atom.xml', 'Atom 1.0'],
    ['/wirtschaft/feed.json', 'JSON Feed 1.1'],
  ])('%s: title, how to subscribe with its own address, and every item with a link, a German date and every author', async (path, format) => {
    const { all, one } = await page(path)
    expect(text(one(tag('h1')))).toBe('Wirtschaft – Beispielzeitung')
    expect(text(one(tag('section', 'subscribe')))).toContain(`Dies ist ein Newsfeed (${format}).`)
    expect(text(one(tag('code')))).toBe(`${SITE}${path.slice(1)}`)
    const items = all(tag('li')).filter((li) => li.parent && getAttributeValue(li.parent as Element, 'class') === 'articles')
    expect(items.map((li) => getAttributeValue(findOne(tag('a'), li.children) as Element, 'href'))).toEqual([
      `${SITE}politik/schuldenbremse.html`,
      `${SITE}wirtschaft/bahn-tarifeinigung.html`,
      // The two plus articles (issue 13), as teasers.
      `${SITE}wirtschaft/podcast-geldfragen-14.html`,
      `${SITE}wirtschaft/baufinanzierung-zinsbindung.html`,
      `${SITE}wirtschaft/digitaler-euro.html`,
      `${SITE}wirtschaft/podcast-geldfragen-13.html`,
      `${SITE}wirtschaft/podcast-geldfragen-12.html`,
      `${SITE}wirtschaft/mittelstand-energiepreise.html`,
      `${SITE}wirtschaft/wohnungsbau-genehmigungen.html`,
      `${SITE}wirtschaft/ezb-zinsentscheid.html`,
      `${SITE}wirtschaft/halbleiter-lieferzeiten.html`,
      `${SITE}wirtschaft/deepseek-kostenschock.html`,
    ])
    const bylines = items.map((li) => text(findOne(tag('p', 'byline'), li.children)))
    expect(bylines[7]).toBe('17. September 2025 um 06:00 Uhr · von Jonas Albrecht, Miriam Okafor')
    expect(bylines[11]).toBe('28. Januar 2025 um 09:30 Uhr · von Jonas Albrecht')
    expect(bylines.every((line) => /^\d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4} um \d\d:\d\d Uhr/.test(line ?? ''))).toBe(true)
  })
})

describe('the podcast feed’s page', () => {
  it('shows the show: cover, title, description', async () => {
    const { one } = await page('/wirtschaft/podcast.xml')
    expect(getAttributeValue(one(tag('img', 'cover')), 'src')).toBe(`${SITE}media/podcast-geldfragen.jpg`)
    expect(text(one(tag('h1')))).toBe('Geldfragen – der Wirtschaftspodcast der Beispielzeitung')
    expect(text(one(tag('p', 'description')))).toBe(
      'Kosten, Zinsen, Geldanlage: Die Wirtschaftsredaktion der Beispielzeitung erklärt in kurzen Folgen, was hinter den Nachrichten steckt.',
    )
  })

  it('says how to subscribe in Apple Podcasts, Pocket Casts, AntennaPod and gPodder, with the feed URL and each app’s link', async () => {
    const { one } = await page('/wirtschaft/podcast.xml')
    const subscribe = one(tag('section', 'subscribe'))
    expect(text(findOne(tag('code'), subscribe.children) as Element)).toBe(`${SITE}wirtschaft/podcast.xml`)
    const apps = findAll(tag('li'), subscribe.children)
    expect(apps.map((li) => text(findOne(tag('strong'), li.children) as Element))).toEqual(['Apple Podcasts', 'Pocket Casts', 'AntennaPod', 'gPodder'])
    expect(apps.map((li) => findAll(tag('a'), li.children).map((a) => getAttributeValue(a, 'href')))).toEqual([
      ['podcast://www.example.de/wirtschaft/podcast.xml'],
      ['pktc://subscribe/www.example.de/wirtschaft/podcast.xml'],
      ['https://antennapod.org/deeplink/subscribe?url=https%3A%2F%2Fwww.example.de%2Fwirtschaft%2Fpodcast.xml&title=Geldfragen+%E2%80%93+der+Wirtschaftspodcast+der+Beispielzeitung'],
      [],
    ])
    expect(text(apps[3] as Element)).toBe('gPodder: „Abonnements“ › „Podcast über URL hinzufügen“ wählen und die Adresse einfügen.')
  })

  it('has a player and a download link for every episode of the feed', async () => {
    const feed = await (await site.app.request('/wirtschaft/podcast.xml')).text()
    const enclosures = [...feed.matchAll(/<enclosure [^>]*url="([^"]+)"/g)].map((m) => m[1])
    expect(enclosures).toEqual([`${SITE}media/geldfragen-folge-13.mp3`, `${SITE}media/geldfragen-folge-12.mp3`])
    const { all } = await page('/wirtschaft/podcast.xml')
    const episodes = all(tag('li')).filter((li) => li.parent && getAttributeValue(li.parent as Element, 'class') === 'episodes')
    expect(episodes).toHaveLength(enclosures.length)
    episodes.forEach((episode, index) => {
      expect(getAttributeValue(findOne(tag('audio'), episode.children) as Element, 'src')).toBe(enclosures[index])
      const download = findOne((e) => e.name === 'a' && e.attribs.download !== undefined, episode.children) as Element
      expect([getAttributeValue(download, 'href'), text(download)]).toEqual([enclosures[index], 'Folge herunterladen'])
    })
    expect(text(episodes[1] as Element)).toContain('2. Oktober 2025 um 05:00 Uhr · Folge 12 · von Paul Lindner')
    expect(text(episodes[1] as Element)).toContain('Folge herunterladen (MP3, 0:12 Min., 0,1 MB)')
  })
})

describe('podcastAppLinks', () => {
  it('writes each app’s subscribe link for a feed URL, the title percent-encoded for AntennaPod', () => {
    expect(podcastAppLinks('https://www.example.de/wirtschaft/podcast.xml', 'Zinsen & Zölle')).toEqual({
      apple: 'podcast://www.example.de/wirtschaft/podcast.xml',
      pocketCasts: 'pktc://subscribe/www.example.de/wirtschaft/podcast.xml',
      antennaPod: 'https://antennapod.org/deeplink/subscribe?url=https%3A%2F%2Fwww.example.de%2Fwirtschaft%2Fpodcast.xml&title=Zinsen+%26+Z%C3%B6lle',
    })
  })
})
