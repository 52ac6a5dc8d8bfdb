/**
 * Stalls (issue #10, points 1–3): no article file up to the size limit may
 * hold the event loop for more than 100 ms — loading it, serving the feeds
 * and the page that hold it, changing it, rendering it again once its body
 * was dropped — and no burst of distinct views may hold up the current feeds.
 *
 * The service's own set-up: a content store over files on disk whose bodies
 * and feeds render in worker threads (the built worker, as main.ts uses it).
 * The delay is the longest gap in a chain of 1 ms timers. On a shared 2-core
 * machine other processes alone cause gaps of 40 ms, so each step is measured
 * up to five times, half a second apart, and the best counts (bestLoopDelay).
 */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { serve } from '@hono/node-server'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { MAX_ARTICLE_BYTES } from '../../src/content/load-articles.js'
import { MAX_HTML_TAGS } from '../../src/content/tag-budget.js'
import { createApp } from '../../src/http/app.js'
import { ContentStore } from '../../src/store/content-store.js'
import { bestLoopDelay, LOOP_LIMIT_MS } from '../helpers/loop-delay.js'
import { builtRenderPool } from '../helpers/render-pool.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

/** Up to this size the file is read; the largest files below are just under it. */
const SIZE = MAX_ARTICLE_BYTES - 4096

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** A store and app over a folder of ordinary articles plus `hostile` as wirtschaft/gross.md, rendering as the service does. */
function setUp(hostile: string, ordinary = 3) {
  const folder = makeTempDir('stalls-')
  cleanups.push(() => folder.rm())
  for (let n = 0; n < ordinary; n++) {
    const day = String((n % 28) + 1).padStart(2, '0')
    const hour = String(n % 24).padStart(2, '0')
    folder.write(
      `wirtschaft/artikel-${n}.md`,
      articleText(
        { title: `Artikel ${n}`, date: `2024-03-${day}T${hour}:00:00+01:00`, category: 'wirtschaft', tags: `[Zinsen, Thema ${n % 40}]`, author: 'Lea Voigt' },
        `Die Stadt erhöht die Gebühren, Absatz ${n}.\n`,
      ),
    )
  }
  folder.write('wirtschaft/gross.md', hostile)
  const config = loadConfig({ ARTICLES_DIR: folder.dir, MEDIA_DIR: path.join(folder.dir, 'media'), SITE_URL: 'https://www.example.de/' })
  const renderer = builtRenderPool()
  cleanups.push(() => renderer.close())
  const logged: string[] = []
  const store = new ContentStore({ config, renderer, logger: { info: () => {}, warn: (line) => logged.push(line) } })
  cleanups.push(() => store.close())
  const app = createApp({ config, store })
  const get = async (target: string) => {
    const response = await app.request(target)
    return { status: response.status, text: await response.text() }
  }
  /**
   * As a socket would take the answer: its chunks as they come, neither decoded into a string (this test's work, 20–30 ms
   * for a 4 MB page, not the service's) nor copied into one buffer (undici's arrayBuffer: 40–90 ms for a 10 MB page). Its length.
   */
  const fetchBytes = async (target: string) => {
    const reader = (await app.request(target)).body?.getReader()
    let length = 0
    for (let read = await reader?.read(); read && !read.done; read = await reader?.read()) length += read.value.byteLength
    return length
  }
  return { folder, store, app, get, fetchBytes, logged }
}

const front = (extra = '') => `---\ntitle: Gross\ndate: 2025-06-01T08:00:00+02:00\ncategory: wirtschaft\n${extra}---\n`
const fill = (unit: string, size = SIZE) => unit.repeat(Math.floor(size / unit.length))

