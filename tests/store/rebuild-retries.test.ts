/**
 * A rebuild that fails, not a change's (rebuild-retries.ts): here a reload's (live updates reload ARTICLES_DIR when
 * another folder is put in its place), the renderer failing as when no render worker could start. A change's own
 * failure is change-queue.ts's (tests/store/change-queue.test.ts).
 */
import { describe, expect, it, vi } from 'vitest'
import { RENDER_IN_THREAD, type Renderer } from '../../src/site/renderer.js'
import { ContentStore } from '../../src/store/content-store.js'
import { article, config, failingFeedsStore } from '../helpers/failing-feeds.js'
import { memorySource } from '../helpers/memory-source.js'

describe('a rebuild that fails', () => {
  it('is tried again, after 1 s, until it succeeds, with no further change; /healthz says so meanwhile', async () => {
    const files = new Map([['alt.md', article('Alte Meldung', 1)]])
    let failing = true
    const { store, titles, reasons, info, warnings } = failingFeedsStore(files, () => failing)
    try {
      // A first load (a reload is live updates' to retry: the test below), whose feeds cannot be made.
      await expect(store.load()).rejects.toThrow('kein Render-Worker')
      const problem = 'publishing the articles failed: kein Render-Worker; the last good feeds stay published; retrying in 1 s'
      expect(store.problems()).toEqual([problem])
      expect(warnings).toEqual([problem])
      // Failing again: the next attempt a while later (2 s).
      await vi.waitFor(() => expect(store.problems()).toEqual([problem.replace('in 1 s', 'in 2 s')]), { timeout: 5000, interval: 50 })
      // Fixed: published by the next attempt, no file touched.
      failing = false
      await vi.waitFor(() => expect(store.problems()).toEqual([]), { timeout: 6000, interval: 50 })
      expect([await reasons(), await titles()]).toEqual([[200, []], ['Alte Meldung']])
      expect(info).toContain('published the articles after 2 failed attempt(s); the feeds are current again')
    } finally {
      store.close()
    }
  }, 20_000)

  it('of a reload puts the catalog back as the published site shows it, and rejects: the reload is its caller\'s to retry (live updates), and later changes publish', async () => {
    const files = new Map([['alt.md', article('Alte Meldung', 1)], ['x.md', article('X Meldung', 2)]])
    const { store, app, titles, reasons, warnings } = failingFeedsStore(files, (document) => JSON.stringify(document).includes('Giftige Meldung'))
    try {
      await store.load()
      files.delete('x.md')
      files.set('giftig.md', article('Giftige Meldung', 3))
      await expect(store.load()).rejects.toThrow('kein Render-Worker')
      // The index is the published site's: x.md's page is there as its feed item is, giftig.md's is not.
      expect(await titles()).toEqual(['X Meldung', 'Alte Meldung'])
      expect((await app.request('/wirtschaft/x.html')).status).toBe(200)
      expect((await app.request('/wirtschaft/giftig.html')).status).toBe(404)
      // Not retried here as well (live updates reload, and say so): no second loop, no second line.
      expect([await reasons(), warnings]).toEqual([[200, []], []])
      // A change to another file is published, not held back and blamed for the reload's file.
      files.set('andere.md', article('Andere Meldung', 4))
      await store.applyChanges(['andere.md'])
      expect(await titles()).toEqual(['Andere Meldung', 'X Meldung', 'Alte Meldung'])
      expect(await reasons()).toEqual([200, []])
      // The reload again, the file fixed: all of it.
      files.set('giftig.md', article('Entgiftete Meldung', 3))
      await store.load()
      expect(await titles()).toEqual(['Andere Meldung', 'Entgiftete Meldung', 'Alte Meldung'])
      expect((await app.request('/wirtschaft/x.html')).status).toBe(404)
    } finally {
      store.close()
    }
  })

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

  it('says nothing was published when a stop overtook the attempt that would have: the state it rendered was not swapped in', async () => {
    // An article scheduled for 20 March goes live while a rebuild is failing (the clock fails it here); the retry
    // renders the feed with it, slowly, and SIGTERM comes meanwhile (main.ts's stop quiesces the store).
    const files = new Map([['alt.md', article('Alte Meldung', 1)], ['neu.md', article('Neue Meldung', 20)]])
    let now: Date | undefined = new Date('2025-03-10T00:00:00Z')
    let release = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    let asked = () => {}
    const holding = new Promise<void>((resolve) => (asked = resolve))
    const feed: Renderer['feed'] = (document, format) => (document.items.length < 2 ? RENDER_IN_THREAD.feed(document, format) : (asked(), held.then(() => RENDER_IN_THREAD.feed(document, format))))
    const renderer = { ...RENDER_IN_THREAD, feed, small: { ...RENDER_IN_THREAD, feed } }
    const info: string[] = []
    const clock = () => {
      if (!now) throw new Error('kaputt')
      return now
    }
    const store = new ContentStore({ config, source: memorySource(files, config), renderer, clock, logger: { info: (line) => info.push(line), warn: () => {} } })
    try {
      await store.load()
      now = undefined
      await expect(store.mediaChanged()).rejects.toThrow('kaputt')
      now = new Date('2025-03-21T00:00:00Z')
      // The retry, 1 s later, renders the feed with the new article.
      await holding
      store.quiesce()
      release()
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(store.site().plan.window.map((item) => item.title)).toEqual(['Alte Meldung'])
      expect(info.filter((line) => line.includes('published the articles'))).toEqual([])
    } finally {
      store.close()
    }
  })
})
