/**
 * Live updates on their own: a fake clock drives the timers, fake watches
 * stand for fs.watch, and the files live in memory. No disk, no waiting.
 */
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createApp } from '../../src/http/app.js'
import { purgeOnChange, purgeOnMediaChanged } from '../../src/cdn/purge-on-change.js'
import { siteCompressed, type Site } from '../../src/site/build-site.js'
import { mediaKey } from '../../src/site/cache-keys.js'
import { RENDER_IN_THREAD, type Renderer } from '../../src/site/renderer.js'
import { ContentStore } from '../../src/store/content-store.js'
import { ROOT_CHECK_MS } from '../../src/store/folder-watch.js'
import { LiveUpdates, type Watch } from '../../src/store/live-updates.js'
import { MediaUpdates } from '../../src/store/media-updates.js'
import { eventually, fakeTimers } from '../helpers/fake-timers.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'

const article = (title: string) => articleText({ title, date: '2025-01-01T10:00:00Z', category: 'wirtschaft' })

function setUp(rescanSeconds = '60', onMediaChanged?: (files: readonly string[] | undefined, rebuilt: Promise<Site>) => void) {
  const config = loadConfig({ SITE_URL: 'https://www.example.de/', RESCAN_INTERVAL: rescanSeconds, ARTICLES_DIR: '/artikel', MEDIA_DIR: '/medien' })
  const files = new Map([['a.md', article('Erste Fassung')]])
  const source = memorySource(files, config)
  let root: string | undefined = 'ordner-1'
  let media: string | undefined = 'medien-1'
  /** What listing the root throws (the folder swapped in cannot be read yet), or nothing. */
  let listingError: Error | undefined
  const rooted = {
    ...source,
    rootId: async () => root,
    list: async (folder?: string) => {
      if (listingError) throw listingError
      return source.list(folder)
    },
    stamps: async () => {
      if (listingError) throw listingError
      return source.stamps()
    },
  }
  const lines: string[] = []
  const logger = { info: (line: string) => lines.push(line), warn: (line: string) => lines.push(line) }
  const store = new ContentStore({ config, source: rooted, logger, clock: () => new Date('2026-01-01T00:00:00Z') })
  const watches = new Map<string, { report: (paths: string[]) => void; fail: (error: Error) => void; closed: boolean }>()
  /** What placing a watch reports as it starts (the system's watch limit reached), or nothing. */
  let watchError: Error | undefined
  const timers = fakeTimers()
  const live = new LiveUpdates({
    store,
    source: rooted,
    config,
    logger,
    timers,
    folderId: async (dir) => (dir === '/medien' ? media : undefined),
    onMediaChanged,
    watch: (dir, onChange, onError): Watch => {
      const watch = { report: (paths: string[]) => onChange(new Set(paths)), fail: onError, closed: false }
      watches.set(dir, watch)
      return { start: async () => void (watchError && onError(watchError)), close: () => void (watch.closed = true) }
    },
  })
  const titles = () => store.site().plan.section.map((a) => a.title)
  const app = createApp({ config, store, health: [live] })
  /** The HTTP status of /healthz, and its status and reasons. */
  const health = async () => {
    const response = await app.request('/healthz')
    const body = (await response.json()) as { status: string; reasons?: string[] }
    return [response.status, body.status, body.reasons]
  }
  return {
    store,
    live,
    app,
    files,
    timers,
    watches,
    lines,
    titles,
    health,
    setRoot: (id: string | undefined) => (root = id),
    setMedia: (id: string | undefined) => (media = id),
    failListing: (error: Error | undefined) => (listingError = error),
    failWatch: (error: Error | undefined) => (watchError = error),
  }
}

