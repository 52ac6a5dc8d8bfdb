/**
 * dist/main.js loads parts of itself (dist/part-*.js) after the first feed: @hono/node-server for
 * the requests the fast path does not answer, the in-thread renderer for an edit's small documents.
 * A rebuild in place (`git pull && npm run build`, or `npm test`/`npm run export`, which rebuild
 * when stale) while the service runs, before it is restarted, replaces the parts (their names carry
 * a content hash). A hostile review found that the running service then answered every request
 * that needs Hono with 500, for good, and published no edit: it loaded its parts on first use.
 * It now loads them a second after it listens (main.ts), and the build removes old parts only
 * once the new ones are written (scripts/build.mjs).
 *
 * Render workers started later (the second, once a task finds the first busy, or one that replaces
 * a worker stopped) ran dist/render-worker.js as it was then: another build's code, or none, and
 * then bodies were published as plain text. The service now holds the module it started with
 * (src/util/held-module.ts).
 *
 * A release is often the service's working directory too (`npm start`, systemd's WorkingDirectory),
 * and a deploy removes the old one: on Node 20 no worker could start then (`uv_cwd`, ENOENT), so
 * the second render worker could not, nor one replacing a worker stopped, and once none was left
 * nothing was published again. The service now works from `/` once its paths are absolute (main.ts).
 *
 * Simulated here on a copy of the bundle, run with the copy as its working directory, and the whole
 * copy removed once the service said it loaded the parts.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../helpers/server-process.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

const DIST = fileURLToPath(new URL('../../dist', import.meta.url))
const PART = /^part-[\w-]+-[A-Z0-9]{8}\.js(\.map)?$/
const temp = makeTempDir('parts-after-rebuild-')
/** The threads of process `pid` (Linux: /proc). */
const threadsOf = (pid: number): number => fs.readdirSync(`/proc/${pid}/task`).length
let server: RunningServer

beforeAll(async () => {
  const copy = path.join(temp.dir, 'dist')
  fs.mkdirSync(copy)
  for (const name of fs.readdirSync(DIST)) if (name === 'main.js' || name === 'render-worker.js' || name === '.build-stamp' || name === 'package.json' || PART.test(name)) fs.copyFileSync(path.join(DIST, name), path.join(copy, name))
  temp.write('articles/eins.md', articleText({ title: 'Eins', date: '2025-01-28T09:30:00+01:00', category: 'wirtschaft' }))
  server = await startServer({ ARTICLES_DIR: path.join(temp.dir, 'articles') }, [], { cwd: copy }, path.join(copy, 'main.js'))
  // The first feed, from the fast path: the service is up.
  expect((await fetch(`${server.base}/wirtschaft/feed.json`)).status).toBe(200)
  for (let waited = 0; waited < 100 && !server.output().includes('loaded the parts the first feed did not need'); waited++) await new Promise((resolve) => setTimeout(resolve, 100))
  expect(server.output()).toContain('loaded the parts the first feed did not need')
  // Worse than a rebuild, which keeps the parts whose names it writes again: the release gone, the working directory with it.
  fs.rmSync(copy, { recursive: true })
}, 30_000)

afterAll(async () => {
  await server?.stop()
  temp.rm()
})

describe('a running service whose dist/ is rebuilt before its restart', () => {
  it('still answers /healthz (a route of Hono, not the fast path) with 200', async () => {
    const response = await fetch(`${server.base}/healthz`)
    expect(response.status).toBe(200)
  })

  it('still publishes an edit (the in-thread renderer is a part too)', async () => {
    temp.write('articles/eins.md', articleText({ title: 'Eins, geändert', date: '2025-01-28T09:30:00+01:00', category: 'wirtschaft' }))
    let title = ''
    for (let tries = 0; tries < 50 && title !== 'Eins, geändert'; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200))
      const feed = (await (await fetch(`${server.base}/wirtschaft/feed.json`)).json()) as { items: { title: string }[] }
      title = feed.items[0]?.title ?? ''
    }
    expect(title, server.output().slice(-1500)).toBe('Eins, geändert')
  }, 20_000)

  it('starts its second render worker from the code it started with, and renders every body as HTML', async () => {
    // Twenty articles at once: the first worker is busy when the next task comes, and the pool starts a second.
    const threadsBefore = threadsOf(server.child.pid as number)
    const titles = Array.from({ length: 20 }, (_, index) => `Bericht ${index + 1}`)
    titles.forEach((title, index) =>
      temp.write(`articles/bericht-${index + 1}.md`, articleText({ title, date: `2025-02-${String(index + 1).padStart(2, '0')}T09:30:00+01:00`, category: 'wirtschaft' }, `Die **Exporte** steigen um ${index + 1} %.\n`)),
    )
    let items: { title: string; content_html: string }[] = []
    for (let tries = 0; tries < 50 && items.filter((item) => item.title.startsWith('Bericht ')).length < titles.length; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200))
      items = ((await (await fetch(`${server.base}/wirtschaft/feed.json`)).json()) as { items: typeof items }).items
    }
    const reports = items.filter((item) => item.title.startsWith('Bericht '))
    expect(reports.map((item) => item.title).sort(), server.output().slice(-1500)).toEqual([...titles].sort())
    for (const item of reports) expect(item.content_html).toMatch(/^<p>Die <strong>Exporte<\/strong> steigen um \d+ %.<\/p>/)
    // The second worker is there (a thread more), so the test saw the held module at work: not one worker doing it all.
    expect(threadsOf(server.child.pid as number)).toBeGreaterThan(threadsBefore)
    expect(server.output()).not.toContain('cannot start a second render worker')
    expect(server.output()).not.toContain('published as plain text')
  }, 20_000)
})
