/**
 * A racy entry whose re-read gives other content under the same stamp (the case racy
 * verification exists for) is fixed in the snapshot, but the running service keeps serving the stale read.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { fileSource } from '../../src/content/article-source.js'
import { stateFile } from '../../src/ops/state-file.js'
import { ContentStore } from '../../src/store/content-store.js'
import { articleCompactor } from '../../src/store/compact-articles.js'
import { decodeSnapshot } from '../../src/store/snapshot-format.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

const SITE_URL = 'https://www.example.de/'
const NAME = 'index-snapshot.v8'
let articles: ReturnType<typeof makeTempDir>
let state: ReturnType<typeof makeTempDir>
const text = (title: string, day: number) => articleText({ title, date: `2025-01-0${day}T10:00:00Z`, category: 'wirtschaft' }, `Text.\n`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
beforeEach(() => {
  articles = makeTempDir('racy-stale-articles-')
  state = makeTempDir('racy-stale-state-')
})
afterEach(() => {
  articles.rm()
  state.rm()
})

describe('a racy read found stale', () => {
  it('serves what the verification found, not the racy read it replaced in the snapshot', async () => {
    articles.write('a.md', text('Alpha', 1))
    articles.write('b.md', text('Beta', 2))
    await sleep(250)
    const config = loadConfig({ ARTICLES_DIR: articles.dir, SITE_URL, STATE_DIR: state.dir, RESCAN_INTERVAL: '0' })
    const files = fileSource(config.articlesDir, config)
    let racyRead = false
    // The watcher's read of b.md came between two same-size saves in one clock tick: it saw the first ('Beta, halb').
    const source = {
      ...files,
      readForIndex: async (file: string) => {
        const parsed = await files.readForIndex(file)
        if (!(racyRead && file === 'b.md' && parsed)) return parsed
        racyRead = false
        return { ...parsed, article: { ...parsed.article, title: 'Beta, halb' } }
      },
    }
    const snapshot = { file: stateFile(config.stateDir, NAME), build: 'build-1', delayMs: 10, racyMs: 200 }
    const store = new ContentStore({ config, source, logger: { info: () => {}, warn: () => {} }, snapshot, clock: () => new Date('2026-01-01T00:00:00Z') })
    await store.load()
    racyRead = true
    articles.write('b.md', text('Beta, neu', 2))
    await store.applyChanges(['b.md'])
    await sleep(1000)
    const fingerprint = { build: 'build-1', config: { ARTICLES_DIR: articles.dir, SITE_URL, 'time zone': 'Europe/Berlin', language: 'de' } }
    const decoded = decodeSnapshot(stateFile(state.dir, NAME).readBytes() as Buffer, fingerprint, articleCompactor())
    const inSnapshot = 'reason' in decoded ? decoded.reason : [...decoded.entries()].find(([file]) => file === 'b.md')?.[1].article.title
    const served = store.site().plan.section.map((article) => article.title)
    store.close()
    expect(inSnapshot).toBe('Beta, neu')
    expect(served).toEqual(['Beta, neu', 'Alpha'])
  })
})
