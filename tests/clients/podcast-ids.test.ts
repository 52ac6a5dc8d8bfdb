/**
 * The podcast and the section feed in one newsboat (issue #11.2): newsboat
 * keys items by guid across all subscriptions, so an episode that carried
 * its article's id left one of the two feeds without it.
 */
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { feedIds, newsboat, withBundledSite } from '../helpers/real-clients.js'

const site = withBundledSite('podcast-ids-')
let section: { url: string; ids: string[] }
let podcast: { url: string; ids: string[] }

beforeAll(async () => {
  section = await feedIds(`${site.base()}/wirtschaft/feed.xml`)
  podcast = await feedIds(`${site.base()}/wirtschaft/podcast.xml`)
})

describe('newsboat subscribed to the section feed and the podcast', () => {
  it('has episodes that are also articles of the section, under other ids', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_URL, 'tag:127.0.0.1,2025:wirtschaft/podcast-geldfragen-13'), and -12.
    expect(podcast.ids).toEqual(['urn:uuid:38907f44-e6da-55f2-b06b-5e77ebf3e723', 'urn:uuid:2e4e5407-6dcc-50d2-8847-e1777b33348c'])
    expect(section.ids).toContain('tag:127.0.0.1,2025:wirtschaft/podcast-geldfragen-12')
    expect(section.ids).toContain('tag:127.0.0.1,2025:wirtschaft/podcast-geldfragen-13')
  })

  for (const order of ['section first', 'podcast first'] as const) {
    it(`keeps every item of both, ${order}, across two reloads`, () => {
      const reader = newsboat(path.join(site.dir(), order.replace(' ', '-')))
      reader.subscribe(order === 'section first' ? [section.url, podcast.url] : [podcast.url, section.url])
      for (const _reload of [1, 2]) {
        const state = reader.reload()
        expect(state.errors).toBe('')
        const guidsOf = (url: string) => state.items.filter((item) => item.feedurl === url).map((item) => item.guid).sort()
        expect(guidsOf(section.url)).toEqual([...section.ids].sort())
        expect(guidsOf(podcast.url)).toEqual([...podcast.ids].sort())
      }
    })
  }
})
