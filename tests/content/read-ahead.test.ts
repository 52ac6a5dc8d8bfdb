/**
 * Reading ahead at a load (content/read-ahead.ts): a worker thread reads and
 * parses files from the end of the list while the main thread reads from
 * its start, and readForIndex gives what a read here would have given: the
 * same article, warnings, refusal and recorded stamp, with the body's digest
 * in place of the body. The worker is the built one (the bundle, or tsc's dist/).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig, type Config } from '../../src/config.js'
import { fileSource } from '../../src/content/article-source.js'
import { bodyDigest } from '../../src/content/body-digest.js'
import { listArticleFiles } from '../../src/content/load-articles.js'
import type { ParsedArticle } from '../../src/content/parse-article.js'
import { usableCores } from '../../src/content/read-ahead.js'
import { stateFile } from '../../src/ops/state-file.js'
import { articleCompactor } from '../../src/store/compact-articles.js'
import { ContentStore } from '../../src/store/content-store.js'
import { decodeSnapshot } from '../../src/store/snapshot-format.js'
import { polled } from '../helpers/polled.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

const WORKER = new URL('../../dist/content/parse-worker.js', import.meta.url)
/** The bundle the service runs (scripts/build.mjs), with every module it needs. */
const BUNDLED_WORKER = new URL('../../dist/parse-worker.js', import.meta.url)
const OPTIONS = { siteUrl: 'https://www.example.de/', timeZone: 'Europe/Berlin', language: 'de' }

let articles: ReturnType<typeof makeTempDir>
let files: string[]

beforeEach(() => {
  articles = makeTempDir('read-ahead-')
  files = []
  const add = (file: string, text: string | Buffer) => (articles.write(file, text), files.push(file))
  for (let n = 0; n < 40; n++) add(`${String(n % 4)}/m${n}.md`, articleText({ title: `„Meldung ${n}“ über 5 €`, date: `2025-01-${String((n % 28) + 1).padStart(2, '0')}T10:00:00Z`, category: 'wirtschaft', tags: '[Zinsen, EZB]' }, `Text ${n}.\n`))
  // A warning (an unknown field), a refusal with more problems than a message shows, bytes that are not UTF-8, a long body.
  add('warnung.md', articleText({ title: 'Mit Warnung', date: '2025-02-01T10:00:00Z', category: 'wirtschaft', unbekannt: 'x' }, 'Text.\n'))
  const wrong = ['title: [1]', 'date: gestern', 'updated: morgen', 'category: [x]', 'tags: {a: 1}', 'author: {a: 1}', 'summary: [1]', 'image: [1]', 'image_alt: [1]', 'enclosure: 5', 'episode: x', 'explicit: vielleicht', 'slug: "A B/C"', 'id: [1]', 'draft: vielleicht', 'lang: [1]', 'season: x', 'access: x', 'transcript: 5', 'chapters: 5']
  add('kaputt.md', `---\n${wrong.join('\n')}\n---\nText\n`)
  add('latin1.md', Buffer.from(articleText({ title: 'Börse', date: '2025-02-02T10:00:00Z', category: 'wirtschaft' }, 'Ä\n'), 'latin1'))
  add('lang.md', articleText({ title: 'Lang', date: '2025-02-03T10:00:00Z', category: 'wirtschaft' }, 'Wort '.repeat(20_000)))
  // Listed, then gone before it is read.
  files.push('weg.md')
})

afterEach(() => articles.rm())

/** The index snapshot a store in these tests keeps: written 10 ms after a change; a read within `racyMs` of its file's save is verified first. */
const snapshotIn = (config: Config, racyMs = 20) => ({ file: stateFile(config.stateDir, 'index-snapshot.v8'), build: 'build-1', delayMs: 10, racyMs })

/** The rows of `store`'s index snapshot once it is written, the store closed then. */
async function rowsWritten(config: Config, store: ContentStore) {
  const written = () => stateFile(config.stateDir, 'index-snapshot.v8').readBytes()
  await polled(() => written()?.length ?? 0, (length) => length > 2000)
  store.close()
  const fingerprint = { build: 'build-1', config: { ARTICLES_DIR: config.articlesDir, SITE_URL: config.siteUrl, 'time zone': config.timeZone, language: config.language } }
  const rows = decodeSnapshot(written() as Buffer, fingerprint, articleCompactor())
  if ('reason' in rows) throw new Error(rows.reason)
  return rows
}