describe('LiveUpdates', () => {
  it('applies what the article watch reports', async () => {
    const { store, live, files, watches, titles } = setUp()
    await live.start()
    files.set('a.md', article('Zweite Fassung'))
    watches.get('/artikel')?.report(['a.md'])
    await store.settled()
    expect(titles()).toEqual(['Zweite Fassung'])
    live.close()
    store.close()
  })

  it('rescans a second after start and then every RESCAN_INTERVAL, finding changes no watch reported', async () => {
    const { store, live, files, timers, lines, titles } = setUp('60')
    await live.start()
    files.set('a.md', article('Zweite Fassung'))
    await timers.advance(999)
    expect(titles()).toEqual(['Erste Fassung'])
    await timers.advance(1)
    await eventually(() => titles()[0] === 'Zweite Fassung')
    expect(titles()).toEqual(['Zweite Fassung'])
    expect(lines).toContain('rescan: 1 file(s) changed since they were read')
    files.set('a.md', article('Dritte Fassung'))
    await timers.advance(59_000)
    expect(titles()).toEqual(['Zweite Fassung'])
    await timers.advance(1000)
    await eventually(() => titles()[0] === 'Dritte Fassung')
    expect(titles()).toEqual(['Dritte Fassung'])
    live.close()
    expect(timers.pending()).toBe(0)
    store.close()
  })

  it('keeps the last content while ARTICLES_DIR is gone, and reloads and watches anew when it is back', async () => {
    const { store, live, files, timers, watches, lines, titles, setRoot } = setUp('0')
    await live.start()
    const firstWatch = watches.get('/artikel')
    setRoot(undefined)
    files.clear()
    // A change while the folder is gone is not applied: every article would vanish.
    firstWatch?.report(['a.md'])
    await store.settled()
    expect(titles()).toEqual(['Erste Fassung'])
    expect(lines).toContain('/artikel is missing; the last good content stays published until it is back')
    await timers.advance(5000)
    expect(lines.filter((line) => line.includes('is missing'))).toHaveLength(1)

    files.set('b.md', article('Aus dem neuen Ordner'))
    // The same folder back (a remount): its content may have changed all the same.
    setRoot('ordner-1')
    await timers.advance(1000)
    await eventually(() => titles()[0] === 'Aus dem neuen Ordner' && watches.get('/artikel') !== firstWatch)
    expect(lines).toContain('/artikel is back; reloading')
    expect(titles()).toEqual(['Aus dem neuen Ordner'])
    expect(firstWatch?.closed).toBe(true)
    expect(watches.get('/artikel')).not.toBe(firstWatch)
    live.close()
    store.close()
  })

  it('retries a reload that failed after a folder swap, with backoff, says so in /healthz, and watches again once it succeeds', async () => {
    const { store, live, app, files, timers, watches, lines, titles, health, setRoot, failListing } = setUp('60')
    await live.start()
    const firstWatch = watches.get('/artikel')
    expect(await health()).toEqual([200, 'ok', undefined])

    // mv articles articles.old; mv new articles: and the new folder cannot be read yet.
    files.clear()
    files.set('b.md', article('Aus dem neuen Ordner'))
    failListing(Object.assign(new Error("EACCES: permission denied, scandir '/artikel'"), { code: 'EACCES', path: '/artikel', syscall: 'scandir' }))
    setRoot('ordner-2')
    await timers.advance(1000)
    const failed = (seconds: number) => `reload of /artikel failed: /artikel cannot be read (EACCES); retrying in ${seconds} s`
    await eventually(() => lines.includes(failed(1)))
    expect(lines).toContain('/artikel is another folder now; reloading')
    expect(lines).toContain(failed(1))
    expect(firstWatch?.closed).toBe(true)
    // The last good content stays; /healthz says why it may not be current (503; readers still get it, see docs/http.md).
    expect(titles()).toEqual(['Erste Fassung'])
    expect(await health()).toEqual([503, 'degraded', [failed(1)]])
    // Its page too, body and all, though the file is not where it was.
    expect(await (await app.request('/wirtschaft/a.html')).text()).toContain('<p>Ein Absatz.</p>')

    // Retried after 1 s, 2 s, 4 s …
    await timers.advance(999)
    expect(lines.filter((line) => line.startsWith('reload of'))).toEqual([failed(1)])
    await timers.advance(1)
    await eventually(() => lines.includes(failed(2)))
    await timers.advance(2000)
    await eventually(() => lines.includes(failed(4)))
    expect(lines.filter((line) => line.startsWith('reload of'))).toEqual([failed(1), failed(2), failed(4)])
    expect(await health()).toEqual([503, 'degraded', [failed(4)]])

    // Fixed: the next retry loads the new folder and watches it.
    failListing(undefined)
    await timers.advance(3999)
    expect(titles()).toEqual(['Erste Fassung'])
    await timers.advance(1)
    await eventually(() => titles()[0] === 'Aus dem neuen Ordner')
    expect(titles()).toEqual(['Aus dem neuen Ordner'])
    expect(lines).toContain('reloaded /artikel after 3 failed attempt(s); content is current again')
    expect(await health()).toEqual([200, 'ok', undefined])
    const newWatch = watches.get('/artikel')
    expect(newWatch).not.toBe(firstWatch)
    expect(newWatch?.closed).toBe(false)
    files.set('c.md', article('Danach'))
    newWatch?.report(['c.md'])
    await store.settled()
    expect(titles()).toEqual(['Aus dem neuen Ordner', 'Danach'])
    live.close()
    store.close()
  })

  it('says in /healthz that ARTICLES_DIR is missing until it is back', async () => {
    const { store, live, app, timers, health, setRoot } = setUp('0')
    await live.start()
    setRoot(undefined)
    await timers.advance(1000)
    expect(await health()).toEqual([503, 'degraded', ['/artikel is missing; the last good content stays published until it is back']])
    // Readers still get the last good content.
    expect((await app.request('/wirtschaft/feed.xml')).status).toBe(200)
    setRoot('ordner-1')
    await timers.advance(1000)
    await eventually(() => live.problems().length === 0)
    expect(await health()).toEqual([200, 'ok', undefined])
    live.close()
    store.close()
  })

  it('says in /healthz that the watch failed, places it again after 1 s, 2 s …, and is ok once it is placed', async () => {
    const { store, live, app, files, timers, watches, lines, titles, health, failWatch } = setUp('0')
    await live.start()
    expect(await health()).toEqual([200, 'ok', undefined])
    const first = watches.get('/artikel')
    const limit = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' })
    failWatch(limit)
    first?.fail(limit)
    const reason = (seconds: number) =>
      `the watch on /artikel failed (ENOSPC: System limit for number of file watchers reached); changes are not seen until it is placed again, in ${seconds} s`
    expect(lines).toContain('watch: ENOSPC: System limit for number of file watchers reached')
    expect(await health()).toEqual([503, 'degraded', [reason(1)]])
    expect((await app.request('/wirtschaft/feed.xml')).status).toBe(200)

    // Placed again after 1 s, and it fails again: the next try waits 2 s.
    await timers.advance(1000)
    await eventually(() => watches.get('/artikel') !== first)
    expect(first?.closed).toBe(true)
    expect(await health()).toEqual([503, 'degraded', [reason(2)]])
    const second = watches.get('/artikel')
    await timers.advance(1000)
    expect(watches.get('/artikel')).toBe(second)

    // The limit raised: placed at the next try, ok, and changes are applied again.
    failWatch(undefined)
    files.set('b.md', article('Nach der Pause'))
    await timers.advance(1000)
    await eventually(() => watches.get('/artikel') !== second && titles().length === 2)
    expect(await health()).toEqual([200, 'ok', undefined])
    expect(lines).toContain('the watch on /artikel is placed again; changes are applied as they happen')
    // What changed while no watch was in place is found by a rescan right after.
    expect(titles()).toEqual(['Erste Fassung', 'Nach der Pause'])
    live.close()
    store.close()
  })

  it('says in /healthz that the last rescan failed, and is ok after the next one succeeds', async () => {
    const { store, live, timers, health, lines, failListing } = setUp('60')
    await live.start()
    failListing(Object.assign(new Error("EIO: i/o error, scandir '/artikel'"), { code: 'EIO', path: '/artikel', syscall: 'scandir' }))
    await timers.advance(1000)
    await eventually(() => lines.some((line) => line.startsWith('rescan failed')))
    expect(await health()).toEqual([503, 'degraded', ['the last rescan of /artikel failed: /artikel cannot be read (EIO); the next one is in 60 s']])
    failListing(undefined)
    await timers.advance(60_000)
    await eventually(() => live.problems().length === 0)
    expect(await health()).toEqual([200, 'ok', undefined])
    live.close()
    store.close()
  })

  it('publishes an empty folder swapped in, but says in /healthz that no article file is left, until one is back', async () => {
    const { store, live, files, timers, lines, titles, health, setRoot } = setUp('0')
    await live.start()
    files.clear()
    setRoot('ordner-2')
    await timers.advance(1000)
    await eventually(() => titles().length === 0)
    const empty = '/artikel holds no article files; the feeds are empty until there are'
    expect(await health()).toEqual([503, 'degraded', [empty]])
    expect(lines.filter((line) => line === empty)).toHaveLength(1)
    files.set('b.md', article('Wieder da'))
    setRoot('ordner-3')
    await timers.advance(1000)
    await eventually(() => titles().length === 1)
    expect(await health()).toEqual([200, 'ok', undefined])
    live.close()
    store.close()
  })

  it('says that MEDIA_DIR is missing, and watches it and renders the documents again once it is there', async () => {
    const { store, live, timers, watches, lines, setMedia } = setUp('0')
    setMedia(undefined)
    await live.start()
    expect(watches.has('/medien')).toBe(false)
    expect(lines).toContain('/medien is missing (MEDIA_DIR); it is looked for every second, and watched once it is there')
    const before = store.site()
    await timers.advance(5000)
    expect(store.site()).toBe(before)

    setMedia('medien-1')
    await timers.advance(1000)
    await eventually(() => store.site() !== before)
    expect(lines).toContain('/medien is there now (MEDIA_DIR); watching it and rendering the documents again')
    expect(store.site().resources.get('/wirtschaft/feed.xml')).not.toBe(before.resources.get('/wirtschaft/feed.xml'))
    const first = watches.get('/medien')
    expect(first?.closed).toBe(false)

    // Another folder in its place (a deploy): watched anew, rendered again.
    const during = store.site()
    setMedia('medien-2')
    await timers.advance(1000)
    await eventually(() => watches.get('/medien') !== first && store.site() !== during)
    expect(store.site()).not.toBe(during)
    expect(first?.closed).toBe(true)
    expect(lines).toContain('/medien is another folder now (MEDIA_DIR); watching it and rendering the documents again')

    // Gone: let go of, and the sizes measured last stay.
    const second = watches.get('/medien')
    const last = store.site()
    setMedia(undefined)
    await timers.advance(1000)
    await eventually(() => second?.closed === true)
    expect(second?.closed).toBe(true)
    expect(lines).toContain('/medien is missing (MEDIA_DIR); the sizes measured last stay published until it is back')
    await store.settled()
    expect(store.site()).toBe(last)
    setMedia('medien-3')
    await timers.advance(1000)
    await eventually(() => watches.get('/medien') !== second)
    expect(watches.get('/medien')?.closed).toBe(false)
    expect(lines.filter((line) => line.startsWith('/medien is there now'))).toHaveLength(2)
    live.close()
    expect(watches.get('/medien')?.closed).toBe(true)
    store.close()
  })

  it('renders the documents again when the media watch reports a change', async () => {
    const { store, live, watches } = setUp('0')
    await live.start()
    const before = store.site()
    watches.get('/medien')?.report(['folge.mp3'])
    await store.settled()
    expect(store.site()).not.toBe(before)
    expect(store.site().resources.get('/wirtschaft/feed.xml')).not.toBe(before.resources.get('/wirtschaft/feed.xml'))
    live.close()
    store.close()
  })

  it('purges a replaced media file once the documents stating its length are swapped in and compressed, as main.ts wires it', async () => {
    // Purged at once (before), a CDN asked before the swap kept the old lengths for CDN_MAX_AGE: no key's version changes with them.
    const purges: string[] = []
    let current = (): Site => before
    let before!: Site
    const changePurges = purgeOnChange<Site>({
      purge: async (keys) => {
        const feed = current().resources.get('/wirtschaft/feed.xml')
        purges.push(`${keys.join(' ')}: ${current() === before ? 'the old site' : 'the new site'}, its feed ${feed?.compressing ? 'compressing' : 'compressed'}`)
      },
      ready: siteCompressed,
    })
    const { store, live, watches } = setUp('0', purgeOnMediaChanged(changePurges.afterRebuild))
    store.onChange(changePurges)
    current = () => store.site()
    await live.start()
    before = store.site()
    watches.get('/medien')?.report(['folge.mp3'])
    await store.settled()
    await eventually(() => purges.length > 0)
    expect(purges).toEqual([`${mediaKey('folge.mp3')} any: the new site, its feed compressed`])
    live.close()
    store.close()
  })

  it('reloads when another folder took the place of ARTICLES_DIR while it was being read at start (found in review)', async () => {
    const config = loadConfig({ SITE_URL: 'https://www.example.de/', RESCAN_INTERVAL: '0', ARTICLES_DIR: '/artikel', MEDIA_DIR: '/medien' })
    const files = new Map([['a.md', article('Alter Ordner')]])
    const source = memorySource(files, config)
    let root = 'ordner-1'
    const swapping = {
      ...source,
      rootId: async () => root,
      // The deploy's `mv new articles` lands while the old folder is read (after its file was).
      readForIndex: async (file: string) => {
        const parsed = await source.readForIndex(file)
        if (root === 'ordner-1') {
          root = 'ordner-2'
          files.set('a.md', article('Neuer Ordner'))
        }
        return parsed
      },
    }
    const logger = { info: () => {}, warn: () => {} }
    const store = new ContentStore({ config, source: swapping, logger, clock: () => new Date('2026-01-01T00:00:00Z') })
    const timers = fakeTimers()
    const live = new LiveUpdates({ store, source: swapping, config, logger, timers, watch: (): Watch => ({ start: async () => {}, close: () => {} }) })
    await live.start()
    await timers.advance(1000)
    await eventually(() => store.site().plan.section[0]?.title === 'Neuer Ordner')
    expect(store.site().plan.section.map((a) => a.title)).toEqual(['Neuer Ordner'])
    live.close()
    store.close()
  })
})

