/**
 * Purging by cache key over every document of the bundled site: after each
 * kind of change, the documents that carry a purged key are exactly the
 * documents whose bytes changed, no more (a needless miss at the edge) and
 * no fewer (a stale copy kept for CDN_MAX_AGE). The keys are worked out
 * both ways: from both states' versions of every key, and as main.ts does,
 * from what differs between the two states (SitePlan.changedSince); each
 * change purges the same keys either way.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { purgeOnChange, type ChangePurges } from '../../src/cdn/purge-on-change.js'
import type { Config } from '../../src/config.js'
import { DOCUMENT_KEY } from '../../src/cdn/cdn-headers.js'
import { articleKey, isMediaKey, mediaKeys, NEWS_SITEMAP_KEY, SITE_KEY, SITEMAP_KEY } from '../../src/site/cache-keys.js'
import type { ContentStore } from '../../src/store/content-store.js'
import { bundledConfig, bundledInstance, copyBundledSite, documentPaths, snapshot, type Snapshot } from '../helpers/bundled-site.js'
import type { createApp } from '../../src/http/app.js'

let folder: ReturnType<typeof copyBundledSite>
let config: Config
let now: Date
let store: ContentStore
let app: ReturnType<typeof createApp>
let purged: string[]
/** The keys purged as main.ts works them out (SitePlan.changedSince), and its listener. */
let changedSince: string[]
let changePurges: ChangePurges<ReturnType<ContentStore['site']>>

beforeEach(async () => {
  folder = copyBundledSite()
  // The bundled episodes name their transcripts as files: here one publishes
  // its text as a transcript page, so that every kind of document is compared.
  edit('podcast-geldfragen-12.md', (text) => text.replace('episode: 12\n', 'episode: 12\ntranscript: article\n'))
  config = bundledConfig(folder)
  now = new Date('2026-12-01T10:00:00Z')
  ;({ store, app } = await bundledInstance(config, () => now))
  purged = []
  store.onChange(purgeOnChange({ purge: async (keys) => void purged.push(...keys) }))
  changedSince = []
  changePurges = purgeOnChange({ purge: async (keys) => void changedSince.push(...keys), warm: (plan) => plan.warmKeys(), changes: (before, after) => after.changedSince(before) })
  store.onChange(changePurges)
})

afterEach(() => {
  store.close()
  folder.rm()
})

/** Runs a change; returns the paths whose documents carried a purged key, and those whose bytes changed. */
async function compare(change: () => Promise<unknown>, extraKeys: () => string[] = () => [], extraPaths: string[] = []) {
  const paths = [...documentPaths(store, config), ...extraPaths]
  const before = await snapshot(app, paths)
  // Only this change's purges: a change before it (a test's setup) was purged the second way in the background too.
  await vi.waitFor(() => expect(changePurges.settled()).toBe(true))
  purged = []
  changedSince = []
  await change()
  await vi.waitFor(() => expect(changePurges.settled()).toBe(true))
  expect([...new Set(changedSince)].sort()).toEqual([...new Set(purged)].sort())
  const after = await snapshot(app, [...paths, ...documentPaths(store, config)])
  const keys = new Set([...purged, ...extraKeys()])
  const evicted: string[] = []
  const changed: string[] = []
  for (const [path, shot] of after) {
    const was = before.get(path) as Snapshot | undefined
    // A document new in this state was cached by nobody: its 404 was, if anything.
    if (was === undefined) continue
    if (was.keys.some((key) => keys.has(key))) evicted.push(path)
    if (was.status !== shot.status || was.body !== shot.body) changed.push(path)
  }
  return { evicted: evicted.sort(), changed: changed.sort(), total: after.size }
}

const edit = (file: string, change: (text: string) => string) => {
  const target = path.join(folder.articles, file)
  fs.writeFileSync(target, change(fs.readFileSync(target, 'utf8')))
}

