/**
 * Importing /feeds.opml as a new user would, into real newsboat, rss2email
 * and sfeed (issue #11.1): one subscription per distinct feed, every article
 * once per subscription, no subscription that fails.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readXmlFeeds } from '../helpers/consumers.js'
import { newsboat, rss2email, sfeed, sfeedOpmlImport, startBundledSite } from '../helpers/real-clients.js'
import type { RunningServer } from '../helpers/server-process.js'
import { makeTempDir } from '../helpers/temp-dir.js'

let server: RunningServer
let temp: ReturnType<typeof makeTempDir>
let opmlFile: string
let opml: string
/** The two distinct feeds, and the ids each carries as feedparser reads them. */
let section: { url: string; ids: string[] }
let podcast: { url: string; ids: string[] }

beforeAll(async () => {
  server = await startBundledSite()
  temp = makeTempDir('opml-clients-')
  opml = await (await fetch(`${server.base}/feeds.opml`)).text()
  opmlFile = temp.write('feeds.opml', opml)
  const read = async (url: string) => ({ url, ids: readXmlFeeds([{ body: await (await fetch(url)).text(), contentType: 'application/rss+xml' }])[0]!.entries.map((e) => e.id as string) })
  section = await read(`${server.base}/wirtschaft/feed.xml`)
  podcast = await read(`${server.base}/wirtschaft/podcast.xml`)
}, 30_000)

afterAll(async () => {
  await server?.stop()
  temp?.rm()
})

const sorted = (values: readonly string[]) => [...values].sort()

describe('/feeds.opml in real feed readers', () => {
  it('holds real items to compare with: the section and the podcast episode', () => {
    expect(section.ids.length).toBeGreaterThanOrEqual(5)
    expect(podcast.ids.length).toBe(1)
  })

  it('newsboat: imports two subscriptions, the section and the podcast, and each keeps every item once', () => {
    const reader = newsboat(path.join(temp.dir, 'newsboat'))
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
    expect(guidsOf(podcast.url)).toEqual(podcast.ids)
  })

  it('rss2email: imports two subscriptions and mails each article once per subscription, with no failure', () => {
    const r2e = rss2email(path.join(temp.dir, 'rss2email'))
    r2e.importOpml(opmlFile)
    const result = r2e.run()
    expect(result.feeds).toEqual([section.url, podcast.url])
    expect(result.problems).toEqual([])
    const idsOf = (url: string) => result.messages.filter((message) => message.feed === url).map((message) => message.id)
    expect(sorted(idsOf(section.url))).toEqual(sorted(section.ids))
    // The podcast's episode is also an article: it may come once more, from its own subscription.
    expect(idsOf(podcast.url)).toEqual(podcast.ids)
    expect(result.messages).toHaveLength(section.ids.length + podcast.ids.length)
  })

  it('sfeed: sfeed_opml_import makes two feeds, and sfeed reads every item of each', async () => {
    const feeds = sfeedOpmlImport(temp.dir, opml)
    expect(feeds).toEqual([
      { name: 'Wirtschaft – Beispielzeitung', url: section.url },
      { name: 'Geldfragen – der Wirtschaftspodcast der Beispielzeitung (Podcast)', url: podcast.url },
    ])
    const idsOf = async (url: string) => sfeed(temp.dir, await (await fetch(url, { redirect: 'manual' })).text()).map((item) => item.id)
    expect(sorted(await idsOf(section.url))).toEqual(sorted(section.ids))
    expect(await idsOf(podcast.url)).toEqual(podcast.ids)
  })
})
