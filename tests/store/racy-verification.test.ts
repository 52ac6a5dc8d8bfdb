/**
 * Racy entries of the index snapshot (store/racy-entries.ts, store/index-snapshot.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { fileSource } from '../../src/content/article-source.js'
import { stateFile } from '../../src/ops/state-file.js'
import { ContentStore } from '../../src/store/content-store.js'
import { bodyDigest } from '../../src/content/body-digest.js'
import { keepableEntries, type ReadEntry } from '../../src/store/racy-entries.js'
import { stampChangeTime } from '../../src/content/load-articles.js'
import { polled, polledUntil } from '../helpers/polled.js'
import { snapshotTitles as titlesIn } from '../helpers/snapshot-titles.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

const SITE_URL = 'https://www.example.de/'
const NAME = 'index-snapshot.v8'
let articles: ReturnType<typeof makeTempDir>
let state: ReturnType<typeof makeTempDir>
const text = (title: string, day: number) => articleText({ title, date: `2025-01-0${day}T10:00:00Z`, category: 'wirtschaft' }, `Text von ${title}.\n`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

beforeEach(() => {
  articles = makeTempDir('racy-articles-')
  state = makeTempDir('racy-state-')
})
afterEach(() => {
  articles.rm()
  state.rm()
})

const snapshotTitles = () => titlesIn(state.dir, NAME, articles.dir, SITE_URL)

/** The snapshot's titles once they are `expected`, or after 5 s what they are then: a fixed sleep was too short on a busy machine. */
const snapshotBecomes = (expected: Record<string, string>) => polledUntil(snapshotTitles, expected)

type Files = ReturnType<typeof fileSource>

/**
 * Alpha (a.md) and Beta (b.md), written 250 ms before a store over them whose snapshot waits 10 ms and takes
 * files changed in the last 200 ms as racy; `wrap` gives the store its source over the files. Loaded.
 */
async function alphaBetaStore(wrap: (files: Files) => Files): Promise<ContentStore> {
  articles.write('a.md', text('Alpha', 1))
  articles.write('b.md', text('Beta', 2))
  await sleep(250)
  const config = loadConfig({ ARTICLES_DIR: articles.dir, SITE_URL, STATE_DIR: state.dir, RESCAN_INTERVAL: '0' })
  const snapshot = { file: stateFile(config.stateDir, NAME), build: 'build-1', delayMs: 10, racyMs: 200 }
  const store = new ContentStore({ config, source: wrap(fileSource(config.articlesDir, config)), logger: { info: () => {}, warn: () => {} }, snapshot, clock: () => new Date('2026-01-01T00:00:00Z') })
  await store.load()
  return store
}

describe('racy entries, verified before a write', () => {
  it('yields to the event loop while it verifies many racy files (a git checkout touched them all)', async () => {
    const config = loadConfig({ ARTICLES_DIR: articles.dir, SITE_URL, STATE_DIR: state.dir, RESCAN_INTERVAL: '0' })
    const files = fileSource(config.articlesDir, config)
    const current = new Map<string, ReadEntry>()
    for (let i = 0; i < 300; i++) articles.write(`a${i}.md`, text(`Artikel ${i}`, 1 + (i % 9)))
    for (let i = 0; i < 300; i++) {
      const file = `a${i}.md`
      const parsed = await files.readForIndex(file)
      const stamp = files.readStamp(file) as string
      current.set(file, { article: parsed!.article, stamp, bodyDigest: await bodyDigest(parsed!.body), warnings: parsed!.warnings, readAt: stampChangeTime(stamp)! + 1 })
    }
    let turns = 0
    let running = true
    const tick = (): void => void (running && (turns++, setImmediate(tick)))
    setImmediate(tick)
    const kept = await keepableEntries(current, 2000, { readBody: files.readBody, stampNow: files.stampNow!, compact: (a) => a }, () => Date.now() + 5000)
    running = false
    expect((kept as ReadEntry[]).length).toBe(300)
    // 300 files read and parsed on the event loop without one turn: no request is answered meanwhile.
    expect(turns).toBeGreaterThan(0)
  })

  it('writes a file read while the write verified racy entries, once it is old enough (not left out until the next change)', async () => {
    let release: () => void = () => {}
    let entered: () => void = () => {}
    const inVerify = new Promise<void>((resolve) => (entered = resolve))
    let gate: Promise<void> | undefined
    const store = await alphaBetaStore((files) => ({
      ...files,
      readBody: async (file: string) => {
        if (file === 'a.md' && gate) (entered(), await gate)
        return files.readBody(file)
      },
    }))
    expect(await snapshotBecomes({ 'a.md': 'Alpha', 'b.md': 'Beta' })).toEqual({ 'a.md': 'Alpha', 'b.md': 'Beta' })
    articles.write('a.md', text('Alpha, neu', 1))
    await store.applyChanges(['a.md'])
    // From now on only the snapshot's verification reads a.md (200 ms after its change).
    gate = new Promise<void>((resolve) => (release = resolve))
    await Promise.race([inVerify, sleep(3000).then(() => { throw new Error('a.md was never verified') })]) // the write verifies a.md (racy) ...
    articles.write('b.md', text('Beta, neu', 2))
    await store.applyChanges(['b.md']) // ... while the watcher reads an edit of b.md
    release()
    gate = undefined
    // Written once b.md's change is a racy window old: no later change comes to write it.
    const after = { 'a.md': 'Alpha, neu', 'b.md': 'Beta, neu' }
    expect(await snapshotBecomes(after)).toEqual(after)
    store.close()
  }, 15_000)

  // A racy entry whose re-read gives other content under the same stamp (the case racy verification exists for).
  it('serves what the verification found, not the racy read it replaced in the snapshot', async () => {
    let racyRead = false
    // The watcher's read of b.md came between two same-size saves in one clock tick: it saw the first ('Beta, halb').
    const store = await alphaBetaStore((files) => ({
      ...files,
      readForIndex: async (file: string) => {
        const parsed = await files.readForIndex(file)
        if (!(racyRead && file === 'b.md' && parsed)) return parsed
        racyRead = false
        return { ...parsed, article: { ...parsed.article, title: 'Beta, halb' } }
      },
    }))
    racyRead = true
    articles.write('b.md', text('Beta, neu', 2))
    await store.applyChanges(['b.md'])
    const titles = await snapshotBecomes({ 'a.md': 'Alpha', 'b.md': 'Beta, neu' })
    const inSnapshot = typeof titles === 'string' ? titles : titles['b.md']
    // Served once the store has read b.md again (onStale), after the verification: waited for, as the snapshot is.
    const served = await polled(() => store.site().plan.section.map((article) => article.title), (titles) => titles[0] === 'Beta, neu')
    store.close()
    expect(inSnapshot).toBe('Beta, neu')
    expect(served).toEqual(['Beta, neu', 'Alpha'])
  })
})
