/**
 * Load and faults against the built service (a separate process, as in
 * production), on a temporary copy of the articles.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateCorpus } from '../../bench/generate-corpus.js'
import { runLoadTest } from '../../bench/load-test.js'
import { startServer, type RunningServer } from '../helpers/server-process.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

const BUNDLED = fileURLToPath(new URL('../../articles', import.meta.url))
const SECONDS = Number(process.env.LOAD_TEST_SECONDS ?? 6)

let temp: ReturnType<typeof makeTempDir>
let articles: string
let server: RunningServer

beforeEach(async () => {
  temp = makeTempDir('faults-')
  articles = path.join(temp.dir, 'articles')
  fs.cpSync(BUNDLED, articles, { recursive: true })
  generateCorpus(path.join(articles, 'generiert'), 120)
  server = await startServer({ ARTICLES_DIR: articles })
})

afterEach(async () => {
  await server?.stop()
  temp.rm()
})

const titles = async () => ((await (await fetch(`${server.base}/wirtschaft/feed.json`)).json()) as { items: { title: string }[] }).items.map((i) => i.title)

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const started = Date.now()
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

describe('under load, with articles changing every 100 ms', () => {
  it(`answers every request of 200 connections over ${SECONDS} s with a complete, consistent document, and does not grow`, async () => {
    const first = await runLoadTest({ base: server.base, pid: server.child.pid as number, articlesDir: articles, durationMs: SECONDS * 1000, connections: 200 })
    const second = await runLoadTest({ base: server.base, pid: server.child.pid as number, articlesDir: articles, durationMs: SECONDS * 1000, connections: 200 })
    for (const round of [first, second]) {
      expect(round.failureSamples).toEqual([])
      expect(round.failures).toBe(0)
      expect(round.requests).toBeGreaterThan(1000)
      expect(round.byStatus['304']).toBeGreaterThan(0)
      expect(round.changes).toBeGreaterThan(10)
    }
    // A second round of the same load must not leave the process larger: nothing accumulates.
    expect(second.rssMb.after).toBeLessThanOrEqual(first.rssMb.after * 1.15 + 10)
    console.log(`load: ${JSON.stringify({ first, second })}`)
  }, 120_000)
})

describe('faults', () => {
  it('keeps serving the last good feeds while ARTICLES_DIR is gone, and recovers when it is back', async () => {
    // The identity bytes: right after the load above, the last change's gzip and Brotli may still be on their way, and
    // fetch asks for them, so its ETag could change from the identity's to the gzip's with the content the same.
    const identity = { headers: { 'Accept-Encoding': 'identity' } }
    const before = await fetch(`${server.base}/wirtschaft/feed.xml`, identity)
    const etag = before.headers.get('ETag')
    fs.renameSync(articles, `${articles}-weg`)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const during = await fetch(`${server.base}/wirtschaft/feed.xml`, identity)
    expect(during.status).toBe(200)
    expect(during.headers.get('ETag')).toBe(etag)
    expect(server.output()).toContain('is missing; the last good content stays published until it is back')

    fs.renameSync(`${articles}-weg`, articles)
    await until(async () => server.output().includes('is back; reloading'))
    fs.writeFileSync(path.join(articles, 'zurueck.md'), articleText({ title: 'Wieder da', date: '2026-11-01T10:00:00Z', category: 'wirtschaft' }))
    await until(async () => (await titles())[0] === 'Wieder da')
  }, 20_000)

  it('keeps serving valid feeds when 1,000 invalid files arrive, and recovers', async () => {
    const good = await titles()
    for (let n = 0; n < 1000; n++) fs.writeFileSync(path.join(articles, `kaputt-${n}.md`), `---\ntitle: [kaputt ${n}\n---\n`)
    await until(async () => server.output().split('\n').filter((line) => line.startsWith('skipped kaputt-')).length === 1000, 10_000)
    expect(await titles()).toEqual(good)
    const feed = await fetch(`${server.base}/wirtschaft/atom.xml`)
    expect(feed.status).toBe(200)
    expect(await feed.text()).toMatch(/<\/feed>\n$/)
    const health = (await (await fetch(`${server.base}/healthz`)).json()) as { refused: number }
    expect(health.refused).toBe(1000)

    for (let n = 0; n < 1000; n++) fs.rmSync(path.join(articles, `kaputt-${n}.md`))
    fs.writeFileSync(path.join(articles, 'danach.md'), articleText({ title: 'Danach', date: '2026-11-02T10:00:00Z', category: 'wirtschaft' }))
    await until(async () => (await titles())[0] === 'Danach', 10_000)
    await until(async () => ((await (await fetch(`${server.base}/healthz`)).json()) as { refused: number }).refused === 0)
  }, 30_000)
})
