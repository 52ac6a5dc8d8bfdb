/**
 * /healthz and /readyz of the built service (a separate process, as in
 * production) while ARTICLES_DIR vanishes and comes back, and while an empty
 * folder is swapped in. A reload that fails is in bad-files.test.ts, a watch
 * that dies in tests/store/health.test.ts.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../helpers/server-process.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

let temp: ReturnType<typeof makeTempDir>
let articles: string
let server: RunningServer

beforeEach(async () => {
  temp = makeTempDir('health-')
  articles = path.join(temp.dir, 'artikel')
  temp.write('artikel/a.md', articleText({ title: 'Erste', date: '2025-01-01T10:00:00Z', category: 'wirtschaft' }))
  server = await startServer({ ARTICLES_DIR: articles, RESCAN_INTERVAL: '2' })
})

afterEach(async () => {
  await server?.stop()
  temp.rm()
})

/** The status of /healthz, its `status` and its `reasons`. */
async function health(): Promise<[number, string, string[] | undefined]> {
  const response = await fetch(`${server.base}/healthz`)
  const body = (await response.json()) as { status: string; reasons?: string[] }
  return [response.status, body.status, body.reasons]
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (const started = Date.now(); !(await check()); await new Promise((resolve) => setTimeout(resolve, 25))) {
    if (Date.now() - started > 8000) throw new Error(`timed out:\n${server.output()}`)
  }
}

const titles = async () => ((await (await fetch(`${server.base}/wirtschaft/feed.json`)).json()) as { items: { title: string }[] }).items.map((i) => i.title)
const ready = async () => [(await fetch(`${server.base}/readyz`)).status, await (await fetch(`${server.base}/readyz`)).text()]

describe('/healthz of the running service', () => {
  it('answers 503 degraded while ARTICLES_DIR is gone, serving the last good feeds, and 200 ok once it is back', async () => {
    expect(await health()).toEqual([200, 'ok', undefined])
    fs.renameSync(articles, `${articles}.weg`)
    await until(async () => (await health())[0] === 503)
    expect(await health()).toEqual([503, 'degraded', [`${articles} is missing; the last good content stays published until it is back`]])
    expect(await titles()).toEqual(['Erste'])
    expect(await ready()).toEqual([200, '{"status":"ready"}'])
    fs.renameSync(`${articles}.weg`, articles)
    await until(async () => (await health())[0] === 200)
    expect(await health()).toEqual([200, 'ok', undefined])
  }, 20_000)

  it('publishes an empty folder swapped in, answers 503 degraded saying no article file is left, and 200 ok once one is there', async () => {
    fs.mkdirSync(path.join(temp.dir, 'leer'))
    fs.renameSync(articles, `${articles}.alt`)
    fs.renameSync(path.join(temp.dir, 'leer'), articles)
    await until(async () => (await titles()).length === 0)
    await until(async () => (await health())[0] === 503)
    expect(await health()).toEqual([503, 'degraded', [`${articles} holds no article files; the feeds are empty until there are`]])
    expect(server.output()).toContain(`${articles} holds no article files; the feeds are empty until there are`)
    expect(await ready()).toEqual([200, '{"status":"ready"}'])
    temp.write('artikel/b.md', articleText({ title: 'Zweite', date: '2025-02-01T10:00:00Z', category: 'wirtschaft' }))
    await until(async () => (await health())[0] === 200)
    expect(await health()).toEqual([200, 'ok', undefined])
    expect(await titles()).toEqual(['Zweite'])
  }, 20_000)

  it('answers 503 degraded while the only file is refused (nothing published), saying how many are refused, and 200 ok once one is published', async () => {
    fs.renameSync(path.join(articles, 'a.md'), path.join(temp.dir, 'a.md'))
    await until(async () => (await health())[0] === 503)
    temp.write('artikel/kaputt.md', '---\ntitle: [bad\n---\nText\n')
    const nothing = `${articles} publishes no article (1 of 1 article file(s) refused); the feeds are empty until one is published`
    await until(async () => (await health())[2]?.[0] === nothing)
    const response = await fetch(`${server.base}/healthz`)
    expect(response.status).toBe(503)
    expect(await response.json()).toMatchObject({ status: 'degraded', reasons: [nothing], published: 0, refused: 1 })
    expect(server.output()).toContain(nothing)
    fs.renameSync(path.join(temp.dir, 'a.md'), path.join(articles, 'a.md'))
    await until(async () => (await health())[0] === 200)
    expect(await health()).toEqual([200, 'ok', undefined])
    expect(await titles()).toEqual(['Erste'])
  }, 20_000)

  it('answers 503 degraded from the start when every file is refused', async () => {
    await server.stop()
    fs.rmSync(path.join(articles, 'a.md'))
    temp.write('artikel/kaputt.md', '---\ntitle: [bad\n---\nText\n')
    temp.write('artikel/leer.md', 'kein Front Matter\n')
    server = await startServer({ ARTICLES_DIR: articles, RESCAN_INTERVAL: '2' })
    expect(await health()).toEqual([503, 'degraded', [`${articles} publishes no article (2 of 2 article file(s) refused); the feeds are empty until one is published`]])
  }, 20_000)
})