describe('MediaUpdates', () => {
  it('says once that a rebuild for a media file failed, and the rebuild never rejects unhandled', async () => {
    // The store's RebuildRetries says it and tries again (a change's: change-queue.ts); MediaUpdates said it a second time.
    const config = loadConfig({ SITE_URL: 'https://www.example.de/', ARTICLES_DIR: '/artikel', MEDIA_DIR: '/medien' })
    let failing = false
    const no = () => Promise.reject(new Error('kein Render-Worker'))
    const renderer: Renderer = { ...RENDER_IN_THREAD, feed: (document, format) => (failing ? no() : RENDER_IN_THREAD.feed(document, format)), feedPage: (document, format, context) => (failing ? no() : RENDER_IN_THREAD.feedPage(document, format, context)) }
    const lines: string[] = []
    const logger = { info: () => {}, warn: (line: string) => lines.push(line) }
    const store = new ContentStore({ config, source: memorySource(new Map([['a.md', article('Erste Fassung')]]), config), logger, renderer })
    await store.load()
    let report = (_: ReadonlySet<string>) => {}
    const media = new MediaUpdates({ mediaDir: '/medien', logger, timers: fakeTimers(), folderId: async () => 'medien-1', watch: (_, onChange) => ((report = onChange), { start: async () => {}, close: () => {} }), rebuild: () => store.mediaChanged() })
    await media.start()
    failing = true
    report(new Set(['folge.mp3']))
    await eventually(() => lines.length > 0)
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve))
    expect(lines).toEqual(['publishing the articles failed: kein Render-Worker; the last good feeds stay published; retrying in 1 s'])
    media.close()
    store.close()
  })

  it('asks for no rebuild when closed (a stop) while the watch on a folder put in MEDIA_DIR\'s place is being placed', async () => {
    // Placing a watch walks the folder's tree (170–260 ms for a large one). A SIGTERM meanwhile quiesced the store and
    // sent the purges (main.ts); the rebuild asked for after it swapped a site in on the way down, its purge dropped.
    const timers = fakeTimers()
    let id = 'medien-1'
    const placing: (() => void)[] = []
    const rebuilds: string[] = []
    const media = new MediaUpdates({
      mediaDir: '/medien',
      logger: { info: () => {}, warn: () => {} },
      timers,
      folderId: async () => id,
      watch: () => ({ start: () => (id === 'medien-1' ? Promise.resolve() : new Promise<void>((resolve) => placing.push(resolve))), close: () => {} }),
      rebuild: () => (rebuilds.push(id), Promise.resolve({} as Site)),
    })
    await media.start()
    // Another folder, watched: the documents are rendered again.
    id = 'medien-2'
    await timers.advance(ROOT_CHECK_MS)
    placing.shift()?.()
    await eventually(() => rebuilds.length > 0)
    expect(rebuilds).toEqual(['medien-2'])
    // Another again, and the stop while its watch is placed.
    id = 'medien-3'
    await timers.advance(ROOT_CHECK_MS)
    expect(placing).toHaveLength(1)
    media.close()
    placing.shift()?.()
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve))
    expect([rebuilds, timers.pending()]).toEqual([['medien-2'], 0])
  })
})
