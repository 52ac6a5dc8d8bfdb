/**
 * `npx tsx bench/stalls.ts`: the longest the event loop is blocked while the
 * service handles one hostile article file (issue #10, points 1–3), at 0.5, 1
 * and 2 MiB of input. Runs the built code (`npm run build` first); give
 * `STALLS_DIST=<folder>` to measure another build, such as an older commit's
 * (`git worktree add /tmp/old <commit> && (cd /tmp/old && npm run build)`).
 *
 * Cases (each size in a fresh child process, killed after STALLS_TIMEOUT s):
 * - `nested-inline`: a body of unclosed `<b>` tags, then as many stray `</b>`;
 * - `nested-div`: correctly nested `<div>`s;
 * - `brackets`, `emphasis`: Markdown that is slow for markdown-it (`[` runs, `**_` runs);
 * - `links`: prose full of links, whose page is twice the file (about 4 MB at 2 MiB);
 * - `tags`, `authors`: a front matter list of that many bytes;
 * - `tags-64k`: 3,000 tags and 2,000 authors (the most 64 KiB of front matter
 *   holds), the rest of the file prose;
 * - `filters`: a burst of distinct filtered views (each `?limit=500&tag=…`
 *   with a query of 15 KiB, about 1,300 tags, near the most Node's header
 *   limit lets through), that many bytes of queries in all, over 1,000
 *   articles, while `/wirtschaft/feed.xml` is asked for every 10 ms;
 * - `views`: as many distinct views, each as heavy as is still accepted
 *   (`?limit=500` and 50 tags).
 *
 * Each case goes through the phases the rule names: load, the feed, the
 * article page, a change of the file, a reload that renders it again
 * without its cached body. The figure is the longest event-loop delay in
 * any phase, measured as the longest gap in a chain of 1 ms timers (in these
 * runs `perf_hooks.monitorEventLoopDelay` missed some blocks of seconds
 * after a reset); a child that is killed reports at least the time its
 * last phase had run.
 *
 * Options: STALLS_SIZES (MiB, default 0.5,1,2), STALLS_CASES (default all),
 * STALLS_TIMEOUT (seconds per child, default 180).
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { startLoopProbe } from '../tests/helpers/loop-delay.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DIST = path.resolve(process.env.STALLS_DIST ?? path.join(ROOT, 'dist'))
const SIZES = (process.env.STALLS_SIZES ?? '0.5,1,2').split(',').filter(Boolean).map(Number)
const CASES = ['nested-inline', 'nested-div', 'brackets', 'emphasis', 'links', 'tags', 'authors', 'tags-64k', 'filters', 'views'] as const
type Case = (typeof CASES)[number]
const SELECTED = (process.env.STALLS_CASES?.split(',').filter(Boolean) ?? CASES) as Case[]
const TIMEOUT_S = Number(process.env.STALLS_TIMEOUT ?? 180)
const MiB = 2 ** 20

const FRONT = (extra = ''): string =>
  `---\ntitle: Gross\ndate: 2025-06-01T08:00:00+02:00\ncategory: wirtschaft\n${extra}---\n`

/** The hostile file of a case, a little under `bytes` long (2 MiB is the most a file may have). */
function hostileFile(kind: Case, size: number): string {
  const bytes = size - 1024
  const repeat = (unit: string): string => unit.repeat(Math.floor(bytes / unit.length))
  switch (kind) {
    case 'nested-inline':
      return FRONT() + '<b>'.repeat(Math.floor(bytes / 7)) + 'x' + '</b>'.repeat(Math.floor(bytes / 7)) + '\n'
    case 'nested-div':
      return FRONT() + '<div>'.repeat(Math.floor(bytes / 11)) + 'x' + '</div>'.repeat(Math.floor(bytes / 11)) + '\n'
    case 'brackets':
      return FRONT() + repeat('[a ') + '\n'
    case 'emphasis':
      return FRONT() + repeat('**_') + '\n'
    case 'links':
      return FRONT() + repeat('Die [Zinsen](https://example.org/zinsen) steigen. ') + '\n'
    case 'tags':
      return FRONT(`tags:\n${Array.from({ length: Math.floor(bytes / 17) }, (_, i) => `  - Thema ${String(i).padStart(6, "0")}`).join('\n')}\n`) + 'Text.\n'
    case 'authors':
      return FRONT(`author:\n${Array.from({ length: Math.floor(bytes / 17) }, (_, i) => `  - Autor ${String(i).padStart(6, "0")}`).join('\n')}\n`) + 'Text.\n'
    case 'tags-64k': {
      const lists = `tags: [${Array.from({ length: 3000 }, (_, n) => `T${n}`).join(', ')}]\nauthor: [${Array.from({ length: 2000 }, (_, n) => `A${n}`).join(', ')}]\n`
      return FRONT(lists) + 'Die Stadt hebt die Gebuehren an. '.repeat(Math.floor((bytes - lists.length) / 33)) + '\n'
    }
    case 'filters':
    case 'views':
      return FRONT('tags: [Zinsen]\n') + 'Text.\n'
  }
}