describe('one article file of up to 2 MiB never holds the event loop for 100 ms', () => {
  it.each([
    [
      'unclosed inline tags, then as many stray closing tags',
      front() + fill('<b>', SIZE / 2) + 'Text' + fill('</b>', SIZE / 2) + '\n',
      '<p>Text</p>',
      [`warning wirtschaft/gross.md: body: has more than ${MAX_HTML_TAGS} HTML tags; published as text without its HTML tags`],
    ],
    [
      'correctly nested divs',
      front() + fill('<div>', SIZE / 2) + 'Text' + fill('</div>', SIZE / 2) + '\n',
      '<p>Text</p>',
      [`warning wirtschaft/gross.md: body: has more than ${MAX_HTML_TAGS} HTML tags; published as text without its HTML tags`],
    ],
    [
      'as many tags as are read, unclosed, then as many stray closing tags',
      front() + '<b>'.repeat(MAX_HTML_TAGS / 2) + 'Text' + '</b>'.repeat(MAX_HTML_TAGS / 2) + '\n',
      '<p>Text</p>',
      ['warning wirtschaft/gross.md: body: nests HTML elements more than 100 deep; published as text without its HTML tags'],
    ],
    [
      '2 MiB of `&`, a page of 10 MB (`&amp;`), made in a worker',
      front() + fill('&'),
      '<p>&amp;&amp;&amp;',
      [
        'warning wirtschaft/gross.md: body: its Markdown has more than 200000 lines and pieces of markup (blocks, links, emphasis, runs of text); published as plain text',
        "warning https://www.example.de/wirtschaft/feed.xml (and its other formats): 4 of 4 items carry their summary only, not their text: with it, the items' HTML would pass the 4 MiB a feed document may carry",
      ],
    ],
    [
      '2 MiB of prose full of links',
      front() + fill('Die [Zinsen](https://example.org/zinsen) steigen. '),
      '<p>Die <a href="https://example.org/zinsen">Zinsen</a> steigen. Die ',
      [],
    ],
    [
      'a reference link whose long URL is used over and over (40 MB of HTML from 103 KB)',
      front() + `Die [Quelle][r] nennt Zahlen.\n\n${'[x][r] '.repeat(400)}\n\n[r]: https://example.org/${'a'.repeat(100_000)}\n`,
      '<p>Die [Quelle][r] nennt Zahlen.</p>\n<p>[x][r] [x][r] ',
      ['warning wirtschaft/gross.md: body: its HTML would be more than 8 times as long as its text; published as plain text'],
    ],
    [
      'tables of 256 columns over rows of one cell (each 1.6 KB, 66,048 cells: a million in 25 KB took 8.5 s)',
      front() + fill(`|${'a|'.repeat(256)}\n|${':-:|'.repeat(256)}\n${'x\n'.repeat(257)}\n`),
      '<p>|a|a|a|',
      ['warning wirtschaft/gross.md: body: its tables would have more than 100000 cells; published as plain text'],
    ],
    [
      'as many tags and authors as 64 KiB of front matter holds',
      front(`tags: [${Array.from({ length: 3000 }, (_, n) => `T${n}`).join(', ')}]\nauthor: [${Array.from({ length: 2000 }, (_, n) => `A${n}`).join(', ')}]\n`) + 'Text.\n',
      '<p>Text.</p>',
      [
        'warning wirtschaft/gross.md: tags: lists 3000 entries; only the first 50 are published',
        'warning wirtschaft/gross.md: author: lists 2000 entries; only the first 20 are published',
      ],
    ],
  ])('%s: loaded, served, changed and rendered again', async (_, text, html, warnings) => {
    const { folder, store, get, fetchBytes, logged } = setUp(text)
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_ARTICLE_BYTES)
    // Node loads its fetch implementation (Request, Response) on first use: 20–40 ms that no content causes (as bench/stalls.ts).
    await new Response('warm').text()
    const delays: Record<string, number> = {}
    delays.load = await bestLoopDelay(() => store.load())
    delays.feed = await bestLoopDelay(() => fetchBytes('/wirtschaft/feed.xml'))
    // A load drops the rendered page and body: a second try renders them again.
    delays.page = await bestLoopDelay(() => fetchBytes('/wirtschaft/gross.html'), () => store.load())
    delays.change = await bestLoopDelay(
      () => store.applyChanges(['wirtschaft/gross.md']),
      undefined,
      undefined,
      (attempt) => folder.write('wirtschaft/gross.md', `${text}\nNachtrag ${attempt}.\n`),
    )
    // A reload drops every rendered body: the file is rendered again from scratch.
    delays.reload = await bestLoopDelay(async () => {
      await store.load()
      await fetchBytes('/wirtschaft/gross.html')
    })
    const over = Object.entries(delays).filter(([, ms]) => ms >= LOOP_LIMIT_MS)
    expect(Object.fromEntries(over.map(([step, ms]) => [step, `${Math.round(ms)} ms`]))).toEqual({})

    const page = await get('/wirtschaft/gross.html')
    expect(page.status).toBe(200)
    expect(page.text).toContain(html)
    expect(await get('/wirtschaft/feed.json').then((r) => JSON.parse(r.text).items[0].title)).toBe('Gross')
    // Each warning at every read of the file: load, change and reload.
    expect([...new Set(logged)]).toEqual(warnings)
  }, 240_000)

  it('refuses 2 MiB of front matter at once, naming the file, and keeps publishing the rest', async () => {
    const text = front(`tags:\n${fill('  - Thema\n', SIZE - 200)}`) + 'Text.\n'
    const { store, get, logged } = setUp(text)
    expect(await bestLoopDelay(() => store.load())).toBeLessThan(LOOP_LIMIT_MS)
    // Once per load, and bestLoopDelay may load up to five times: every line is this one.
    expect([...new Set(logged)]).toEqual([`skipped wirtschaft/gross.md: front matter: is ${Math.round(Buffer.byteLength(text.slice(0, -6)) / 1024)} KiB long; at most 64 KiB are read (the article's text belongs below the closing '---')`])
    expect((await get('/wirtschaft/gross.html')).status).toBe(404)
    expect(JSON.parse((await get('/wirtschaft/feed.json')).text).items).toHaveLength(3)
  }, 60_000)
})

