/**
 * The built service started where no thread can be made for a render worker
 * (a host's limit of threads: `new Worker` throws EAGAIN on Node 20), also for
 * the one site/early-workers.ts starts before the service's own modules load.
 * It must start, publish (bodies as plain text, rendered in its own thread),
 * say so in /healthz, and render as written once threads can be made again.
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { startServer, type RunningServer } from './helpers/server-process.js'
import { articleText, makeTempDir } from './helpers/temp-dir.js'

const cleanups: (() => unknown)[] = []
let server: RunningServer | undefined
afterEach(async () => {
  await server?.stop()
  server = undefined
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

describe('a service that cannot make a thread for any render worker', () => {
  it('starts, publishes its bodies as plain text and says why, then renders them once threads can be made', { timeout: 60_000 }, async () => {
    const folder = makeTempDir('no-threads-')
    cleanups.push(folder.rm)
    folder.write('articles/wirtschaft/zinsen.md', articleText({ title: 'Zinsen bleiben stabil', date: '2025-01-01T10:00:00Z', category: 'wirtschaft' }, 'Die Bank *hält* still.\n'))
    const flag = folder.write('blocked', '')
    const preload = fileURLToPath(new URL('./fixtures/start/no-render-workers.mjs', import.meta.url))
    // Before: early-workers.ts's `new Worker` threw as dist/main.js loaded, and the service did not start.
    server = await startServer({ ARTICLES_DIR: `${folder.dir}/articles`, NODE_OPTIONS: `--import=${preload}`, NO_RENDER_WORKERS_WHILE: flag, NO_RENDER_THREADS: '1' })
    const running = server
    const health = async () => {
      const response = await fetch(`${running.base}/healthz`)
      return { code: response.status, reasons: ((await response.json()) as { reasons?: string[] }).reasons }
    }
    expect(await health()).toEqual({
      code: 503,
      reasons: ['render workers: cannot start a worker: Worker initialization failure: EAGAIN; documents render in the main thread, bodies are published as plain text'],
    })
    const feed = async () => (await fetch(`${running.base}/wirtschaft/feed.json`)).json() as Promise<{ items: { title: string; content_html: string }[] }>
    expect((await feed()).items.map((item) => [item.title, item.content_html])).toEqual([['Zinsen bleiben stabil', '<p>Die Bank *hält* still.</p>']])
    fs.rmSync(flag)
    // The pool tries a worker after a pause that doubles with each failed start (1 s, 2 s, 4 s …): generous for a loaded machine.
    await vi.waitFor(async () => expect((await feed()).items[0]?.content_html).toBe('<p>Die Bank <em>hält</em> still.</p>'), { timeout: 40_000, interval: 200 })
    expect(await health()).toEqual({ code: 200, reasons: undefined })
  })
})
