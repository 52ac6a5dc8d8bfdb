/**
 * The podcast and the section feed in one newsboat (issue #11.2): newsboat
 * keys items by guid across all subscriptions, so an episode that carried
 * its article's id left one of the two feeds without it.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readXmlFeeds } from '../helpers/consumers.js'
import { newsboat, startBundledSite } from '../helpers/real-clients.js'
import type { RunningServer } from '../helpers/server-process.js'
import { makeTempDir } from '../helpers/temp-dir.js'

let server: RunningServer
let temp: ReturnType<typeof makeTempDir>
let section: { url: string; ids: string[] }
let podcast: { url: string; ids: string[] }

beforeAll(async () => {
  server = await startBundledSite()
  temp = makeTempDir('podcast-ids-')
  const read = async (url: string) => ({ url, ids: readXmlFeeds([{ body: await (await fetch(url)).text(), contentType: 'application/rss+xml' }])[0]!.entries.map((e) => e.id as string) })
  section = await read(`${server.base}/wirtschaft/feed.xml`)
  podcast = await read(`${server.base}/wirtschaft/podcast.xml`)
}, 30_000)

afterAll(async () => {
  await server?.stop()
  temp?.rm()
})

describe('newsboat subscribed to the section feed and the podcast', () => {
  it('has an episode that is also an article of the section, under another id', () => {
    expect(podcast.ids).toEqual(['urn:uuid:2e4e5407-6dcc-50d2-8847-e1777b33348c'])
    expect(section.ids).toContain('tag:127.0.0.1,2025:wirtschaft/podcast-geldfragen-12')
  })

  for (const order of ['section first', 'podcast first'] as const) {
    it(`keeps every item of both, ${order}, across two reloads`, () => {
      const reader = newsboat(path.join(temp.dir, order.replace(' ', '-')))
      reader.subscribe(order === 'section first' ? [section.url, podcast.url] : [podcast.url, section.url])
      for (const _reload of [1, 2]) {
        const state = reader.reload()
        expect(state.errors).toBe('')
        const guidsOf = (url: string) => state.items.filter((item) => item.feedurl === url).map((item) => item.guid).sort()
        expect(guidsOf(section.url)).toEqual([...section.ids].sort())
        expect(guidsOf(podcast.url)).toEqual(podcast.ids)
      }
    })
  }
})
