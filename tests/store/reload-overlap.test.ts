/**
 * A change applied while a reload reads every file (a SIGHUP's rescan during the reload of a folder swapped in or
 * back): the reload's catalog replaced the one the change had written to, while the stamps the change's reads recorded
 * stayed. The file's newer version, read and stamped, was in no feed, and no later rescan found it changed.
 */
import { expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import type { ArticleSource } from '../../src/content/article-source.js'
import { ContentStore } from '../../src/store/content-store.js'
import { ROOT_CHECK_MS } from '../../src/store/folder-watch.js'
import { LiveUpdates } from '../../src/store/live-updates.js'
import { RENDER_IN_THREAD, type Renderer } from '../../src/site/renderer.js'
import { eventually, fakeTimers } from '../helpers/fake-timers.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'

const article = (title: string) => articleText({ title, date: '2025-01-01T10:00:00Z', category: 'wirtschaft' })

function setUp(renderer?: Renderer) {
  const config = loadConfig({ SITE_URL: 'https://www.example.de/', RESCAN_INTERVAL: '60', ARTICLES_DIR: '/artikel', MEDIA_DIR: '/medien' })
  const files = new Map([['a.md', article('Erste Fassung')]])
  const memory = memorySource(files, config)
  let root = 'ordner-1'
  /** While set, the next read of `file` is taken at once (its text and stamp) but given only when `release` is called. */
  let held: { file: string; reached: () => void; released: Promise<void> } | undefined
  const source: ArticleSource = {
    ...memory,
    rootId: async () => root,
    readForIndex: async (file) => {
      const hold = held?.file === file ? held : undefined
      if (hold) held = undefined
      const parsed = await memory.readForIndex(file)
      if (hold) (hold.reached(), await hold.released)
      return parsed
    },
  }
  const lines: string[] = []
  const logger = { info: (line: string) => lines.push(line), warn: (line: string) => lines.push(line) }
  const store = new ContentStore({ config, source, logger, renderer, clock: () => new Date('2026-01-01T00:00:00Z') })
  const timers = fakeTimers()
  const live = new LiveUpdates({
    store, source, config, logger, timers,
    folderId: async () => undefined,
    watch: () => ({ start: async () => {}, close: () => {} }),
  })
  /** Holds the next read of `file`: resolves once it was read (its text taken), with what lets it go on. */
  const hold = (file: string): Promise<() => void> => {
    let release = () => {}
    const released = new Promise<void>((resolve) => (release = resolve))
    return new Promise((reached) => (held = { file, reached: () => reached(release), released }))
  }
  const titles = () => store.site().plan.section.map((a) => a.title)
  return { store, live, files, timers, lines, titles, hold, setRoot: (id: string) => (root = id) }
}

it('a rescan (SIGHUP) during a reload: the version it applied is published once both are done, and stays so', async () => {
  const { store, live, files, timers, lines, titles, hold, setRoot } = setUp()
  await live.start()
  expect(titles()).toEqual(['Erste Fassung'])

  // Another folder at ARTICLES_DIR (a deploy's mv): the root check reloads it; its read of a.md is held once taken.
  const reloadRead = hold('a.md')
  setRoot('ordner-2')
  await timers.advance(ROOT_CHECK_MS)
  const release = await reloadRead
  expect(lines).toContain('/artikel is another folder now; reloading')

  // An editor saves a.md after the reload read it; SIGHUP rescans meanwhile.
  files.set('a.md', article('Zweite Fassung'))
  const applied = live.rescan()
  release()
  await applied
  await eventually(() => lines.some((line) => line.startsWith('loaded ')))
  await store.settled()
  await timers.advance(60_000) // the rescans after the reload: the first one, then one an interval later
  await store.settled()

  expect(titles()).toEqual(['Zweite Fassung'])
  // Found by the SIGHUP's rescan alone: the later ones compare with the stamp its read recorded.
  expect(lines.filter((line) => line.startsWith('rescan:'))).toEqual(['rescan: 1 file(s) changed since they were read'])
  live.close()
  store.close()
})

it('a rescan (SIGHUP) during a reload: a file added after the reload listed the folder is published', async () => {
  const { store, live, files, timers, lines, titles, hold, setRoot } = setUp()
  await live.start()

  const reloadRead = hold('a.md') // after the listing, which has no b.md
  setRoot('ordner-2')
  await timers.advance(ROOT_CHECK_MS)
  const release = await reloadRead

  files.set('b.md', article('Neue Meldung'))
  const applied = live.rescan()
  release()
  await applied
  await eventually(() => lines.filter((line) => line.startsWith('loaded ')).length === 2)
  await store.settled()
  await timers.advance(60_000)
  await store.settled()

  expect(titles().sort()).toEqual(['Erste Fassung', 'Neue Meldung'])
  expect(store.knownFiles().sort()).toEqual(['a.md', 'b.md'])
  live.close()
  store.close()
})

it('a rescan (SIGHUP) during a reload that fails: the last good content stays whole, and the reload publishes the new folder once it can', async () => {
  // A feed with that title cannot be rendered: the swapped-in folder's site cannot be built.
  const renderer: Renderer = { ...RENDER_IN_THREAD, feed: (d, f) => (JSON.stringify(d).includes('Giftige') ? Promise.reject(new Error('kein Render-Worker')) : RENDER_IN_THREAD.feed(d, f)) }
  const { store, live, files, timers, lines, titles, hold, setRoot } = setUp(renderer)
  await live.start()

  files.clear()
  files.set('giftig.md', article('Giftige Meldung'))
  files.set('neu.md', article('Neue Meldung'))
  const reloadRead = hold('neu.md')
  setRoot('ordner-2')
  await timers.advance(ROOT_CHECK_MS)
  const release = await reloadRead

  // The rescan compares the new folder with the old catalog: a.md gone, giftig.md and neu.md new.
  const applied = live.rescan()
  release()
  await applied
  await eventually(() => lines.some((line) => line.includes('reload of /artikel failed')))
  await store.settled()
  // Applied to the catalog the failed reload put back, the rescan's changes mixed the two folders.
  expect(titles()).toEqual(['Erste Fassung'])

  files.set('giftig.md', article('Entgiftete Meldung'))
  await timers.advance(ROOT_CHECK_MS)
  await eventually(() => titles().length === 2)
  await store.settled()
  expect(titles().sort()).toEqual(['Entgiftete Meldung', 'Neue Meldung'])
  live.close()
  store.close()
})
