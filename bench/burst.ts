/**
 * `npm run build && npx tsx bench/burst.ts`: a burst of saves with a CDN, as
 * a desk saves during a breaking story. The built service runs on a corpus of
 * BURST_SIZE generated articles (default 50,000) with PURGE pointed at a purge
 * stand-in on loopback (Varnish's xkey API, answering 200); BURST_SAVES
 * articles (default 60) of the newest 2,000 are saved BURST_GAP_MS apart
 * (default 50), the last one the newest article, while a client polls the
 * feed every 5 ms. Per build: the slowest poll from the first save to 3 s
 * after the last (how long the service held every answer), and the time from
 * the last save to the feed showing it and to the last purge the stand-in
 * received. With BENCH_BASE (a baseline build's dist/main.js), the baseline
 * runs in turn with this build on the same corpus, BURST_ROUNDS times each
 * (default 3), and the ratio of the medians is printed: the machines are
 * shared and noisy, so only figures of one run are compared. BURST_NO_PURGE=1
 * adds this build without PURGE, in turn too: what the saves cost without a CDN.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import { fileURLToPath } from 'node:url'
import { freePort } from '../tests/helpers/free-port.js'
import { owned, removeFolder, stopAll, tempFolder, untilServing } from './children.js'
import { median } from './first-feed.js'
import { articleSource, benchCorpus, corpusFile, hoursApart } from './generate-corpus.js'
import { SERVICE_NODE_ENV, serviceArgs } from './service-flags.js'

const SIZE = Number(process.env.BURST_SIZE ?? 50_000)
const SAVES = Number(process.env.BURST_SAVES ?? 60)
const GAP_MS = Number(process.env.BURST_GAP_MS ?? 50)
const ROUNDS = Number(process.env.BURST_ROUNDS ?? 3)
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url))
const BASE = process.env.BENCH_BASE ?? ''
/** How long the service settles before the burst: its start's key versions (some 2 s at 50,000), the index snapshot 5 s after the load. */
const SETTLE_MS = 9000
/** How long polls and purges are watched after the last save. */
const AFTER_MS = 3000

interface BurstFigures {
  readonly slowestPoll: number
  readonly visible: number
  readonly lastPurge: number
  readonly purges: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const agent = new http.Agent({ keepAlive: true, maxSockets: 2 })
const get = (url: string): Promise<string> =>
  new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (text += chunk))
        response.on('end', () => resolve(text))
      })
      .on('error', reject)
      .setTimeout(10_000, function (this: http.ClientRequest) {
        this.destroy(new Error(`no answer from ${url} in 10 s`))
      })
  })

