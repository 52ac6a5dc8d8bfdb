/**
 * What an edit renders (site/spliced-feeds.ts): the edited item of the
 * current RSS and Atom feeds alone, not the window around it, and still the
 * bytes a whole render gives; the three formats swap in together.
 */
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import type { FeedFormat } from '../../src/feeds/feed-model.js'
import { RENDER_IN_THREAD, type Renderer } from '../../src/site/renderer.js'
import { ContentStore } from '../../src/store/content-store.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'

const NOW = new Date('2026-01-01T00:00:00Z')
const config = loadConfig({ SITE_URL: 'https://www.example.de/', FEED_LIMIT: '20' })
const PATHS = { rss: '/wirtschaft/feed.xml', atom: '/wirtschaft/atom.xml', json: '/wirtschaft/feed.json' } as const
const decoder = new TextDecoder()

/** `count` economy articles, one a day; the newest titled `title`. */
function files(count: number, title: string): Map<string, string> {
  const map = new Map<string, string>()
  for (let n = 1; n <= count; n++) {
    const date = new Date(Date.UTC(2025, 0, 1) + n * 86_400_000).toISOString()
    map.set(`m${n}.md`, `${articleText({ title: n === count ? title : `Meldung ${n}`, date, category: 'wirtschaft', tags: '[Konjunktur]' })}\nDie Konjunktur zieht an, sagt Nr. ${n}.\n`)
  }
  return map
}

/** A store whose feed renders are counted: the items each was given, by format. */
async function storeOf(map: Map<string, string>) {
  const calls: Record<FeedFormat, number[]> = { rss: [], atom: [], json: [] }
  const renderer: Renderer = {
    ...RENDER_IN_THREAD,
    feed: (document, format) => {
      calls[format].push(document.items.length)
      return RENDER_IN_THREAD.feed(document, format)
    },
  }
  const store = new ContentStore({ config, source: memorySource(map, config), clock: () => NOW, renderer, logger: { info: () => {}, warn: () => {} } })
  await store.load()
  return { store, calls }
}

const textOf = (store: ContentStore, format: FeedFormat) => decoder.decode(store.resource(PATHS[format])?.identity.body)

describe('an edit of one article in the current feeds', () => {
  it('renders that item alone in RSS, Atom and JSON Feed, old and new version, not the 19 around it; the bytes are a whole render\'s', async () => {
    const map = files(30, 'Alte Schlagzeile')
    const { store, calls } = await storeOf(map)
    expect([calls.rss, calls.atom, calls.json]).toEqual([[20], [20], [20]])
    map.set('m30.md', files(30, 'Neue Schlagzeile & mehr').get('m30.md') as string)
    await store.applyChanges(['m30.md'])
    expect([calls.rss, calls.atom, calls.json]).toEqual([[20, 1, 1], [20, 1, 1], [20, 1, 1]])
    // Saved again: the version the last edit rendered alone is not rendered again.
    map.set('m30.md', files(30, 'Neue Schlagzeile & mehr').get('m30.md')?.replace('Die Konjunktur', 'Der Aufschwung') as string)
    await store.applyChanges(['m30.md'])
    expect([calls.rss, calls.atom, calls.json]).toEqual([[20, 1, 1, 1], [20, 1, 1, 1], [20, 1, 1, 1]])
    const whole = (await storeOf(map)).store
    for (const format of ['rss', 'atom', 'json'] as const) {
      expect(textOf(store, format)).toBe(textOf(whole, format))
      expect(store.resource(PATHS[format])?.identity.etag).toBe(whole.resource(PATHS[format])?.identity.etag)
    }
    expect(textOf(store, 'rss')).toContain('<title>Neue Schlagzeile &#x26; mehr</title>')
    expect(JSON.parse(textOf(store, 'json')).items[0].content_html).toContain('Der Aufschwung zieht an')
    store.close()
    whole.close()
  })

  it('renders neither the podcast feed nor its page again when the article edited is no episode', async () => {
    const podcastConfig = loadConfig({ SITE_URL: 'https://www.example.de/', FEED_LIMIT: '20', SITE_CONFIG: 'site.yaml' }, [], process.cwd(), (file) => fs.readFileSync(file, 'utf8'))
    expect(podcastConfig.settings.podcast?.title).toBe('Geldfragen – der Wirtschaftspodcast der Beispielzeitung')
    const map = files(30, 'Alte Schlagzeile')
    const counted = { podcast: 0, page: 0 }
    const renderer: Renderer = {
      ...RENDER_IN_THREAD,
      podcast: (document) => ((counted.podcast += 1), RENDER_IN_THREAD.podcast(document)),
      podcastPage: (document, context) => ((counted.page += 1), RENDER_IN_THREAD.podcastPage(document, context)),
    }
    const store = new ContentStore({ config: podcastConfig, source: memorySource(map, podcastConfig), clock: () => NOW, renderer, logger: { info: () => {}, warn: () => {} } })
    await store.load()
    const podcast = store.resource('/wirtschaft/podcast.xml')?.identity.etag
    map.set('m30.md', files(30, 'Neue Schlagzeile').get('m30.md') as string)
    await store.applyChanges(['m30.md'])
    expect(textOf(store, 'rss')).toContain('<title>Neue Schlagzeile</title>')
    expect(counted).toEqual({ podcast: 1, page: 1 })
    expect(store.resource('/wirtschaft/podcast.xml')?.identity.etag).toBe(podcast)
    store.close()
  })

  it('swaps RSS, Atom and JSON Feed in together: whenever a request looks, all three show the same title', async () => {
    const map = files(30, 'Fassung 0')
    const { store } = await storeOf(map)
    const seen = new Set<string>()
    let editing = true
    const looker = (async () => {
      while (editing) {
        const titles = (['rss', 'atom', 'json'] as const).map((format) => /Fassung \d/.exec(textOf(store, format))?.[0])
        seen.add(titles.join(' | '))
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    for (let n = 1; n <= 5; n++) {
      map.set('m30.md', files(30, `Fassung ${n}`).get('m30.md') as string)
      await store.applyChanges(['m30.md'])
      // The looker gets a turn after each edit too: an edit may finish without one (all of it in microtasks).
      await new Promise((resolve) => setImmediate(resolve))
    }
    editing = false
    await looker
    expect(seen.size).toBeGreaterThan(1)
    for (const titles of seen) expect(new Set(titles.split(' | ')).size).toBe(1)
    expect(textOf(store, 'json')).toContain('"title": "Fassung 5"')
    store.close()
  })
})
