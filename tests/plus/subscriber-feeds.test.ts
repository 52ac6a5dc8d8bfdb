import fs from 'node:fs'
import path from 'node:path'
import { DOMParser, type Element } from '@xmldom/xmldom'
import { parseFeed } from 'podcast-partytime'
import { afterEach, describe, expect, it } from 'vitest'
import { APPLE_MEDIA_TYPES } from '../../src/feeds/podcast-rules.js'
import { PLUS_AUDIO, plusInstance, type PlusInstance } from '../helpers/plus-instance.js'

const running: PlusInstance[] = []
afterEach(() => {
  for (const instance of running.splice(0)) instance.close()
})

const parse = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml')
const ITUNES = 'http://www.itunes.com/dtds/podcast-1.0.dtd'
/** The itunes: elements of the channel, by name, and of every item. */
function itunesNames(parent: Element): string[] {
  return [...new Set(Array.from(parent.childNodes).filter((node): node is Element => node.nodeType === 1 && (node as Element).namespaceURI === ITUNES).map((node) => node.localName ?? ""))].sort()
}

describe('the subscribers\' podcast', () => {
  it('meets the Apple rules the public podcast meets: the same itunes: channel and item elements, a playable enclosure on every episode', async () => {
    const site = await plusInstance()
    running.push(site)
    const token = site.token('abo-4711')
    const subscriber = await (await site.app.request(`/wirtschaft/plus/${token}/podcast.xml`)).text()
    const open = await (await site.app.request('/wirtschaft/podcast.xml')).text()
    const [mine, theirs] = [parse(subscriber), parse(open)]
    const channel = (doc: ReturnType<typeof parse>) => doc.getElementsByTagName('channel')[0] as Element
    // And itunes:block: a private feed an app submits to a directory must not be listed there (nor podcast:block's).
    expect(itunesNames(channel(mine))).toEqual([...itunesNames(channel(theirs)), 'block'].sort())
    expect(subscriber).toContain('<itunes:block>Yes</itunes:block>')
    expect(subscriber).toContain('<podcast:block>yes</podcast:block>')
    expect([open.includes('itunes:block'), open.includes('podcast:block')]).toEqual([false, false])
    const items = Array.from(mine.getElementsByTagName('item'))
    const publicItems = Array.from(theirs.getElementsByTagName('item'))
    // Every public episode, and the plus episodes besides (the bundled one and the test's).
    const plusEpisodes = site.store.site().plan.section.filter((article) => article.access === 'plus' && article.enclosure !== undefined)
    expect(plusEpisodes.length).toBe(2)
    expect(items.length).toBe(publicItems.length + 2)
    for (const item of items) {
      const enclosure = item.getElementsByTagName('enclosure')[0]
      expect(APPLE_MEDIA_TYPES.has(enclosure?.getAttribute('type') ?? '')).toBe(true)
      expect(Number(enclosure?.getAttribute('length'))).toBeGreaterThan(0)
      expect(itunesNames(item)).toEqual(itunesNames(publicItems[0]!))
    }
    const feed = parseFeed(subscriber)
    expect(feed?.items.map((episode) => episode.enclosure?.url)[0]).toBe(`https://www.example.de/wirtschaft/plus/${token}/media/${PLUS_AUDIO}`)
    expect(feed?.title).toBe('Geldfragen – der Wirtschaftspodcast der Beispielzeitung (Plus)')
  })
})

describe('SubscriberFeeds', () => {
  it('renders the documents again when a plus body changes, once for all subscribers', async () => {
    const site = await plusInstance()
    running.push(site)
    const before = site.plus!.feeds.document('rss')
    const file = path.join(site.config.articlesDir, 'plus-analyse-mittelstand.md')
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('Erster Absatz der Analyse.', 'Neuer Absatz, nur für Abonnenten.'))
    await site.store.applyChanges(['plus-analyse-mittelstand.md'])
    await site.plus!.feeds.settled()
    const after = site.plus!.feeds.document('rss')
    expect(after).not.toBe(before)
    expect(after?.etag).not.toBe(before?.etag)
    const body = await (await site.app.request(`/wirtschaft/plus/${site.token('abo-1')}/feed.xml`)).text()
    expect(body).toContain('Neuer Absatz, nur für Abonnenten.')
    expect(body).not.toContain('Erster Absatz der Analyse.')
  })

  it('keeps its documents when a change shows nothing new in them', async () => {
    const site = await plusInstance()
    running.push(site)
    const before = site.plus!.feeds.document('atom')
    await site.store.rebuild()
    await site.plus!.feeds.settled()
    expect(site.plus!.feeds.document('atom')).toBe(before)
  })
})
