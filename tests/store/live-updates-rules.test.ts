/**
 * Live updates on their own: a fake clock drives the timers, fake watches
 * stand for fs.watch, and the files live in memory. No disk, no waiting.
 */
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { ContentStore } from '../../src/store/content-store.js'
import { LiveUpdates, type Timers, type Watch } from '../../src/store/live-updates.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'

/** Timers that run only when the test advances the clock. */
function fakeTimers(): Timers & { advance(ms: number): Promise<void>; pending(): number } {
  let now = 0
  let next = 0
  const timers = new Map<number, { at: number; callback: () => void }>()
  return {
    setTimeout: (callback, ms) => {
      const id = ++next
      timers.set(id, { at: now + ms, callback })
      return id
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    pending: () => timers.size,
    async advance(ms) {
      const until = now + ms
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0]
        if (!due) break
        timers.delete(due[0])
        now = due[1].at
        due[1].callback()
        // Let the callback's promises (reads, rebuilds) run before the next timer.
        for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve))
      }
      now = until
    },
  }
}

/** Waits (in real time, at most 5 s) until `check` holds: the callbacks a timer started are asynchronous. */
async function eventually(check: () => boolean): Promise<void> {
  const started = Date.now()
  while (!check() && Date.now() - started < 5000) await new Promise((resolve) => setTimeout(resolve, 5))
}

const article = (title: string) => articleText({ title, date: '2025-01-01T10:00:00Z', category: 'wirtschaft' })

function setUp(rescanSeconds = '60') {
  const config = loadConfig({ SITE_URL: 'https://www.example.de/', RESCAN_INTERVAL: rescanSeconds, ARTICLES_DIR: '/artikel', MEDIA_DIR: '/medien' })
  const files = new Map([['a.md', article('Erste Fassung')]])
  const source = memorySource(files, config)
  let root: string | undefined = 'ordner-1'
  const rooted = { ...source, rootId: async () => root }
  const lines: string[] = []
  const logger = { info: (line: string) => lines.push(line), warn: (line: string) => lines.push(line) }
  const store = new ContentStore({ config, source: rooted, logger, clock: () => new Date('2026-01-01T00:00:00Z') })
  const watches = new Map<string, { report: (paths: string[]) => void; closed: boolean }>()
  const timers = fakeTimers()
  const live = new LiveUpdates({
    store,
    source: rooted,
    config,
    logger,
    timers,
    watch: (dir, onChange): Watch => {
      const watch = { report: (paths: string[]) => onChange(new Set(paths)), closed: false }
      watches.set(dir, watch)
      return { start: async () => {}, close: () => void (watch.closed = true) }
    },
  })
  const titles = () => store.site().plan.section.map((a) => a.title)
  return { store, live, files, timers, watches, lines, titles, setRoot: (id: string | undefined) => (root = id) }
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

  it('reloads when another folder took the place of ARTICLES_DIR while it was being read at start (found in review)', async () => {
    const config = loadConfig({ SITE_URL: 'https://www.example.de/', RESCAN_INTERVAL: '0', ARTICLES_DIR: '/artikel', MEDIA_DIR: '/medien' })
    const files = new Map([['a.md', article('Alter Ordner')]])
    const source = memorySource(files, config)
    let root = 'ordner-1'
    let listed = false
    const swapping = {
      ...source,
      rootId: async () => root,
      // The deploy's `mv new articles` lands just after the old folder was listed.
      list: async (folder?: string) => {
        const listing = await source.list(folder)
        if (!listed) {
          listed = true
          setImmediate(() => {
            root = 'ordner-2'
            files.set('a.md', article('Neuer Ordner'))
          })
        }
        return listing
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