function normalArticle(n: number, tags: string[]): string {
  const day = String((n % 28) + 1).padStart(2, '0')
  const month = String((Math.floor(n / 28) % 12) + 1).padStart(2, '0')
  return (
    `---\ntitle: Artikel ${n}\ndate: 2024-${month}-${day}T${String(n % 24).padStart(2, '0')}:00:00+01:00\n` +
    `category: wirtschaft\ntags: [${tags.join(', ')}]\nauthor: Lea Voigt\n---\n` +
    `${'Die Stadt erhöht die Gebühren zum ersten Mal seit zehn Jahren. '.repeat(20)}\n\n## Abschnitt\n\nNoch ein Absatz mit [Link](https://example.org/${n}).\n`
  )
}

// ---------------------------------------------------------------- child: one case at one size

/** The burst's clients: every view at once, and the current feed every 10 ms meanwhile; answers statuses and the slowest feed. */
const BURST_CLIENT = `
  const http = require('node:http')
  const { parentPort, workerData } = require('node:worker_threads')
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })
  // A connection the server dropped (a stalled one lets keep-alive sockets time out under its clients) counts as an error.
  const get = (url) => new Promise((resolve) => {
    http.get(workerData.base + url, { agent }, (response) => {
      response.resume()
      response.on('end', () => resolve(String(response.statusCode)))
      response.on('error', (error) => resolve(error.code))
    }).on('error', (error) => resolve(error.code))
  })
  let stop = false
  let worstFeedMs = 0
  const poll = (async () => {
    while (!stop) {
      const started = performance.now()
      await get('/wirtschaft/feed.xml')
      worstFeedMs = Math.max(worstFeedMs, performance.now() - started)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  })()
  Promise.all(workerData.queries.map((query) => get('/wirtschaft/feed.xml?' + query))).then(async (statuses) => {
    stop = true
    await poll
    parentPort.postMessage({ statuses, worstFeedMs })
  })
`

interface PhaseResult {
  readonly phase: string
  readonly maxDelayMs: number
  readonly wallMs: number
  readonly note?: string
}

