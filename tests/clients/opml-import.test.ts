/**
 * Importing /feeds.opml as a new user would, into real newsboat, rss2email
 * and sfeed (issue #11.1): one subscription per distinct feed, every article
 * once per subscription, no subscription that fails.
 */
import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { feedIds, newsboat, OWN_CONNECTION, rss2email, sfeed, sfeedOpmlImport, withBundledSite } from '../helpers/real-clients.js'

const site = withBundledSite('opml-clients-')
let opmlFile: string
let opml: string
/** The two distinct feeds, and the ids each carries as feedparser reads them. */
let section: { url: string; ids: string[] }
let podcast: { url: string; ids: string[] }

beforeAll(async () => {
  opml = await (await fetch(`${site.base()}/feeds.opml`, OWN_CONNECTION)).text()
  opmlFile = path.join(site.dir(), 'feeds.opml')
  fs.writeFileSync(opmlFile, opml)
  section = await feedIds(`${site.base()}/wirtschaft/feed.xml`)
  podcast = await feedIds(`${site.base()}/wirtschaft/podcast.xml`)
})

const sorted = (values: readonly string[]) => [...values].sort()

describe('/feeds.opml in real feed readers', () => {
  it('holds real items to compare with: the section and the podcast episodes', () => {
    expect(section.ids.length).toBeGreaterThanOrEqual(5)
    expect(podcast.ids.length).toBe(2)
  })

  it('newsboat: imports two subscriptions, the section and the podcast, and each keeps every item once', () => {
    const reader = newsboat(path.join(site.dir(), 'newsboat'))
    expect(reader.importOpml(opmlFile)).toEqual([section.url, podcast.url])
    const state = reader.reload()
    expect(state.errors).toBe('')
    expect(state.feeds).toEqual(
      new Map([
        [section.url, 'Wirtschaft – Beispielzeitung'],
        [podcast.url, 'Geldfragen – der Wirtschaftspodcast der Beispielzeitung'],
      ]),
    )
    const guidsOf = (url: string) => state.items.filter((item) => item.feedurl === url).map((item) => item.guid)
    expect(sorted(guidsOf(section.url))).toEqual(sorted(section.ids))
    expect(sorted(guidsOf(podcast.url))).toEqual(sorted(podcast.ids))
  })

  it('rss2email: imports two subscriptions and mails each article once per subscription, with no failure', () => {
    const r2e = rss2email(path.join(site.dir(), 'rss2email'))
    r2e.importOpml(opmlFile)
    const result = r2e.run()
    expect(result.feeds).toEqual([section.url, podcast.url])
    expect(result.problems).toEqual([])
    const idsOf = (url: string) => result.messages.filter((message) => message.feed === url).map((message) => message.id)
    expect(sorted(idsOf(section.url))).toEqual(sorted(section.ids))
    // The podcast's episodes are also articles: each may come once more, from its own subscription.
    expect(sorted(idsOf(podcast.url))).toEqual(sorted(podcast.ids))
    expect(result.messages).toHaveLength(section.ids.length + podcast.ids.length)
  })

  it('sfeed: sfeed_opml_import makes two feeds, and sfeed reads every item of each', async () => {
    const feeds = sfeedOpmlImport(site.dir(), opml)
    expect(feeds).toEqual([
      { name: 'Wirtschaft – Beispielzeitung', url: section.url },
      { name: 'Geldfragen – der Wirtschaftspodcast der Beispielzeitung (Podcast)', url: podcast.url },
    ])
    const idsOf = async (url: string) => sfeed(site.dir(), await (await fetch(url, { ...OWN_CONNECTION, redirect: 'manual' })).text()).map((item) => item.id)
    expect(sorted(await idsOf(section.url))).toEqual(sorted(section.ids))
    expect(sorted(await idsOf(podcast.url))).toEqual(sorted(podcast.ids))
  })
})
