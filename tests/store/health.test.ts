/**
 * /healthz over a real folder with the real watcher: the watch on
 * ARTICLES_DIR dies (the system's inotify limit reached, as `fs.watch`
 * reports it) and is placed again once it can be. fs.watch is the only thing
 * faked: it is how these failures reach the service.
 */
import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createApp } from '../../src/http/app.js'
import { startLiveStore } from '../helpers/live-store.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

const WAIT = { timeout: 10_000, interval: 25 }
const article = (title: string) => articleText({ title, date: '2025-01-01T10:00:00Z', category: 'wirtschaft' })

afterEach(() => vi.restoreAllMocks())

describe('/healthz with the real watcher', () => {
  it('answers 503 degraded when the watch on ARTICLES_DIR dies, 200 ok once it is placed again, and applies changes again', async () => {
    const temp = makeTempDir('health-')
    temp.write('a.md', article('Erste'))
    // The root's watches, to make the one in place fail as the kernel would.
    const rootWatches: fs.FSWatcher[] = []
    let limitReached = false
    const watch = fs.watch
    vi.spyOn(fs, 'watch').mockImplementation(((target: fs.PathLike, ...rest: never[]) => {
      if (String(target) !== temp.dir) return watch(target, ...rest)
      if (limitReached) throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached, watch'), { code: 'ENOSPC' })
      const watcher = watch(target, ...rest)
      rootWatches.push(watcher)
      return watcher
    }) as typeof fs.watch)
    const lines: string[] = []
    const config = loadConfig({ ARTICLES_DIR: temp.dir, SITE_URL: 'https://www.example.de/', RESCAN_INTERVAL: '0' })
    const { store, live, close } = await startLiveStore(config, { info: (line) => lines.push(line), warn: (line) => lines.push(line) })
    const app = createApp({ config, store, health: [live] })
    const health = async () => {
      const response = await app.request('/healthz')
      const { status, reasons } = (await response.json()) as { status: string; reasons?: string[] }
      return [response.status, status, reasons]
    }
    const titles = async () => ((await (await app.request('/wirtschaft/feed.json')).json()) as { items: { title: string }[] }).items.map((i) => i.title)
    try {
      expect(await health()).toEqual([200, 'ok', undefined])
      limitReached = true
      ;(rootWatches[0] as unknown as EventEmitter).emit('error', Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' }))
      const reason = (error: string, seconds: number) => `the watch on ${temp.dir} failed (${error}); changes are not seen until it is placed again, in ${seconds} s`
      expect(await health()).toEqual([503, 'degraded', [reason('ENOSPC: System limit for number of file watchers reached', 1)]])
      // Placing it again fails while the limit holds: the next try waits longer.
      await vi.waitFor(async () => expect(await health()).toEqual([503, 'degraded', [reason('ENOSPC: System limit for number of file watchers reached, watch', 2)]]), WAIT)
      // Readers still get the last good content.
      expect(await titles()).toEqual(['Erste'])

      limitReached = false
      temp.write('b.md', article('Zweite'))
      await vi.waitFor(async () => expect(await health()).toEqual([200, 'ok', undefined]), WAIT)
      expect(lines).toContain(`the watch on ${temp.dir} is placed again; changes are applied as they happen`)
      // What changed meanwhile is found by the rescan that follows; what changes now, by the watch (RESCAN_INTERVAL=0).
      await vi.waitFor(async () => expect(await titles()).toEqual(['Erste', 'Zweite']), WAIT)
      temp.write('c.md', article('Dritte'))
      await vi.waitFor(async () => expect(await titles()).toEqual(['Erste', 'Zweite', 'Dritte']), WAIT)
    } finally {
      close()
      temp.rm()
    }
  }, 30_000)
})
