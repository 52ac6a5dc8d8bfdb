/**
 * A change whose rebuild fails (change-queue.ts). Its files are read, and their stamps noted, before the site is
 * rebuilt from them: a hostile review found the change then in no feed for good (a rescan or SIGHUP found the files
 * as read), its article page answering 200, and /healthz ok. The failure here is the renderer's, as when no render
 * worker could start or a feed grew too long for a string.
 */
import { describe, expect, it, vi } from 'vitest'
import type { FeedDocument } from '../../src/feeds/feed-model.js'
import { article, failingFeedsStore as setUp } from '../helpers/failing-feeds.js'

const titled = (title: string) => (document: FeedDocument) => JSON.stringify(document).includes(title)

describe('a change whose rebuild fails', () => {
  it('is put back and published by a retry with no further file change, with /healthz saying so and its page 404 meanwhile', async () => {
    const files = new Map([['alt.md', article('Alte Meldung', 1)]])
    let failing = false
    const { store, app, titles, reasons, info, warnings } = setUp(files, () => failing)
    try {
      await store.load()
      failing = true
      files.set('neu.md', article('Neue Meldung über Zölle', 2))
      await store.applyChanges(['neu.md'])
      // The last good site, the index as it shows it, and the reason.
      const problem = 'publishing the change to neu.md failed: kein Render-Worker; the last good feeds and pages stay published; retrying in 1 s'
      expect(await titles()).toEqual(['Alte Meldung'])
      expect((await app.request('/wirtschaft/neu.html')).status).toBe(404)
      expect(await reasons()).toEqual([503, [problem]])
      // Failing again: the next attempt a while later (2 s), and no second warning for the same error.
      await vi.waitFor(() => expect(store.problems()).toEqual([problem.replace('in 1 s', 'in 2 s')]), { timeout: 5000, interval: 50 })
      expect(warnings).toEqual([problem])
      // Fixed: published by the next attempt, no file touched.
      failing = false
      await vi.waitFor(async () => expect(await titles()).toEqual(['Neue Meldung über Zölle', 'Alte Meldung']), { timeout: 6000, interval: 50 })
      expect(await reasons()).toEqual([200, []])
      expect((await app.request('/wirtschaft/neu.html')).status).toBe(200)
      expect(info).toContain('published the changes held back after 2 failed attempt(s); the feeds are current again')
    } finally {
      store.close()
    }
  }, 20_000)

  it('holds up no later change to another file when it fails every time', async () => {
    const files = new Map([['alt.md', article('Alte Meldung', 1)]])
    let renders = 0
    const { store, titles, reasons, warnings } = setUp(files, (document) => (renders++, titled('Giftige Meldung')(document)))
    try {
      await store.load()
      files.set('giftig.md', article('Giftige Meldung', 2))
      await store.applyChanges(['giftig.md'])
      files.set('andere.md', article('Andere Meldung', 3))
      await store.applyChanges(['andere.md'])
      expect(await titles()).toEqual(['Andere Meldung', 'Alte Meldung'])
      const problem = 'publishing the change to giftig.md failed: kein Render-Worker; the last good feeds and pages stay published; retrying in 1 s'
      expect(await reasons()).toEqual([503, [problem]])
      // Tried again after 1 s and 2 s, not in a loop; one warning for the streak.
      const before = renders
      await vi.waitFor(() => expect(store.problems()).toEqual([problem.replace('in 1 s', 'in 4 s')]), { timeout: 6000, interval: 50 })
      expect(renders - before).toBeLessThanOrEqual(2 * 4) // two attempts, at most four feeds each
      expect(warnings).toEqual([problem])
      expect(await titles()).toEqual(['Andere Meldung', 'Alte Meldung'])
    } finally {
      store.close()
    }
  }, 20_000)

  // A change of three files, and a folder that appeared holding them (a deploy's `mv`: one path, which halves() could
  // not split; before, held back whole).
  it.each([
    ['a change with one that fails every time, by trying halves again', '', ['a.md', 'b.md', 'giftig.md']],
    ["a folder that appeared with one that fails every time (a deploy's `mv`: one path)", 'ressort/', ['ressort']],
  ])('publishes the other files of %s', async (_, folder, changed) => {
    const files = new Map([['alt.md', article('Alte Meldung', 1)]])
    const { store, titles, reasons } = setUp(files, titled('Giftige Meldung'))
    try {
      await store.load()
      files.set(`${folder}a.md`, article('Meldung A', 2))
      files.set(`${folder}b.md`, article('Meldung B', 3))
      files.set(`${folder}giftig.md`, article('Giftige Meldung', 4))
      await store.applyChanges(changed)
      expect(await titles()).toEqual(['Alte Meldung'])
      await vi.waitFor(async () => expect(await titles()).toEqual(['Meldung B', 'Meldung A', 'Alte Meldung']), { timeout: 8000, interval: 50 })
      const [status, [problem]] = await reasons()
      expect([status, problem]).toEqual([503, expect.stringMatching(new RegExp(`^publishing the change to ${folder}giftig\\.md failed: kein Render-Worker; the last good feeds and pages stay published; retrying in \\d s$`))])
    } finally {
      store.close()
    }
  }, 20_000)

  it('says the retry that is due when further changes fail meanwhile, and puts it off no further', async () => {
    const files = new Map([['alt.md', article('Alte Meldung', 1)]])
    const { store, titles } = setUp(files, titled('Meldung '))
    try {
      await store.load()
      for (const [n, name] of ['a', 'b', 'c', 'd', 'e'].entries()) {
        files.set(`${name}.md`, article(`Meldung ${name}`, 2 + n))
        await store.applyChanges([`${name}.md`])
      }
      // Before: five saves failing within a second said `retrying in 16 s` (a retry 1 s away), and the next wait was 32 s.
      expect(store.problems()).toEqual([expect.stringMatching(/retrying in 1 s$/)])
      await vi.waitFor(() => expect(store.problems()).toEqual([expect.stringMatching(/retrying in 2 s$/)]), { timeout: 3000, interval: 50 })
      expect(await titles()).toEqual(['Alte Meldung'])
    } finally {
      store.close()
    }
  }, 20_000)

  it('stays owed, and said, when its retry finds ARTICLES_DIR gone: not counted as published', async () => {
    const files = new Map([['alt.md', article('Alte Meldung', 1)]])
    let failing = false
    let gone = false
    let lookedWhileGone = 0
    const { store, titles, info } = setUp(files, () => failing, (source) => ({ ...source, rootId: async () => (gone ? (lookedWhileGone++, undefined) : 'memory') }))
    try {
      await store.load()
      failing = true
      files.set('neu.md', article('Neue Meldung', 2))
      await store.applyChanges(['neu.md'])
      failing = false
      gone = true
      // The retry (after 1 s) finds no folder: nothing applied, so the change is still owed.
      await vi.waitFor(() => expect(lookedWhileGone).toBeGreaterThan(0), { timeout: 5000, interval: 50 })
      await store.settled()
      expect(store.problems()).toEqual([expect.stringMatching(/^publishing the change to neu\.md failed: kein Render-Worker; /)])
      expect(info.filter((line) => line.includes('held back'))).toEqual([])
      expect(await titles()).toEqual(['Alte Meldung'])
      // The folder back: live updates reload it all, which publishes the change and forgets what was owed.
      gone = false
      await store.load()
      expect([store.problems(), await titles()]).toEqual([[], ['Neue Meldung', 'Alte Meldung']])
    } finally {
      store.close()
    }
  }, 20_000)
})
