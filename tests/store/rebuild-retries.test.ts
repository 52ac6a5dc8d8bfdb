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
    let failing = false
    const { store, titles, reasons, info, warnings } = failingFeedsStore(files, () => failing)
    try {
      await store.load()
      failing = true
      files.set('neu.md', article('Neue Meldung über Zölle', 2))
      // The load is done (its files read); the site is owed, tried again here alone: not a failed reload that live
      // updates would read whole again, and log and report a second time.
      await store.load()
      // The last good feeds, and the reason.
      expect(await titles()).toEqual(['Alte Meldung'])
      const problem = 'publishing the articles failed: kein Render-Worker; the last good feeds stay published; retrying in 1 s'
      expect(store.problems()).toEqual([problem])
      expect(await reasons()).toEqual([503, [problem]])
      expect(warnings).toEqual([problem])
      // Failing again: the next attempt a while later (2 s).
      await vi.waitFor(() => expect(store.problems()).toEqual([problem.replace('in 1 s', 'in 2 s')]), { timeout: 5000, interval: 50 })
      // Fixed: published by the next attempt, no file touched.
      failing = false
      await vi.waitFor(async () => expect(await titles()).toEqual(['Neue Meldung über Zölle', 'Alte Meldung']), { timeout: 6000, interval: 50 })
      expect(await reasons()).toEqual([200, []])
      expect(info).toContain('published the articles after 2 failed attempt(s); the feeds are current again')
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