/** What readForIndex gave for each file, and the stamp it recorded: with the body's digest in place of the body. */
async function readAll(source: ReturnType<typeof fileSource>, order: readonly string[], pause?: (index: number) => Promise<void>) {
  const read: Record<string, unknown> = {}
  const ahead: string[] = []
  const readAt: Record<string, number | undefined> = {}
  for (const [index, file] of order.entries()) {
    await pause?.(index)
    let parsed: ParsedArticle | undefined
    try {
      parsed = await source.readForIndex(file)
    } catch (error) {
      read[file] = { error: (error as Error).message, stamp: source.readStamp(file) }
      continue
    }
    // Read ahead, the body is not given: its digest is.
    if (parsed && parsed.body === '' && parsed.bodyDigest !== undefined) ahead.push(file)
    if (parsed?.readAt !== undefined) readAt[file] = parsed.readAt
    read[file] = parsed && { article: parsed.article, warnings: parsed.warnings, digest: parsed.bodyDigest ?? (await bodyDigest(parsed.body)), stamp: source.readStamp(file) }
  }
  return { read, ahead, readAt }
}

describe('reading ahead', () => {
  it('gives what a read on the main thread gives: articles, warnings, refusals (with their count of problems), stamps', async () => {
    const here = await readAll(fileSource(articles.dir, OPTIONS), files)
    let ended: () => void = () => {}
    let endedAt = 0
    const end = new Promise<void>((resolve) => (ended = resolve)).then(() => void (endedAt = Date.now()))
    // Chunks of 8: the worker may read all six before the main thread takes any (AHEAD_CHUNKS: 8).
    const source = fileSource(articles.dir, OPTIONS, { entry: BUNDLED_WORKER, minFiles: 0, cores: 2, chunk: 8, onEnd: () => ended() })
    const startedAt = Date.now()
    const stop = source.readAhead?.(files)
    // The worker reads every file first: the main thread then takes each as the worker read it.
    const { read, ahead, readAt } = await readAll(source, files, async (index) => (index === 0 ? end : undefined))
    stop?.()
    // Each dated by when the worker read it, not when it was taken (racy-entries.ts: a save just before stays racy).
    expect(Object.values(readAt).filter((time) => time !== undefined && time >= startedAt && time <= endedAt)).toHaveLength(42)
    expect(ahead.length).toBe(42)
    expect(read).toEqual(here.read)
    expect((read['kaputt.md'] as { error: string }).error).toMatch(/^kaputt\.md: .*; and \d+ more problems$/)
    expect((read['warnung.md'] as { warnings: unknown[] }).warnings).toHaveLength(1)
    expect(read['weg.md']).toBeUndefined()
  })

  it('shares the files with the main thread by chunks: each read by one of the two', async () => {
    let ended: () => void = () => {}
    const end = new Promise<void>((resolve) => (ended = resolve))
    const source = fileSource(articles.dir, OPTIONS, { entry: WORKER, minFiles: 0, cores: 2, chunk: 4, onEnd: () => ended() })
    const stop = source.readAhead?.(files)
    // The main thread reads the first 20 at once (five chunks of 4; the worker is still loading), then waits: the
    // worker claims the chunks after those, up to eight past the main thread's last, which is all of them here.
    const { read, ahead } = await readAll(source, files, async (index) => (index === 20 ? end : undefined))
    stop?.()
    expect(ahead).toEqual(files.slice(20).filter((file) => file.startsWith('warnung') || /^\d\//.test(file) || file === 'lang.md'))
    expect(Object.keys(read).length).toBe(files.length)
  })

  it('reads here what a worker that cannot start, or dies with files it claimed, never sent, and says why', async () => {
    const modules = makeTempDir('read-ahead-modules-')
    const broken = modules.write('broken-worker.mjs', 'throw new Error("kaputt beim Laden")\n')
    const fallbacks: string[] = []
    const source = fileSource(articles.dir, OPTIONS, { entry: new URL(`file://${broken}`), minFiles: 0, cores: 2 })
    const stop = source.readAhead?.(files, (error) => fallbacks.push(error.message))
    const heard = async (index: number) => void (index === 0 && (await polled(() => fallbacks.length, (count) => count > 0)))
    const { read, ahead } = await readAll(source, files, heard)
    stop?.()
    expect([ahead, fallbacks]).toEqual([[], ['kaputt beim Laden']])
    expect(read).toEqual((await readAll(fileSource(articles.dir, OPTIONS), files)).read)
    // One that claims the last file and exits without sending it.
    const dying = modules.write(
      'dying-worker.mjs',
      "import fs from 'node:fs'\nimport { workerData } from 'node:worker_threads'\n" +
        `fs.writeFileSync(${JSON.stringify(path.join(modules.dir, 'given.json'))}, JSON.stringify(workerData.options))\n` +
        'Atomics.store(new Int32Array(workerData.claims), Math.ceil(workerData.files.length / workerData.chunk) - 1, 2)\nprocess.exit(3)\n',
    )
    const told: string[] = []
    // Given the service's whole configuration (main.ts gives it), it hands the worker the parse options alone.
    const again = fileSource(articles.dir, { ...OPTIONS, cdn: { purge: { token: 'geheim' } } } as typeof OPTIONS, { entry: new URL(`file://${dying}`), minFiles: 0, cores: 2 })
    const stopAgain = again.readAhead?.(files, (error) => told.push(error.message))
    const last = files.at(-2) as string
    await polled(() => told.length, (count) => count > 0)
    expect(told).toEqual(['the parse worker exited (code 3)'])
    expect(JSON.parse(fs.readFileSync(path.join(modules.dir, 'given.json'), 'utf8'))).toEqual(OPTIONS)
    // The last chunk, claimed by the worker and never sent, is read here: the last file listed is gone (weg.md), the one before it is not.
    expect((await again.readForIndex(files.at(-1) as string))).toBeUndefined()
    expect((await again.readForIndex(last))?.article.title).toBe('Lang')
    stopAgain?.()
    modules.rm()
  })

  // Hostile review (helper-101): the worker's module is loaded from disk at each load, so a reload long after the start,
  // with dist/ built again in place meanwhile, parsed part of the files with the new code and the rest with the old.
  it('reads nothing with a worker of another build than the code that started it, and says so', async () => {
    const told: string[] = []
    const source = fileSource(articles.dir, OPTIONS, { entry: BUNDLED_WORKER, minFiles: 0, cores: 2, identity: 'eine andere Fassung' })
    const stop = source.readAhead?.(files, (error) => told.push(error.message))
    await polled(() => told.length, (count) => count > 0)
    const { read, ahead } = await readAll(source, files)
    stop?.()
    expect([ahead, told]).toEqual([[], ["its code is another build than the service's (dist/ was built again since it started)"]])
    expect(read).toEqual((await readAll(fileSource(articles.dir, OPTIONS), files)).read)
  })

  it('keeps a file read ahead just after its last save racy, by when it was read, not when it was taken', async () => {
    // Saved, read at once (as if ahead, on another thread), and taken 700 ms later; or, the control, dated when taken.
    // Racy as read (within 500 ms of the save), each is read again (verified) before the snapshot keeps it.
    const bodyReads = async (datedWhenRead: boolean): Promise<Record<string, number>> => {
      const state = makeTempDir('read-ahead-racy-')
      try {
        for (const file of files) if (fs.existsSync(path.join(articles.dir, file))) articles.write(file, fs.readFileSync(path.join(articles.dir, file)))
        const readAt = Date.now()
        // Each saved 100 ms before it was read, however long the writes took (on a loaded machine the first was saved
        // over 500 ms before the last, so read when it was no longer racy: CI failed on it).
        const saved = new Date(readAt - 100)
        for (const file of files) if (fs.existsSync(path.join(articles.dir, file))) fs.utimesSync(path.join(articles.dir, file), saved, saved)
        await new Promise((resolve) => setTimeout(resolve, 700))
        const config = loadConfig({ ARTICLES_DIR: articles.dir, SITE_URL: OPTIONS.siteUrl, STATE_DIR: state.dir, RESCAN_INTERVAL: '0' })
        const plain = fileSource(config.articlesDir, config)
        const reads: Record<string, number> = {}
        const source = {
          ...plain,
          readForIndex: async (file: string) => {
            const parsed = await plain.readForIndex(file)
            return parsed && (datedWhenRead ? { ...parsed, readAt } : parsed)
          },
          readBody: async (file: string) => ((reads[file] = (reads[file] ?? 0) + 1), plain.readBody(file)),
        }
        const snapshot = snapshotIn(config, 500)
        const store = new ContentStore({ config, source, logger: { info: () => {}, warn: () => {} }, snapshot })
        await store.load()
        await polled(() => snapshot.file.readBytes()?.length ?? 0, (length) => length > 2000)
        store.close()
        return reads
      } finally {
        state.rm()
      }
    }
    const dated = await bodyReads(true)
    const control = await bodyReads(false)
    const published = files.filter((file) => !['weg.md', 'kaputt.md', 'latin1.md'].includes(file))
    expect(Object.fromEntries(published.map((file) => [file, (dated[file] ?? 0) - (control[file] ?? 0)]))).toEqual(Object.fromEntries(published.map((file) => [file, 1])))
  })

  it('starts no worker where the process has one core (they would take turns: it came later)', async () => {
    let ended = false
    const source = fileSource(articles.dir, OPTIONS, { entry: WORKER, minFiles: 0, cores: 1, onEnd: () => (ended = true) })
    const stop = source.readAhead?.(files)
    const { ahead } = await readAll(source, files, async (index) => void (index === 0 && (await new Promise((resolve) => setTimeout(resolve, 500)))))
    stop?.()
    expect([ahead, ended]).toEqual([[], false])
  })

  it('counts the cores a cgroup quota leaves it, not only those it may be scheduled on', () => {
    const cgroup = makeTempDir('read-ahead-cgroup-')
    try {
      const quota = (text: string) => usableCores(path.dirname(cgroup.write('cpu.max', text)), '0::/\n')
      expect([quota('100000 100000\n'), quota('max 100000\n'), quota('250000 100000\n'), quota('kaputt'), usableCores(path.join(cgroup.dir, 'none'), '0::/\n')]).toEqual([
        1,
        os.availableParallelism(),
        Math.min(2, os.availableParallelism()),
        os.availableParallelism(),
        os.availableParallelism(),
      ])
      // Hostile review (helper-101): only the root's cpu.max was read. A cgroup v2 below the root (no namespace of its
      // own) is capped by its own quota and each above it; cgroup v1 by cpu.cfs_quota_us over cpu.cfs_period_us.
      cgroup.write('cpu.max', 'max 100000\n')
      cgroup.write('dienst/cpu.max', '150000 100000\n')
      cgroup.write('dienst/app/cpu.max', 'max 100000\n')
      cgroup.write('cpu,cpuacct/docker/x/cpu.cfs_quota_us', '100000\n')
      cgroup.write('cpu,cpuacct/docker/x/cpu.cfs_period_us', '100000\n')
      cgroup.write('cpu,cpuacct/docker/y/cpu.cfs_quota_us', '-1\n')
      cgroup.write('cpu,cpuacct/docker/y/cpu.cfs_period_us', '100000\n')
      expect([
        usableCores(cgroup.dir, '0::/dienst/app\n'),
        usableCores(cgroup.dir, '4:cpu,cpuacct:/docker/x\n0::/\n'),
        usableCores(cgroup.dir, '4:cpu,cpuacct:/docker/y\n0::/\n'),
        usableCores(cgroup.dir, '4:memory:/docker/x\n'),
      ]).toEqual([1, 1, os.availableParallelism(), os.availableParallelism()])
    } finally {
      cgroup.rm()
    }
  })

  // Hostile review (helper-101): the rows went into the snapshot, and the warnings and refusals into the log, in the
  // order the reads finished; those read ahead finish after later ones read here. Out of the listing's order, every
  // restart built a map of all files to find its rows (SnapshotRows#row), and the log depended on the threads.
  it('writes the snapshot rows, warnings and refusals in the listing order, however the reads finish', async () => {
    const state = makeTempDir('read-ahead-order-')
    try {
      fs.rmSync(path.join(articles.dir, 'latin1.md'))
      for (let n = 0; n < 12; n++) articles.write(`${String(n % 4)}/w${n}.md`, articleText({ title: `W${n}`, date: '2025-03-01T10:00:00Z', category: 'wirtschaft', unbekannt: String(n) }, 'Text.\n'))
      articles.write('1/kaputt.md', '---\ntitle: [1]\n---\nText\n')
      await new Promise((resolve) => setTimeout(resolve, 60))
      const config = loadConfig({ ARTICLES_DIR: articles.dir, SITE_URL: OPTIONS.siteUrl, STATE_DIR: state.dir, RESCAN_INTERVAL: '0' })
      const run = async (late: (file: string) => boolean) => {
        const files = fileSource(config.articlesDir, config)
        // As files read ahead: those of folder 0 come last.
        const source = { ...files, readForIndex: async (file: string) => (late(file) && (await new Promise((resolve) => setTimeout(resolve, 40))), files.readForIndex(file)) }
        const logged: string[] = []
        const store = new ContentStore({ config, source, logger: { info: () => {}, warn: (line: string) => void logged.push(line) }, snapshot: snapshotIn(config) })
        await store.load()
        const rows = await rowsWritten(config, store)
        fs.rmSync(path.join(state.dir, 'index-snapshot.v8'))
        return { rows: [...rows.entries()].map(([file]) => file), logged }
      }
      const inOrder = await run(() => false)
      const late = await run((file) => file.startsWith('0/'))
      expect(inOrder.logged.filter((line) => line.includes('unbekannt'))).toHaveLength(13)
      // Read in order, the rows are the listing's files that publish (not the one gone, nor the two refused).
      expect(inOrder.rows).toEqual(listArticleFiles(articles.dir, '').files.filter((file) => !['weg.md', 'kaputt.md', '1/kaputt.md'].includes(file)))
      expect(late).toEqual(inOrder)
    } finally {
      state.rm()
    }
  })

  it('records what it read for the index snapshot: a restart takes every file from it, none read again', async () => {
    const state = makeTempDir('read-ahead-state-')
    try {
      fs.rmSync(path.join(articles.dir, 'latin1.md'))
      fs.rmSync(path.join(articles.dir, 'kaputt.md'))
      // Older than the 20 ms a file's read is not trusted within here (racyMs; racy-entries.ts): kept as read.
      await new Promise((resolve) => setTimeout(resolve, 60))
      const config = loadConfig({ ARTICLES_DIR: articles.dir, SITE_URL: OPTIONS.siteUrl, STATE_DIR: state.dir, RESCAN_INTERVAL: '0' })
      const readAhead: string[] = []
      const start = async (reads: string[], ahead?: { entry: URL; minFiles: number; cores: number }) => {
        let ended: () => void = () => {}
        // With a worker, the first read waits until it has read every file: each is then as the worker read it.
        const end = ahead ? new Promise<void>((resolve) => (ended = resolve)) : undefined
        const files = fileSource(config.articlesDir, config, ahead && { ...ahead, onEnd: () => ended() })
        const source = {
          ...files,
          readForIndex: async (file: string) => {
            reads.push(file)
            await end
            const parsed = await files.readForIndex(file)
            if (parsed?.body === '') readAhead.push(file)
            return parsed
          },
        }
        const store = new ContentStore({ config, source, logger: { info: () => {}, warn: () => {} }, snapshot: snapshotIn(config) })
        await store.load()
        return store
      }
      const firstReads: string[] = []
      const first = await start(firstReads, { entry: WORKER, minFiles: 0, cores: 2 })
      const titles = first.site().plan.section.map((article) => article.title)
      // Written a quiet moment after the load: every file as read.
      const rows = await rowsWritten(config, first)
      expect(firstReads.length).toBe(42)
      expect(readAhead.length).toBe(42)
      // Each body's version as a read here makes it (the worker sends the digest, not the body).
      const digests = Object.fromEntries([...rows.entries()].map(([file, entry]) => [file, entry.bodyDigest]))
      const expected = Object.fromEntries(await Promise.all(firstReads.map(async (file) => [file, await bodyDigest(fs.readFileSync(path.join(articles.dir, file), 'utf8').split('\n---\n').slice(1).join('\n---\n'))])))
      expect(digests).toEqual(expected)
      const againReads: string[] = []
      const again = await start(againReads)
      expect([againReads, again.site().plan.section.map((article) => article.title)]).toEqual([[], titles])
      again.close()
    } finally {
      state.rm()
    }
  })
})
