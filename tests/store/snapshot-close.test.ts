/**
 * The index snapshot when its store closes (a stop: SIGTERM, SIGINT): what a write would hold is written at once,
 * without the files read too recently to trust, and nothing after; never during a load that takes from the
 * snapshot, and never a throw (store/index-snapshot.ts).
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { fileSource } from '../../src/content/article-source.js'
import { stateFile } from '../../src/ops/state-file.js'
import { ContentStore } from '../../src/store/content-store.js'
import { polledUntil, snapshotTitles as titlesIn } from '../helpers/snapshot-titles.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

const SITE_URL = 'https://www.example.de/'
const NAME = 'index-snapshot.v8'
let articles: ReturnType<typeof makeTempDir>
let state: ReturnType<typeof makeTempDir>
const text = (title: string, day: number) => articleText({ title, date: `2025-01-0${day}T10:00:00Z`, category: 'wirtschaft' }, `Text von ${title}.\n`)
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function make(options: { racyMs?: number; delayMs?: number; stateDir?: string; slowBody?: () => Promise<void>; slowStamps?: number } = {}) {
  const config = loadConfig({ ARTICLES_DIR: articles.dir, SITE_URL, STATE_DIR: options.stateDir ?? state.dir, RESCAN_INTERVAL: '0' })
  const files = fileSource(config.articlesDir, config)
  const reads: string[] = []
  const source = {
    ...files,
    readForIndex: async (file: string) => (reads.push(file), files.readForIndex(file)),
    readBody: async (file: string) => (await options.slowBody?.(), files.readBody(file)),
  }
  if (options.slowStamps) Object.assign(source, { stampAll: (names: readonly string[]) => (async function* () {
    yield names.slice(0, 1).map((name) => files.stampNow?.(name))
    await wait(options.slowStamps!)
    yield names.slice(1).map((name) => files.stampNow?.(name))
  })() })
  const lines: string[] = []
  const logger = { info: (line: string) => void lines.push(line), warn: (line: string) => void lines.push(line) }
  const snapshot = { file: stateFile(config.stateDir, NAME), build: 'build-1', delayMs: options.delayMs ?? 10, racyMs: options.racyMs ?? 20 }
  const store = new ContentStore({ config, source, logger, snapshot, clock: () => new Date('2026-01-01T00:00:00Z') })
  return { store, lines, reads, titles: () => store.site().plan.section.map((a) => a.title) }
}
const onDisk = () => titlesIn(state.dir, NAME, articles.dir, SITE_URL)

beforeEach(async () => {
  articles = makeTempDir('close-articles-')
  state = makeTempDir('close-state-')
  articles.write('a.md', text('Alpha', 1))
  articles.write('b.md', text('Beta', 2))
  articles.write('c.md', text('Gamma', 3))
  await wait(60)
  const first = make()
  await first.store.load()
  expect(await polledUntil(onDisk, { 'a.md': 'Alpha', 'b.md': 'Beta', 'c.md': 'Gamma' })).toEqual({ 'a.md': 'Alpha', 'b.md': 'Beta', 'c.md': 'Gamma' })
  first.store.close()
})
afterEach(() => {
  articles.rm()
  state.rm()
})

describe('the index snapshot at close', () => {
  it('is written at once when the store closes while a write verifies a racy file, without that file, and not again once the verification ends', async () => {
    let release!: () => void
    let verifying!: () => void
    const started = new Promise<void>((resolve) => (verifying = resolve))
    const held = new Promise<void>((resolve) => (release = resolve))
    let holding = false
    const second = make({ racyMs: 100, slowBody: async () => { if (holding) verifying(), await held } })
    await second.store.load()
    articles.write('b.md', text('Beta, berichtigt', 2))
    await second.store.applyChanges(['b.md']) // racy: the write waits ~100 ms, then verifies b.md (held)
    await second.store.settled()
    holding = true
    await started
    second.store.close()
    expect(onDisk()).toEqual({ 'a.md': 'Alpha', 'c.md': 'Gamma' })
    fs.rmSync(state.dir, { recursive: true })
    release()
    await wait(300)
    expect(fs.existsSync(state.dir)).toBe(false)
  })

  it('costs one warning, not a throw, when a change is pending at close and STATE_DIR cannot be written', async () => {
    const blocked = path.join(state.dir, 'a-file')
    fs.writeFileSync(blocked, '')
    const second = make({ stateDir: path.join(blocked, 'state'), delayMs: 60_000 })
    await second.store.load()
    articles.write('b.md', text('Beta, berichtigt', 2))
    await wait(60)
    await second.store.applyChanges(['b.md'])
    expect(() => second.store.close()).not.toThrow()
    expect(second.lines.filter((line) => line.includes('cannot write'))).toHaveLength(1)
  })

  it('is not written by a close during a load that takes from it: the next start serves the files as they are', async () => {
    articles.write('b.md', text('Beta, zwei', 2))
    await wait(60)
    const second = make({ slowStamps: 300 })
    const loading = second.store.load()
    await wait(100)
    second.store.close()
    expect(onDisk()).toEqual({ 'a.md': 'Alpha', 'b.md': 'Beta', 'c.md': 'Gamma' })
    await loading
    await wait(100)
    expect(onDisk()).toEqual({ 'a.md': 'Alpha', 'b.md': 'Beta', 'c.md': 'Gamma' })
    const third = make()
    await third.store.load()
    third.store.close()
    expect(third.titles()).toEqual(['Gamma', 'Beta, zwei', 'Alpha'])
  })
})