async function child(kind: Case, mib: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stalls-'))
  const articles = path.join(dir, 'articles')
  fs.mkdirSync(path.join(articles, 'wirtschaft'), { recursive: true })
  fs.mkdirSync(path.join(dir, 'media'))
  const burst = kind === 'filters' || kind === 'views'
  const count = burst ? 1000 : 3
  for (let n = 0; n < count; n++) {
    fs.writeFileSync(path.join(articles, 'wirtschaft', `artikel-${n}.md`), normalArticle(n, [`Thema ${n % 40}`, 'Zinsen']))
  }
  const hostile = path.join(articles, 'wirtschaft', 'gross.md')
  fs.writeFileSync(hostile, hostileFile(kind, mib * MiB))

  const load = async <T>(module: string): Promise<T> => (await import(pathToFileURL(path.join(DIST, module)).href)) as T
  const { loadConfig } = await load<typeof import('../src/config.js')>('config.js')
  const { ContentStore } = await load<typeof import('../src/store/content-store.js')>('store/content-store.js')
  const { createApp } = await load<typeof import('../src/http/app.js')>('http/app.js')
  // Builds that render in worker threads say so; older ones render on the main thread.
  const pool = fs.existsSync(path.join(DIST, 'site/render-pool.js'))
    ? (await load<{ createRenderPool: () => unknown }>('site/render-pool.js')).createRenderPool()
    : undefined
  const config = loadConfig({ ARTICLES_DIR: articles, MEDIA_DIR: path.join(dir, 'media'), SITE_URL: 'https://www.example.de/' }, [], dir)
  const quiet = { info: () => {}, warn: () => {} }
  const store = new ContentStore({ config, logger: quiet, ...(pool ? { renderer: pool } : {}) } as ConstructorParameters<typeof ContentStore>[0])
  const app = createApp({ config, store })

  const phase = async (name: string, run: () => Promise<string | void>): Promise<void> => {
    process.stdout.write(`${JSON.stringify({ start: name })}\n`)
    const gaps = startLoopProbe()
    const started = performance.now()
    const note = await run()
    const wallMs = performance.now() - started
    // A last turn, so that a block at the very end is counted too.
    await new Promise((resolve) => setTimeout(resolve, 5))
    const result: PhaseResult = { phase: name, maxDelayMs: gaps.stop(), wallMs, ...(note ? { note } : {}) }
    process.stdout.write(`${JSON.stringify(result)}\n`)
  }
  const get = async (url: string): Promise<string> => {
    const response = await app.request(url)
    await response.arrayBuffer()
    return String(response.status)
  }

  // Node loads its fetch implementation (Request, Response) on first use: 20–40 ms that no content causes.
  await new Response('warm').text()
  await phase('load', async () => store.load())
  await phase('feed', () => get('/wirtschaft/feed.xml'))
  if (burst) {
    // Over a socket, as in service: a request is then its own turn of the event loop.
    const { serve } = await import('@hono/node-server')
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise((resolve) => server.once('listening', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    await phase('filter burst', async () => {
      const queries: string[] = []
      let total = 0
      for (let r = 0; total < mib * MiB; r++) {
        // Canonical (tags in the order the service sorts them), so that no view is answered with a redirect.
        const tags = ['Zinsen']
        for (let length = 9; length < 15 * 1024; length += 12) tags.push(`${r}-${tags.length}`)
        if (kind === 'views') tags.length = 50
        queries.push(`limit=500&${tags.sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)).map((tag) => `tag=${tag}`).join('&')}`)
        total += 15 * 1024
      }
      // The clients run in a thread of their own, as they would elsewhere: their work is not the service's.
      const client = new Worker(BURST_CLIENT, { eval: true, workerData: { base, queries } })
      const { statuses, worstFeedMs } = await new Promise<{ statuses: string[]; worstFeedMs: number }>((resolve, reject) => {
        client.once('message', resolve)
        client.once('error', reject)
      })
      await client.terminate()
      server.close()
      const counts = new Map<string, number>()
      for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1)
      return `${queries.length} views (${[...counts].map(([s, n]) => `${n}× ${s}`).join(', ')}); slowest concurrent feed.xml ${worstFeedMs.toFixed(0)} ms`
    })
  } else {
    await phase('page', () => get('/wirtschaft/gross.html'))
    await phase('change', async () => {
      fs.appendFileSync(hostile, 'y\n')
      await store.applyChanges(['wirtschaft/gross.md'])
    })
    await phase('reload', async () => {
      await store.load()
      await get('/wirtschaft/gross.html')
    })
  }
  store.close()
  fs.rmSync(dir, { recursive: true, force: true })
  process.exit(0)
}

// ---------------------------------------------------------------- parent: every case, every size

interface Row {
  readonly kind: Case
  readonly mib: number
  readonly worstMs: number
  readonly stopped: boolean
  readonly phases: PhaseResult[]
}

function runChild(kind: Case, mib: number): Promise<Row> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', kind, String(mib)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, STALLS_DIST: DIST },
    })
    const phases: PhaseResult[] = []
    let current: { name: string; since: number } | undefined
    let buffer = ''
    proc.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString()
      let newline: number
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffer.slice(0, newline)) as PhaseResult | { start: string }
        buffer = buffer.slice(newline + 1)
        if ('start' in line) current = { name: line.start, since: performance.now() }
        else {
          phases.push(line)
          current = undefined
        }
      }
    })
    let stopped = false
    const timer = setTimeout(() => {
      stopped = true
      if (current) phases.push({ phase: current.name, maxDelayMs: performance.now() - current.since, wallMs: performance.now() - current.since, note: 'stopped' })
      proc.kill('SIGKILL')
    }, TIMEOUT_S * 1000)
    proc.on('exit', () => {
      clearTimeout(timer)
      // The filters and views cases measure their burst: their load is of 1,000 ordinary files.
      const counted = phases.filter((p) => (kind !== 'filters' && kind !== 'views') || p.phase === 'filter burst')
      resolve({ kind, mib, stopped, worstMs: Math.max(0, ...counted.map((p) => p.maxDelayMs)), phases })
    })
  })
}

const format = (row: Row): string => (row.stopped ? `> ${(row.worstMs / 1000).toFixed(0)} s (stopped)` : row.worstMs >= 1000 ? `${(row.worstMs / 1000).toFixed(1)} s` : `${row.worstMs.toFixed(0)} ms`)

async function parent(): Promise<void> {
  console.log(`measuring ${DIST} (Node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(1)})`)
  const rows: Row[] = []
  for (const kind of SELECTED) {
    for (const mib of SIZES) {
      const row = await runChild(kind, mib)
      rows.push(row)
      const worst = row.phases.reduce<PhaseResult | undefined>((a, p) => (a && a.maxDelayMs >= p.maxDelayMs ? a : p), undefined)
      console.log(
        `${kind.padEnd(14)} ${String(mib).padStart(4)} MiB  worst ${format(row).padStart(18)}  (${worst?.phase ?? '-'})  ` +
          row.phases.map((p) => `${p.phase} ${p.maxDelayMs.toFixed(0)}/${p.wallMs.toFixed(0)} ms${p.note ? ` [${p.note}]` : ''}`).join('; '),
      )
    }
  }
  console.log(`\n| case | ${SIZES.map((s) => `${s} MiB`).join(' | ')} |\n|---|${SIZES.map(() => '---').join('|')}|`)
  for (const kind of SELECTED) {
    console.log(`| ${kind} | ${SIZES.map((mib) => format(rows.find((r) => r.kind === kind && r.mib === mib) as Row)).join(' | ')} |`)
  }
}

const at = process.argv.indexOf('--child')
if (at >= 0) await child(process.argv[at + 1] as Case, Number(process.argv[at + 2]))
else await parent()
