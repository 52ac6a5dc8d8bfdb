/**
 * close() of an index snapshot source (store/index-snapshot.ts) writes nothing while a load is taking files from the
 * snapshot (its stampAll iterator not finished): what the load has not taken yet would be missing from what it wrote,
 * and the next start would read all of it again. The store-level test in index-snapshot.test.ts reached this by a
 * change applied during the first load; since changes wait for the load (ChangeQueue.exclusively), it passes without
 * the check, so it is tested here, on the source itself, with a stampAll held between its chunks.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { ArticleSource } from '../../src/content/article-source.js'
import { stateFile } from '../../src/ops/state-file.js'
import { articleCompactor } from '../../src/store/compact-articles.js'
import { snapshotSource } from '../../src/store/index-snapshot.js'
import { makeArticle } from '../helpers/article-fixtures.js'
import { snapshotTitles as titlesIn } from '../helpers/snapshot-titles.js'
import { makeTempDir } from '../helpers/temp-dir.js'

const NAME = 'index-snapshot.v8'
const ARTICLES_DIR = '/artikel'
const SITE_URL = 'https://www.example.de/'
const config = { articlesDir: ARTICLES_DIR, siteUrl: SITE_URL, timeZone: 'Europe/Berlin', language: 'de' }
const NAMES = ['a.md', 'b.md', 'c.md', 'd.md']
const FIRST = NAMES.slice(0, 2)
const REST = NAMES.slice(2)

/** Files held in memory, each titled by `titles` and changed long before it is read (settled: every entry is written). */
function setUp() {
  const state = makeTempDir('snapshot-close-taking-')
  onTestFinished(() => state.rm())
  const compact = articleCompactor()
  const titles = new Map(NAMES.map((file) => [file, `Titel ${file}`]))
  const read = async (file: string) => ({ article: compact(makeArticle(file.replace('.md', ''), { date: '2024-03-01T08:00:00.000Z', file, title: titles.get(file) })), body: `Text ${file}.`, warnings: [] })
  // Changed at 1970-01-01T00:00:01Z; the title in it: an edited file has another stamp.
  const stamp = (file: string) => `1:${file.length}:1000:1000:${titles.get(file) ?? ''}`
  const file = path.join(state.dir, NAME)
  const bytes = () => fs.readFileSync(file)
  const onDisk = () => titlesIn(state.dir, NAME, ARTICLES_DIR, SITE_URL)
  /** A snapshot source over the files; its stampAll gives FIRST's stamps, then waits for `release` before REST's. */
  const start = () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    async function* stampAll(files: readonly string[]): AsyncGenerator<readonly (string | undefined)[]> {
      expect(files).toEqual(NAMES)
      yield FIRST.map(stamp)
      await held
      yield REST.map(stamp)
    }
    const files = { readForIndex: read, readBody: read, readStamp: stamp, stampNow: stamp, adoptStamp: () => {}, stampAll } as unknown as ArticleSource
    const logged: string[] = []
    const logger = { info: (line: string) => void logged.push(line), warn: (line: string) => void logged.push(line) }
    // A delay no test waits for: only close() writes.
    const snapshot = { file: stateFile(state.dir, NAME), build: 'build-1', delayMs: 60_000, racyMs: 20 }
    return { source: snapshotSource(files, snapshot, config, logger, compact), release, logged }
  }
  return { titles, start, bytes, onDisk }
}

/** A first start: every file read, the snapshot written by close(). */
async function firstStart(setup: ReturnType<typeof setUp>): Promise<Buffer> {
  const { source } = setup.start()
  for (const file of NAMES) await source.readForIndex(file)
  source.close?.()
  expect(setup.onDisk()).toEqual({ 'a.md': 'Titel a.md', 'b.md': 'Titel b.md', 'c.md': 'Titel c.md', 'd.md': 'Titel d.md' })
  return setup.bytes()
}

/** A second start's load, as the store runs it, up to the end of the first chunk: a.md taken, b.md (edited) read. */
async function loadFirstChunk(setup: ReturnType<typeof setUp>) {
  setup.titles.set('b.md', 'Titel b.md, korrigiert')
  const started = setup.start()
  const { source } = started
  const chunks = source.stampAll?.(NAMES)[Symbol.asyncIterator]()
  if (!chunks) throw new Error('the snapshot source has no stampAll')
  const first = await chunks.next()
  expect(first.done).toBe(false)
  const stamps = first.value as readonly (string | undefined)[]
  expect(source.takeUnchanged?.('a.md', stamps[0])?.article.title).toBe('Titel a.md')
  expect(source.takeUnchanged?.('b.md', stamps[1])).toBeUndefined()
  expect((await source.readForIndex('b.md'))?.article.title).toBe('Titel b.md, korrigiert')
  /** The rest of the load: REST's stamps, each file taken. */
  const finish = async () => {
    started.release()
    const rest = await chunks.next()
    expect(rest.done).toBe(false)
    for (const [index, file] of REST.entries()) expect(source.takeUnchanged?.(file, (rest.value as readonly (string | undefined)[])[index])?.article.title).toBe(`Titel ${file}`)
    expect((await chunks.next()).done).toBe(true)
  }
  return { ...started, finish }
}

describe('closing an index snapshot source', () => {
  it('writes nothing while a load takes files from the snapshot (what it has not taken would be lost)', async () => {
    const setup = setUp()
    const before = await firstStart(setup)
    const { source, finish, logged } = await loadFirstChunk(setup)
    // Closed between the chunks: c.md and d.md not taken yet, b.md read (the snapshot differs).
    source.close?.()
    expect(setup.onDisk()).toEqual({ 'a.md': 'Titel a.md', 'b.md': 'Titel b.md', 'c.md': 'Titel c.md', 'd.md': 'Titel d.md' })
    expect(setup.bytes().equals(before)).toBe(true)
    // The load ending after the close writes nothing either.
    await finish()
    expect(setup.bytes().equals(before)).toBe(true)
    expect(logged.filter((line) => line.startsWith('warning'))).toEqual([])
  })

  it('writes what the load read once it has taken every file (the control)', async () => {
    const setup = setUp()
    const before = await firstStart(setup)
    const { source, finish, logged } = await loadFirstChunk(setup)
    await finish()
    source.close?.()
    expect(setup.bytes().equals(before)).toBe(false)
    expect(setup.onDisk()).toEqual({ 'a.md': 'Titel a.md', 'b.md': 'Titel b.md, korrigiert', 'c.md': 'Titel c.md', 'd.md': 'Titel d.md' })
    expect(logged.filter((line) => line.startsWith('warning'))).toEqual([])
  })
})
