/**
 * The subscriber half of the leak test (issue 13): over the same corpus as
 * tests/plus/leak.test.ts, with a valid token, the marker of every plus body
 * of the section appears in each subscriber format that can hold it (the
 * three feeds every body, the podcast every plus episode's), feedparser
 * reads the full content, and the plus audio and transcript file are served
 * under the token path. The public half (no marker anywhere public) is
 * leak.test.ts's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileSource } from '../../src/content/article-source.js'
import { createApp } from '../../src/http/app.js'
import { startPlus, type RunningPlus } from '../../src/plus/start-plus.js'
import { mintToken } from '../../src/plus/token.js'
import { RENDER_IN_THREAD } from '../../src/site/renderer.js'
import { ContentStore } from '../../src/store/content-store.js'
import { readJsonFeed, readXmlFeeds } from '../helpers/consumers.js'
import { PLUS_SECRET } from '../helpers/plus-instance.js'
import { marker, MARKER_CORE, NOW, plusConfig, plusCorpus, SITE } from './plus-corpus.js'

let corpus: ReturnType<typeof plusCorpus>
let store: ContentStore
let plus: RunningPlus | undefined
let app: ReturnType<typeof createApp>
let token: string
const bodies: Record<string, string> = {}
const FILES = ['feed.xml', 'atom.xml', 'feed.json', 'podcast.xml'] as const
/** The section's plus bodies by marker number: the text (1) and the two episodes (2, 3). Number 4 is in another category, in no section feed. */
const TEXT_MARKERS = [1, 2, 3]
const EPISODE_MARKERS = [2, 3]

beforeAll(async () => {
  corpus = plusCorpus()
  // A window that holds every article of the section: the subscriber feeds show the current window, as the public ones do.
  const config = plusConfig(corpus, { FEED_LIMIT: '50', PLUS_SECRET })
  const logger = { info: () => {}, warn: () => {} }
  store = new ContentStore({ config, clock: () => NOW, logger })
  plus = startPlus({ config, onChange: (listener) => store.onChange(listener), source: fileSource(config.articlesDir, config), renderer: RENDER_IN_THREAD, logger })
  await store.load()
  store.close()
  await plus?.feeds.settled()
  app = createApp({ config, store, logger, now: () => NOW.getTime(), plus })
  token = mintToken(config.plus!.keys, 'abo-leak', undefined)
  for (const file of FILES) {
    const response = await app.request(`/wirtschaft/plus/${token}/${file}`)
    expect([file, response.status]).toEqual([file, 200])
    bodies[file] = await response.text()
  }
}, 30_000)

afterAll(() => {
  plus?.close()
  corpus?.rm()
})

describe('the subscriber half of the leak test', () => {
  it('finds the marker of every plus body of the section in each feed format', () => {
    for (const file of ['feed.xml', 'atom.xml', 'feed.json']) {
      for (const n of TEXT_MARKERS) expect(bodies[file], `${file}: marker ${n}`).toContain(`${MARKER_CORE}-${n}`)
    }
    // The marker in full, its quotes and € as each format escapes them: XML keeps them as characters.
    expect(bodies['feed.xml']).toContain(marker(1))
  })

  it('finds the marker of every plus episode in the podcast, with its audio under the token path', () => {
    for (const n of EPISODE_MARKERS) expect(bodies['podcast.xml'], `marker ${n}`).toContain(`${MARKER_CORE}-${n}`)
    expect(bodies['podcast.xml']).toContain(`url="${SITE}wirtschaft/plus/${token}/media/plus-folge-1.mp3"`)
    expect(bodies['podcast.xml']).toContain(`url="${SITE}wirtschaft/plus/${token}/media/plus-folge-2.mp3"`)
    expect(bodies['podcast.xml']).toContain(`<podcast:transcript url="${SITE}wirtschaft/plus/${token}/media/plus-folge-1.vtt"`)
  })

  it('serves the plus audio and transcript under the token path, while /media/ withholds them', async () => {
    const audio = await app.request(`/wirtschaft/plus/${token}/media/plus-folge-1.mp3`, { headers: { Range: 'bytes=0-0' } })
    expect([audio.status, audio.headers.get('Content-Range')?.startsWith('bytes 0-0/')]).toEqual([206, true])
    const transcript = await app.request(`/wirtschaft/plus/${token}/media/plus-folge-1.vtt`)
    expect([transcript.status, (await transcript.text()).includes(MARKER_CORE)]).toEqual([200, true])
    expect((await app.request('/media/plus-folge-1.mp3')).status).toBe(404)
  })

  it('is read by feedparser with the full content, and by a JSON Feed parser', () => {
    const [rss, atom, podcast] = readXmlFeeds(['feed.xml', 'atom.xml', 'podcast.xml'].map((file) => ({ body: bodies[file]!, contentType: 'application/xml', url: `${SITE}wirtschaft/plus/${token}/${file}` })))
    for (const feed of [rss!, atom!]) {
      const entry = feed.entries.find((item) => item.title?.value === 'Plus: Was die Zinswende für Sparer heißt')
      expect([feed.bozo, entry?.content[0]?.value.includes(`${MARKER_CORE}-1`)]).toEqual([false, true])
      expect(entry?.tags).toContain('Plus')
    }
    expect(podcast!.entries.filter((entry) => entry.enclosures[0]?.href.includes('/plus/')).length).toBe(2)
    const json = readJsonFeed(bodies['feed.json']!)
    expect(json.items?.find((item) => item.title === 'Plus: Was die Zinswende für Sparer heißt')?.content_html).toContain(`${MARKER_CORE}-1`)
  })
})
