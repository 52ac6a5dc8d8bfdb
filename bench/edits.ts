/**
 * The edit part of `npm run bench` (run.ts calls it once per size): how long
 * an edit of the newest article takes to show in the RSS feed while a client
 * polls that feed every 5 ms, as a newsroom's aggregators and CDN do, and
 * until a client asking for Brotli gets it compressed (until then it gets
 * the identity bytes); and the heap the service holds per article
 * (heap-harness.mjs).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import zlib from 'node:zlib'
import { articleSource, hoursApart } from './generate-corpus.js'

/** The polling client's pace: a request started every 5 ms (issue 14). */
const POLL_MS = 5
/** How long the client polls on after the last edit: past the index snapshot's write (5 s after the last change, 2 s more for a racy file). */
const AFTER_EDITS_MS = 9000

export interface EditFigures {
  /** Milliseconds from the write to the first RSS answer showing the edit, per edit. */
  readonly latencies: number[]
  /** Milliseconds from the write to the first Brotli answer showing the edit, per edit. */
  readonly brotli: number[]
  /** Requests the polling client made, during the edits and AFTER_EDITS_MS after, and the longest one took (ms). */
  readonly polls: number
  readonly slowestPoll: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 })

/** The bytes of `url` as sent to a client that takes `coding`, and their Content-Encoding, on a kept-alive connection. */
function fetchAs(url: string, coding: 'identity' | 'br'): Promise<{ coding: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { 'Accept-Encoding': coding } }, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => resolve({ coding: response.headers['content-encoding'], body: Buffer.concat(chunks) }))
      })
      .on('error', reject)
      // A service that stops answering fails the bench rather than hang it.
      .setTimeout(10_000, function (this: http.ClientRequest) {
        this.destroy(new Error(`no answer from ${url} in 10 s`))
      })
  })
}

/** The body of `url` as sent (identity). */
const get = async (url: string): Promise<string> => (await fetchAs(url, 'identity')).body.toString('utf8')

/** Milliseconds from `written` until `url` is sent as Brotli with `title` in it, asked every POLL_MS. */
async function inBrotli(url: string, title: string, written: number): Promise<number> {
  for (;;) {
    const { coding, body } = await fetchAs(url, 'br')
    if (coding === 'br' && zlib.brotliDecompressSync(body).toString('utf8').includes(title)) return performance.now() - written
    if (performance.now() - written > 10_000) throw new Error('edit not sent as Brotli after 10 s')
    await sleep(POLL_MS)
  }
}

/**
 * Edits the title of article `count` (the newest) `edits` times in `dir`
 * and times each until the client polling the RSS feed at `base` every 5 ms
 * sees it (the edit's latency is known to within one poll), then until a
 * second client, asking for Brotli every 5 ms, gets it compressed. The file
 * is put back after.
 */
export async function measureEdits(base: string, dir: string, count: number, edits: number): Promise<EditFigures> {
  const feed = `${base}/wirtschaft/feed.xml`
  const newest = path.join(dir, String(Math.ceil(count / 500)).padStart(3, '0'), `meldung-${count}.md`)
  const original = fs.readFileSync(newest, 'utf8')
  let polling = true
  let polls = 0
  let slowestPoll = 0
  // The edit the polling client waits to see, and when it saw it: the client
  // itself finds the edit, so nothing polls faster than every 5 ms.
  let awaited: { title: string; seen: (at: number) => void } | undefined
  const poller = (async () => {
    while (polling) {
      const started = performance.now()
      const text = await get(feed)
      const took = performance.now() - started
      polls += 1
      slowestPoll = Math.max(slowestPoll, took)
      if (awaited && text.includes(awaited.title)) awaited.seen(performance.now())
      await sleep(Math.max(0, POLL_MS - took))
    }
  })()
  const latencies: number[] = []
  const brotli: number[] = []
  try {
    // A settled service: the first rescan after start-up (a second of work at
    // 50,000 files) is over before the first edit.
    await sleep(3000)
    for (let edit = 0; edit < edits; edit++) {
      const title = `Eilmeldung ${process.pid}-${edit}`
      const visible = new Promise<number>((resolve) => (awaited = { title, seen: resolve }))
      const written = performance.now()
      fs.writeFileSync(newest, articleSource(count, title, hoursApart(count)))
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(Number.NaN), 10_000)))
      const at = await Promise.race([visible, timeout])
      clearTimeout(timer)
      awaited = undefined
      if (Number.isNaN(at)) throw new Error('edit not visible after 10 s')
      latencies.push(at - written)
      brotli.push(await inBrotli(feed, title, written))
      await sleep(300)
    }
    // Polled on through what the edits set off later: the index snapshot is written 5 s after the last change (at
    // 50,000 articles it held every answer 0.6-0.75 s while it was written in one go, unseen here until polled).
    await sleep(AFTER_EDITS_MS)
  } finally {
    polling = false
    await poller
    fs.writeFileSync(newest, original)
  }
  return { latencies, brotli, polls, slowestPoll }
}

/**
 * Heap the store holds per article after a full load and a forced GC
 * (heap-harness.mjs, a process of its own with --expose-gc): the heap with
 * the articles loaded, less the heap of the same store loaded from an empty
 * folder, divided by the articles; and what the cache keys' versions add
 * per article (`keys`: a service with PURGE holds them at a start), and
 * after a change (`afterChange`: only what each article's are made of),
 * where the checkout's harness says (before rounds 42 and 44's, it did not).
 */
export function heapPerArticle(root: string, dir: string, count: number): { bytes: number; heapMb: number; keys: number | undefined; afterChange: number | undefined } {
  // The harness of the checkout at `root`, which loads that checkout's dist/ (this one, or BENCH_BASE's).
  const run = spawnSync(process.execPath, ['--expose-gc', path.join(root, 'bench', 'heap-harness.mjs'), dir], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } })
  const figures = /heap (\d+) baseline (\d+) articles (\d+)(?: keys (\d+) \(\d+\)(?: after a change (\d+))?)?/.exec(run.stdout)
  if (run.status !== 0 || !figures) throw new Error(`heap harness failed:\n${run.stdout}${run.stderr}`)
  const [heap, baseline, loaded] = figures.slice(1, 4).map(Number) as [number, number, number]
  if (loaded !== count) throw new Error(`heap harness loaded ${loaded} articles, not ${count}`)
  const keys = figures[4] === undefined ? undefined : (Number(figures[4]) - heap) / count
  const afterChange = figures[5] === undefined ? undefined : (Number(figures[5]) - heap) / count
  return { bytes: (heap - baseline) / count, heapMb: heap / 2 ** 20, keys, afterChange }
}