/** A purge API on loopback that answers 200 and notes when each purge arrived. */
async function purgeStandIn(): Promise<{ url: string; arrivals: number[]; close(): Promise<void> }> {
  const arrivals: number[] = []
  const server = http.createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      arrivals.push(performance.now())
      response.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (typeof address !== 'object' || !address) throw new Error('no address')
  return { url: `http://127.0.0.1:${address.port}/`, arrivals, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

/** One burst against the build `main` on `dir`; every file saved is put back after. */
async function burst(main: string, dir: string, round: string, withPurge: boolean): Promise<BurstFigures> {
  const purges = await purgeStandIn()
  const port = await freePort()
  const state = tempFolder('bench-burst-state-')
  const base = `http://127.0.0.1:${port}`
  const env = { PATH: process.env.PATH ?? '', ...SERVICE_NODE_ENV, PORT: String(port), HOST: '127.0.0.1', SITE_URL: `${base}/`, ARTICLES_DIR: dir, STATE_DIR: state, METRICS_PORT: '0', ...(withPurge ? { PURGE: `varnish:${purges.url}` } : {}) }
  const child = owned(spawn(process.execPath, serviceArgs(main), { env, stdio: ['ignore', 'pipe', 'inherit'] }))
  // Saved: the newest 2,000, some 33 apart, the newest last; each once.
  const saved = Array.from({ length: SAVES }, (_, index) => (index === SAVES - 1 ? SIZE : SIZE - 1 - ((index * 33) % 2000)))
  const originals = new Map(saved.map((n) => [n, fs.readFileSync(corpusFile(dir, n), 'utf8')]))
  let polling = true
  let slowestPoll = 0
  try {
    const feed = `${base}/wirtschaft/feed.xml`
    await untilServing(child, feed, 'serving ', main)
    await sleep(SETTLE_MS)
    const title = `Eilmeldung ${round}`
    let seen = Number.NaN
    let watching = false
    const poller = (async () => {
      while (polling) {
        const started = performance.now()
        const text = await get(feed)
        const took = performance.now() - started
        if (watching) slowestPoll = Math.max(slowestPoll, took)
        if (Number.isNaN(seen) && text.includes(title)) seen = performance.now()
        await sleep(Math.max(0, 5 - took))
      }
    })()
    watching = true
    const first = purges.arrivals.length
    let last = 0
    for (const [index, n] of saved.entries()) {
      const next = performance.now() + GAP_MS
      fs.writeFileSync(corpusFile(dir, n), articleSource(n, index === SAVES - 1 ? title : `Meldung ${n}: neu ${round}`, hoursApart(SIZE)))
      last = performance.now()
      await sleep(Math.max(0, next - performance.now()))
    }
    await sleep(AFTER_MS)
    polling = false
    await poller
    const after = purges.arrivals.slice(first)
    return { slowestPoll, visible: seen - last, lastPurge: Math.max(...after) - last, purges: after.length }
  } finally {
    polling = false
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
    for (const [n, text] of originals) fs.writeFileSync(corpusFile(dir, n), text)
    await purges.close()
    removeFolder(state)
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(MAIN)) throw new Error('dist/main.js is missing: npm run build')
  const dir = benchCorpus(SIZE)
  const builds = [['this build', MAIN], ...(BASE ? [['baseline', BASE]] : []), ...(process.env.BURST_NO_PURGE === '1' ? [['this build without PURGE', MAIN]] : [])]
  const figures = new Map<string, BurstFigures[]>(builds.map(([name]) => [name as string, []]))
  for (let round = 0; round < ROUNDS; round++) {
    // Every other round in the reverse order: neither build always runs first.
    for (const [name, main] of round % 2 === 0 ? builds : [...builds].reverse()) {
      const result = await burst(main as string, dir, `${process.pid}-${round}-${builds.findIndex(([other]) => other === name)}`, !name?.endsWith('without PURGE'))
      console.log(`round ${round + 1}, ${name}: slowest poll ${Math.round(result.slowestPoll)} ms, visible ${Math.round(result.visible)} ms, last purge ${Math.round(result.lastPurge)} ms after the last save (${result.purges} purges)`)
      figures.get(name as string)?.push(result)
    }
  }
  console.log(`\n${SAVES} saves ${GAP_MS} ms apart at ${SIZE.toLocaleString('en')} articles, medians of ${ROUNDS}:`)
  console.log('| build | slowest 5 ms poll | last save visible | last purge after the last save |')
  console.log('|---|---|---|---|')
  const of = (name: string, pick: (figures: BurstFigures) => number) => median((figures.get(name) ?? []).map(pick))
  for (const [name] of builds) console.log(`| ${name} | ${Math.round(of(name as string, (f) => f.slowestPoll))} ms | ${Math.round(of(name as string, (f) => f.visible))} ms | ${Math.round(of(name as string, (f) => f.lastPurge))} ms |`.replace('-Infinity ms', '–'))
  if (BASE) console.log(`this ÷ baseline: slowest poll ${(of('this build', (f) => f.slowestPoll) / of('baseline', (f) => f.slowestPoll)).toFixed(2)}`)
}

main().then(
  () => stopAll(),
  async (error: unknown) => {
    console.error(error)
    await stopAll()
    process.exitCode = 1
  },
)