describe('purging exactly the documents whose bytes changed, over the bundled site', () => {
  it('gives every document it serves SITE_KEY, and every one DOCUMENT_KEY or media keys, which the purger purges in place of more than 16 requests of keys (cdn/purger.ts)', async () => {
    const paths = [...documentPaths(store, config), '/', '/nirgends', '/media/fehlt.mp3', '/wirtschaft/archiv/99/feed.xml', '/sitemap-7.xml', '/assets/site.css']
    const shots = await snapshot(app, paths)
    const without = [...shots].filter(([, shot]) => !shot.keys.includes(SITE_KEY) || !(shot.keys.includes(DOCUMENT_KEY) || shot.keys.some(isMediaKey))).map(([path, shot]) => `${path} ${shot.status} [${shot.keys.join(' ')}]`)
    expect(without).toEqual([])
    // Media files carry their own keys instead, which the purger keeps beside DOCUMENT_KEY.
    expect([...shots].filter(([, shot]) => !shot.keys.includes(DOCUMENT_KEY)).map(([path]) => path)).toContain('/media/geldfragen-folge-13.mp3')
    expect(shots.size).toBeGreaterThan(50)
  })

  it('names what the search and episode documents show: the site, the sitemap or news sitemap, the episode', async () => {
    const shots = await snapshot(app, ['/robots.txt', '/sitemap.xml', '/news-sitemap.xml', '/wirtschaft/podcast-geldfragen-13/kapitel.json', '/wirtschaft/podcast-geldfragen-12/transkript.html'])
    expect([...shots].map(([path, shot]) => [path, shot.status, shot.keys])).toEqual([
      ['/robots.txt', 200, [SITE_KEY, DOCUMENT_KEY]],
      ['/sitemap.xml', 200, [SITE_KEY, SITEMAP_KEY, DOCUMENT_KEY]],
      ['/news-sitemap.xml', 200, [SITE_KEY, NEWS_SITEMAP_KEY, DOCUMENT_KEY]],
      ['/wirtschaft/podcast-geldfragen-13/kapitel.json', 200, [SITE_KEY, articleKey('/wirtschaft/podcast-geldfragen-13.html'), DOCUMENT_KEY]],
      ['/wirtschaft/podcast-geldfragen-12/transkript.html', 200, [SITE_KEY, articleKey('/wirtschaft/podcast-geldfragen-12.html'), DOCUMENT_KEY]],
    ])
  })

  it('edits a title: the feeds, the index, the page, its tag and author views, nothing else', async () => {
    const newest = store.site().plan.window[0]
    expect(newest?.file).toBe('meinung/schuldenbremse.md')
    const { evicted, changed, total } = await compare(async () => {
      edit('meinung/schuldenbremse.md', (text) => text.replace(/^title: .*$/m, 'title: "Ein neuer Titel"'))
      await store.applyChanges(['meinung/schuldenbremse.md'])
    })
    expect(total).toBeGreaterThan(60)
    expect(documentPaths(store, config)).toEqual(
      expect.arrayContaining(['/robots.txt', '/sitemap.xml', '/news-sitemap.xml', '/wirtschaft/podcast-geldfragen-13/kapitel.json', '/wirtschaft/podcast-geldfragen-12/transkript.html']),
    )
    expect(changed).toContain('/wirtschaft/feed.xml')
    expect(changed).toContain('/')
    expect(changed).toContain(newest?.path)
    expect(changed).not.toContain('/wirtschaft/podcast.xml')
    expect(evicted).toEqual(changed)
  })

  it('adds an article: the window, its page (a 404 before), its views and the archive pages that shift', async () => {
    const { evicted, changed } = await compare(async () => {
      fs.writeFileSync(
        path.join(folder.articles, 'neu.md'),
        '---\ntitle: "Neu im Ressort"\ndate: 2026-11-30T08:00:00+01:00\ncategory: wirtschaft\ntags: [EZB]\nauthor: Lea Voigt\n---\nEin Absatz.\n',
      )
      await store.applyChanges(['neu.md'])
    }, undefined, ['/wirtschaft/neu.html'])
    expect(changed).toContain('/wirtschaft/neu.html')
    expect(changed).toContain('/wirtschaft/feed.xml?tag=EZB')
    expect(evicted).toEqual(changed)
  })

  it('deletes an article', async () => {
    const { evicted, changed } = await compare(async () => {
      fs.rmSync(path.join(folder.articles, 'ezb-zinsentscheid.md'))
      await store.applyChanges(['ezb-zinsentscheid.md'])
    })
    expect(changed).toContain('/wirtschaft/ezb-zinsentscheid.html')
    expect(evicted).toEqual(changed)
  })

  it('lets a scheduled article go live', async () => {
    const { evicted, changed } = await compare(async () => {
      now = new Date('2030-01-02T06:00:01+01:00')
      await store.rebuild()
    })
    expect(changed).toContain('/wirtschaft/feed.json')
    expect(evicted).toEqual(changed)
  })

  it('lets an article age out of the news sitemap, 48 hours after its publication: the news sitemap alone', async () => {
    fs.writeFileSync(path.join(folder.articles, 'neu.md'), '---\ntitle: "Neu im Ressort"\ndate: 2026-11-30T08:00:00+01:00\ncategory: wirtschaft\n---\nEin Absatz.\n')
    await store.applyChanges(['neu.md'])
    const { evicted, changed } = await compare(async () => {
      now = new Date('2026-12-02T08:00:01+01:00')
      // What the store's timer does then (build-sitemaps.ts nextChange).
      await store.rebuild()
    })
    expect(changed).toEqual(['/news-sitemap.xml'])
    expect(evicted).toEqual(changed)
  })

  it('replaces a media file: the file, and the documents that state its length', async () => {
    const { evicted, changed } = await compare(
      async () => {
        fs.appendFileSync(path.join(folder.media, 'geldfragen-folge-12.mp3'), Buffer.alloc(1000))
        await store.mediaChanged()
      },
      // What the media watch reports (live-updates.ts onMediaChanged).
      () => mediaKeys(['geldfragen-folge-12.mp3']),
    )
    expect(changed).toContain('/media/geldfragen-folge-12.mp3')
    expect(changed).toContain('/wirtschaft/podcast.xml')
    expect(evicted).toEqual(changed)
  })

  it('reloads a folder swapped in with one file changed', async () => {
    const { evicted, changed } = await compare(async () => {
      const swapped = `${folder.articles}-neu`
      fs.cpSync(folder.articles, swapped, { recursive: true })
      fs.writeFileSync(path.join(swapped, 'ezb-zinsentscheid.md'), fs.readFileSync(path.join(swapped, 'ezb-zinsentscheid.md'), 'utf8').replace('Zins', 'Leitzins'))
      fs.renameSync(folder.articles, `${folder.articles}-alt`)
      fs.renameSync(swapped, folder.articles)
      await store.load()
    })
    expect(changed).toContain('/wirtschaft/ezb-zinsentscheid.html')
    expect(evicted).toEqual(changed)
  })
})
