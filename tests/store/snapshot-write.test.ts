/**
 * Writing the index snapshot (store/index-snapshot.ts, snapshot-encode.ts) holds the event loop for no more than a
 * few milliseconds at a time. Found measuring issue 14's edits at 50,000 articles: five seconds after every edit the
 * whole snapshot (18 MB) was encoded and written in one go, and every client's answer waited 0.6-0.75 s for it
 * (1.5-2 s at 200,000): the bench's edit figures never saw it, their polling had ended by then.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ArticleSource } from '../../src/content/article-source.js'
import { stateFile } from '../../src/ops/state-file.js'
import { articleCompactor } from '../../src/store/compact-articles.js'
import { snapshotSource } from '../../src/store/index-snapshot.js'
import { decodeSnapshot } from '../../src/store/snapshot-format.js'
import { makeArticle } from '../helpers/article-fixtures.js'
import { bestLoopDelay, LOOP_LIMIT_MS } from '../helpers/loop-delay.js'
import { makeTempDir } from '../helpers/temp-dir.js'

const FILES = 50_000
const NAME = 'index-snapshot.v8'
const config = { articlesDir: '/artikel', siteUrl: 'https://www.example.de/', timeZone: 'Europe/Berlin', language: 'de' }
const fingerprint = { build: 'build-1', config: { ARTICLES_DIR: config.articlesDir, SITE_URL: config.siteUrl, 'time zone': config.timeZone, language: config.language } }
const TOPICS = ['Zinsen', 'Inflation', 'Arbeitsmarkt', 'Energie', 'Handel', 'Immobilien']

/** File n as the bench corpus has it: its own title, summary, URL and id, a few shared tags and authors. */
const articleOf = (n: number, title = `Meldung ${n}: ${TOPICS[n % 6]} im Blick`) =>
  makeArticle(`meldung-${n}`, {
    date: new Date(Date.UTC(2020, 0, 1) + n * 3_600_000).toISOString(),
    file: `${String(Math.ceil(n / 500)).padStart(3, '0')}/meldung-${n}.md`,
    title,
    tags: [TOPICS[n % 6] as string, TOPICS[(n * 7) % 6] as string],
    authors: [`Autorin ${n % 12}`],
    summary: `Zusammenfassung der Meldung ${n} über ${TOPICS[n % 6]}.`,
  })

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

/** A snapshot source over FILES files held in memory (no disk but STATE_DIR), each changed long before it is read. */
function setUp() {
  const state = makeTempDir('snapshot-write-')
  cleanups.push(() => state.rm())
  const compact = articleCompactor()
  const titles = new Map<string, string>()
  const read = async (file: string) => {
    const n = Number(/meldung-(\d+)/.exec(file)?.[1])
    return { article: compact(articleOf(n, titles.get(file))), body: `Text ${n}.`, warnings: [] }
  }
  // Changed at 1970-01-01T00:00:01Z: long settled, so the write keeps every entry without reading a file again.
  const stamp = (file: string) => `1:${file.length}:1000:1000:${titles.get(file) ?? ''}`
  const files = { readForIndex: read, readBody: read, readStamp: stamp, stampNow: stamp, adoptStamp: () => {} } as unknown as ArticleSource
  const logged: string[] = []
  const logger = { info: (line: string) => void logged.push(line), warn: (line: string) => void logged.push(line) }
  const snapshot = { file: stateFile(state.dir, NAME), build: 'build-1', delayMs: 10, racyMs: 20 }
  const source = snapshotSource(files, snapshot, config, logger, compact)
  const written = () => fs.statSync(path.join(state.dir, NAME), { throwIfNoEntry: false })?.mtimeMs
  return { source, titles, written, logged, bytes: () => fs.readFileSync(path.join(state.dir, NAME)) }
}

describe('writing the index snapshot of 50,000 files', () => {
  it('never holds the event loop for 100 ms, and writes every entry', async () => {
    const { source, titles, written, logged, bytes } = setUp()
    const names = Array.from({ length: FILES }, (_, i) => articleOf(i + 1).file)
    for (const name of names) await source.readForIndex(name)
    const edited = names[FILES - 1] as string
    let last = -1
    const best = await bestLoopDelay(async (attempt) => {
      // Each try writes after one more edit.
      const before = written()
      titles.set(edited, `Eilmeldung ${attempt}`)
      await source.readForIndex(edited)
      // Up to 20 s: the write waits for its delay, then encodes and writes 18 MB a slice at a time.
      for (let waited = 0; written() === before && waited < 20_000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5))
      await new Promise((resolve) => setTimeout(resolve, 20)) // and a turn after it
      last = attempt
    })
    const rows = decodeSnapshot(bytes(), fingerprint, articleCompactor())
    if ('reason' in rows) throw new Error(rows.reason)
    expect(rows.size).toBe(FILES)
    expect(rows.take(edited, () => true)?.article.title).toBe(`Eilmeldung ${last}`)
    expect(rows.take(names[0] as string, () => true)?.article.summary).toBe('Zusammenfassung der Meldung 1 über Inflation.')
    // Unrounded, as bestLoopDelay tries again: 99.6 ms ended its tries and then failed as 100.
    expect(best, `${best.toFixed(1)} ms`).toBeLessThan(LOOP_LIMIT_MS)
    expect(logged.filter((line) => line.startsWith('warning'))).toEqual([])
  }, 120_000)
})
