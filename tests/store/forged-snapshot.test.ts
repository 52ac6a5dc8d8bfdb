/**
 * Found by a hostile review: an index snapshot (format 2, and 3) whose checksum is right but whose columns are not what
 * the build writes. The checksum is no secret (a CRC-32 of the body since format 3, a SHA-256 before), so a right one
 * says only that the file is whole. Format 1 made every article while decoding, inside decodeSnapshot's
 * try: a row that could not be made refused the whole snapshot ("is damaged (...)") and every
 * file was read. Format 2 makes an article only when its file is taken (SnapshotRows#entry),
 * outside that try: a column the constructor does not check throws in the middle of the load.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { fileSource } from '../../src/content/article-source.js'
import { stateFile } from '../../src/ops/state-file.js'
import { ContentStore } from '../../src/store/content-store.js'
import { articleCompactor } from '../../src/store/compact-articles.js'
import { bodyChunks } from '../../src/store/snapshot-encode.js'
import { decodeSnapshot, snapshotBody } from '../../src/store/snapshot-format.js'
import { polled } from '../helpers/polled.js'
import { snapshotTitles } from '../helpers/snapshot-titles.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

const SITE_URL = 'https://www.example.de/'
const NAME = 'index-snapshot.v8'
let articles: ReturnType<typeof makeTempDir>
let state: ReturnType<typeof makeTempDir>

const text = (title: string, day: number) => articleText({ title, date: `2025-01-0${day}T10:00:00Z`, category: 'wirtschaft', tags: '[Zinsen, EZB]' }, `Text von ${title}.\n`)

/**
 * `pause`: the load holds that file's read until the snapshot holds every other file (written meanwhile, its delay
 * past), as a slow disk or a busy machine can.
 */
async function start(pause?: { file: string; others: number }) {
  const config = loadConfig({ ARTICLES_DIR: articles.dir, SITE_URL, STATE_DIR: state.dir, RESCAN_INTERVAL: '0' })
  const files = fileSource(config.articlesDir, config)
  const reads: string[] = []
  const held = (name: string) => (name === pause?.file ? snapshotOf(pause.others) : undefined)
  const source = { ...files, readForIndex: async (name: string) => (reads.push(name), await held(name), files.readForIndex(name)) }
  const lines: string[] = []
  const logger = { info: (line: string) => void lines.push(line), warn: (line: string) => void lines.push(line) }
  const snapshot = { file: stateFile(config.stateDir, NAME), build: 'build-1', delayMs: 10, racyMs: 20 }
  const store = new ContentStore({ config, source, logger, snapshot, clock: () => new Date('2026-01-01T00:00:00Z') })
  await store.load()
  return { store, lines, reads: () => [...reads].sort(), titles: () => store.site().plan.section.map((article) => article.title) }
}

const file = () => path.join(state.dir, NAME)

/**
 * The number of files the snapshot holds once it is `files` (or after 5 s, what it holds then). A pause in the load
 * longer than the snapshot's delay (10 ms here) writes it with the files read so far, and again after the load: the
 * first write alone is not the snapshot of every file.
 */
const snapshotOf = (files: number): Promise<number | string> =>
  polled(() => {
    const titles = snapshotTitles(state.dir, NAME, articles.dir, SITE_URL)
    return typeof titles === 'string' ? titles : Object.keys(titles).length
  }, (held) => held === files)

/** Rewrites the snapshot's document with `change`, and its checksum to match. */
function forge(change: (body: { keys: string[]; columns: Record<string, unknown>[] }) => void): void {
  const body = snapshotBody(fs.readFileSync(file()))
  if ('reason' in body) throw new Error(body.reason)
  change(body as unknown as { keys: string[]; columns: Record<string, unknown>[] })
  fs.writeFileSync(file(), Buffer.concat([...bodyChunks(body)].filter((chunk) => chunk !== null)))
}

beforeEach(async () => {
  articles = makeTempDir('forged-articles-')
  state = makeTempDir('forged-state-')
  articles.write('a.md', text('Alpha', 1))
  articles.write('b.md', text('Beta', 2))
  articles.write('c.md', text('Gamma', 3))
  await new Promise((resolve) => setTimeout(resolve, 60))
  const first = await start()
  expect(await snapshotOf(3)).toBe(3)
  first.store.close()
})

afterEach(() => {
  articles.rm()
  state.rm()
})

const column = (body: { keys: string[]; columns: Record<string, unknown>[] }, key: string) => body.columns[body.keys.indexOf(key)] as Record<string, unknown>