describe('a burst of distinct filtered views', () => {
  it('never holds the event loop, and the current feed is answered at once meanwhile', async () => {
    const { store, app } = setUp(front('tags: [Zinsen]\n') + 'Text.\n', 600)
    await store.load()
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise((resolve) => server.once('listening', resolve))
    cleanups.push(() => new Promise((resolve) => server.close(resolve)))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
    cleanups.push(() => agent.destroy())
    const fetchStatus = (target: string) =>
      new Promise<number>((resolve, reject) => {
        http.get(`${base}${target}`, { agent }, (response) => {
          response.resume()
          response.on('end', () => resolve(response.statusCode ?? 0))
        }).on('error', reject)
      })

    let round = 0
    /** 40 views no one asked for before, each of 500 items; meanwhile the current feed, every 10 ms. */
    const burst = async () => {
      round += 1
      const queries = Array.from({ length: 40 }, (_, n) => {
        const tags = ['Zinsen', ...Array.from({ length: 9 }, (_, k) => `r${round}v${n}t${k}`)]
        return `limit=500&${tags.sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)).map((tag) => `tag=${tag}`).join('&')}`
      })
      let slowestFeed = 0
      let done = false
      const poll = (async () => {
        while (!done) {
          const started = performance.now()
          expect(await fetchStatus('/wirtschaft/feed.xml')).toBe(200)
          slowestFeed = Math.max(slowestFeed, performance.now() - started)
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
      })()
      const statuses = await Promise.all(queries.map((query) => fetchStatus(`/wirtschaft/feed.xml?${query}`)))
      done = true
      await poll
      expect(statuses).toEqual(Array(40).fill(200))
      return slowestFeed
    }
    // The best of up to five bursts for the feed's time too: tried again only for the loop, CI on a loaded machine
    // once had the loop at 75 ms and one answer of the feed at 101 ms. Each burst asks for views never asked before,
    // so a real stall fails every try.
    let slowestFeed = Number.POSITIVE_INFINITY
    const delay = await bestLoopDelay(
      async () => {
        slowestFeed = Math.min(slowestFeed, await burst())
      },
      undefined,
      () => slowestFeed < LOOP_LIMIT_MS,
    )
    expect({ delay: delay < LOOP_LIMIT_MS, slowestFeed: slowestFeed < LOOP_LIMIT_MS }, `loop ${delay.toFixed(0)} ms, feed ${slowestFeed.toFixed(0)} ms`).toEqual({
      delay: true,
      slowestFeed: true,
    })
  }, 240_000)
})
