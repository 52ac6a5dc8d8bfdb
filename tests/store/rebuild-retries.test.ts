/**
 * A change whose rebuild fails (rebuild-retries.ts). Its files are read, and their stamps noted, before the site is
 * rebuilt from them: a hostile review found the change then in no feed for good (a rescan or SIGHUP found the files
 * as read), its article page answering 200, and /healthz ok. The failure here is the renderer's, as when no render
 * worker could start or a feed grew too long for a string.
 */
import { describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createApp } from '../../src/http/app.js'
import { RENDER_IN_THREAD, type Renderer } from '../../src/site/renderer.js'
import { ContentStore } from '../../src/store/content-store.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'

const config = loadConfig({ SITE_URL: 'https://www.example.de/' })
const article = (title: string, day: number) => articleText({ title, date: `2025-03-${String(day).padStart(2, '0')}T09:00:00+01:00`, category: 'wirtschaft' })

describe('a rebuild that fails', () => {
  it('is tried again, after 1 s, until it succeeds: the change is published with no further file change; /healthz says so meanwhile', async () => {
    const files = new Map([['alt.md', article('Alte Meldung', 1)]])
    let failing = false
    const renderer: Renderer = { ...RENDER_IN_THREAD, feed: (document, format) => (failing ? Promise.reject(new Error('kein Render-Worker')) : RENDER_IN_THREAD.feed(document, format)) }
    const logged: string[] = []
    const store = new ContentStore({ config, source: memorySource(files, config), renderer, logger: { info: (line) => logged.push(line), warn: (line) => logged.push(line) } })
    const app = createApp({ config, store, health: [store] })
    const titles = async () => [...(await (await app.request('/wirtschaft/feed.xml')).text()).matchAll(/<item>\s*<title>([^<]*)<\/title>/g)].map((match) => match[1])
    try {
      await store.load()
      failing = true
      files.set('neu.md', article('Neue Meldung über Zölle', 2))
      await expect(store.applyChanges(['neu.md'])).rejects.toThrow('kein Render-Worker')
      // The last good feeds, and the reason.
      expect(await titles()).toEqual(['Alte Meldung'])
      const problem = 'publishing the articles failed: kein Render-Worker; the last good feeds stay published; retrying in 1 s'
      expect(store.problems()).toEqual([problem])
      const health = await app.request('/healthz')
      expect(health.status).toBe(503)
      expect(((await health.json()) as { reasons: string[] }).reasons).toEqual([problem])
      expect(logged).toContain(problem)
      // Failing again: the next attempt a while later (2 s).
      await vi.waitFor(() => expect(store.problems()).toEqual([problem.replace('in 1 s', 'in 2 s')]), { timeout: 5000, interval: 50 })
      // Fixed: published by the next attempt, no file touched.
      failing = false
      await vi.waitFor(async () => expect(await titles()).toEqual(['Neue Meldung über Zölle', 'Alte Meldung']), { timeout: 6000, interval: 50 })
      expect(store.problems()).toEqual([])
      expect((await app.request('/healthz')).status).toBe(200)
      expect(logged).toContain('published the articles after 2 failed attempt(s); the feeds are current again')
    } finally {
      store.close()
    }
  }, 20_000)

  it('is not tried again once the store stops', async () => {
    const files = new Map([['alt.md', article('Alte Meldung', 1)]])
    let calls = 0
    const renderer: Renderer = { ...RENDER_IN_THREAD, feed: () => (calls++, Promise.reject(new Error('kaputt'))) }
    const store = new ContentStore({ config, source: memorySource(files, config), renderer, logger: { info: () => {}, warn: () => {} } })
    await expect(store.load()).rejects.toThrow('kaputt')
    // Tried again after 1 s while it runs (so the test sees retries at all) …
    const first = calls
    await vi.waitFor(() => expect(calls).toBeGreaterThan(first), { timeout: 5000, interval: 50 })
    // … and not once it stops (the next would have come 2 s later).
    store.close()
    const after = calls
    await new Promise((resolve) => setTimeout(resolve, 2500))
    expect(calls).toBe(after)
  })
})