describe('a snapshot with a right checksum and columns the build never writes', () => {
  it('refuses it and reads every file when `updated` is not a column of dates (format 1 refused such a row)', async () => {
    forge((body) => (body.columns[body.keys.indexOf('updated')] = { kind: 'plain', values: [null, null, null] }))
    const second = await start()
    second.store.close()
    expect(second.titles()).toEqual(['Gamma', 'Beta', 'Alpha'])
    expect(second.reads()).toEqual(['a.md', 'b.md', 'c.md'])
    expect(second.lines.filter((line) => line.includes('index snapshot'))).toEqual([`not using the index snapshot ${file()}: it is damaged (a date that is none); reading every file`])
  })

  it('refuses it when a list index is negative (a plain array, not the Uint32Array the build writes)', async () => {
    forge((body) => (column(body, 'categories').index = [-1, -1, -1]))
    const second = await start()
    second.store.close()
    expect(second.titles()).toEqual(['Gamma', 'Beta', 'Alpha'])
  })

  it('refuses it when a date is NaN', async () => {
    forge((body) => (column(body, 'date').times = new Float64Array([Number.NaN, Number.NaN, Number.NaN])))
    const second = await start()
    second.store.close()
    expect(second.titles()).toEqual(['Gamma', 'Beta', 'Alpha'])
  })

  // Found by a review: the decoded arrays were copied with slice(), a Buffer's is a view, and a snapshot over 4 KB
  // (not in Node's shared pool) has its bytes freed after decoding: the index came out empty, every start threw.
  it('serves every article when a list index is a Buffer, though the bytes it was decoded from are freed', async () => {
    // Over 64 KiB, so that its bytes are freed on Node 24 as well (a smaller file is read into a buffer that cannot be).
    for (let n = 1; n <= 250; n++) articles.write(`m${n}.md`, text(`Meldung ${n}`, 4))
    await new Promise((resolve) => setTimeout(resolve, 60))
    // The pause: a shuffled test run once found the snapshot of the files read before one (11,119 bytes), and forged that.
    const first = await start({ file: 'm40.md', others: 252 })
    expect(await snapshotOf(253)).toBe(253)
    first.store.close()
    forge((body) => (column(body, 'categories').index = Buffer.from(column(body, 'categories').index as Uint32Array)))
    expect(fs.statSync(file()).size).toBeGreaterThan(64 * 1024)
    const second = await start()
    second.store.close()
    expect(second.titles()).toHaveLength(253)
    expect(second.store.site().plan.section.every((article) => article.categories.includes('wirtschaft'))).toBe(true)
  })
})

// Hostile review (helper-98) of the runtime named in the fingerprint (a start under another Node says so).
describe('a snapshot with a right checksum and a fingerprint the build never writes', () => {
  const config = () => ({ ARTICLES_DIR: articles.dir, SITE_URL, 'time zone': 'Europe/Berlin', language: 'de' })
  const reasonOf = (runtime: string) => {
    const decoded = decodeSnapshot(fs.readFileSync(file()), { build: 'build-2', runtime, config: config() }, articleCompactor())
    return 'reason' in decoded ? decoded.reason : 'used'
  }

  it('refuses one that names no configuration, and reads every file (it threw, and the start with it)', async () => {
    forge((body) => delete (body as { fingerprint?: { config?: unknown } }).fingerprint?.config)
    const second = await start()
    second.store.close()
    expect(second.reads()).toEqual(['a.md', 'b.md', 'c.md'])
    expect(second.lines.filter((line) => line.includes('index snapshot'))).toEqual([`not using the index snapshot ${file()}: it is damaged (it names no configuration); reading every file`])
  })

  it('puts no control or format character of a forged runtime into the log line', () => {
    forge((body) => Object.assign((body as unknown as { fingerprint: object }).fingerprint, { runtime: JSON.stringify(['v20.19.5\nindex snapshot x: 3 files', '77\r.1', '\u202e2025b', '16.0\u001b[31m']) }))
    expect(reasonOf(JSON.stringify(['v24.11.1', '77.1', '2025b', '16.0']))).toBe(
      'was written under Node.js v20.19.5index snapshot x: 3 files (ICU 77.1, time zones 2025b, Unicode 16.0[31m), and this is Node.js v24.11.1 (ICU 77.1, time zones 2025b, Unicode 16.0)',
    )
  })

  it('names no upgrade where the two runtimes read the same (another spelling of one), but the other build', () => {
    forge((body) => Object.assign((body as unknown as { fingerprint: object }).fingerprint, { runtime: '[ "v24.11.1", "77.1", "2025b", "16.0" ]' }))
    expect(reasonOf(JSON.stringify(['v24.11.1', '77.1', '2025b', '16.0']))).toBe('was written by another build of the service')
  })
})
