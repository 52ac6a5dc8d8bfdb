/**
 * `npm run build && npx tsx bench/bulk-import.ts`: a bulk import while a
 * client polls the feed. The built service serves BULK_ARTICLES generated
 * articles (default 50,000); once it has settled (8 s after it serves, past
 * its index snapshot's write), BULK_NEW new ones (default 10,000, newer than
 * all) are copied into its folder with `cp -r` while another process polls
 * `/wirtschaft/feed.xml` every 5 ms (gzip, one keep-alive connection), for
 * BULK_POLL_MS (default 14 s) from 2 s before the copy. Printed per run: the
 * polls' p50, p99 and max, how many took over 50 and 100 ms, the time
 * from the copy's start until the newest new article is in the feed, and
 * the service's own event-loop delay from the copy's start to the polls'
 * end (its /metrics: nodejs_eventloop_lag_max_seconds and _p99_seconds,
 * which prom-client measures every 10 ms and resets at each scrape).
 * BULK_MODE=edit copies over BULK_NEW existing articles instead (the newest
 * ones, each with a new title; every slug, id and path kept), as a bulk
 * correction or a sync from another system does; the corpus is put back
 * after each run.
 * BULK_POLL=page polls the page of the newest article before the copy
 * instead: pages, archive pages and filtered views wait while a change is
 * in the catalog only (ContentStore#inSite), so the import's batches show
 * in their polls as they do not in the feed's.
 *
 * With BENCH_BASE (another build's dist/main.js) the two builds alternate,
 * BULK_ROUNDS runs each (default 2), on the same corpus: these machines are
 * shared, and only figures of one run side by side say anything.
 * BENCH_SERVICE_ENV adds `KEY=VALUE` words to both services' environment
 * (`PURGE=varnish:http://127.0.0.1:1/`: the import's purges with a CDN).
 */
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { freePort } from '../tests/helpers/free-port.js'
import { owned, removeFolder, stopAll, tempFolder, untilServing } from './children.js'
import { articleSource, corpusFile, generateCorpus, hoursApart } from './generate-corpus.js'
import { BENCH_SERVICE_ENV, SERVICE_NODE_ENV, serviceArgs } from './service-flags.js'

const COUNT = Number(process.env.BULK_ARTICLES ?? 50_000)
const NEW = Number(process.env.BULK_NEW ?? 10_000)
const ROUNDS = Number(process.env.BULK_ROUNDS ?? 2)
const POLL_MS = Number(process.env.BULK_POLL_MS ?? 14_000)
const MAIN = path.resolve(import.meta.dirname, '../dist/main.js')
const BASE = process.env.BENCH_BASE ?? ''
const POLL_PAGE = process.env.BULK_POLL === 'page'
const EDIT = process.env.BULK_MODE === 'edit'
if (EDIT && NEW > COUNT) throw new Error(`BULK_NEW (${NEW}) must not exceed BULK_ARTICLES (${COUNT}) with BULK_MODE=edit`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The poller, a process of its own (this one copies and watches): its latencies as JSON on stdout when done. */
const POLLER = `
import http from 'node:http'
const [url, duration] = [process.argv[1], Number(process.argv[2])]
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
const latencies = []
const started = Date.now()
while (Date.now() - started < duration) {
  const sent = performance.now()
  await new Promise((resolve, reject) => http.get(url, { agent, headers: { 'accept-encoding': 'gzip' } }, (response) => (response.resume(), response.on('end', resolve))).on('error', reject))
  latencies.push(performance.now() - sent)
  await new Promise((resolve) => setTimeout(resolve, 5))
}
console.log(JSON.stringify(latencies))
`

const corpus = tempFolder('bulk-corpus-')
generateCorpus(corpus, COUNT)
// The new ones: numbered on from the corpus, so newer than every article in it. Or, to edit, the newest NEW of
// the corpus with new titles, in its own folders, so that `cp -r` writes over them.
const staging = tempFolder('bulk-new-')
const first = EDIT ? COUNT - NEW + 1 : COUNT + 1
const newest = EDIT ? COUNT : COUNT + NEW
const staged = (n: number) => (EDIT ? corpusFile(staging, n) : path.join(staging, 'neu', `meldung-${n}.md`))
const edited = (n: number) => `Meldung ${n}: korrigiert`
for (let n = first; n <= newest; n++) {
  fs.mkdirSync(path.dirname(staged(n)), { recursive: true })
  fs.writeFileSync(staged(n), articleSource(n, EDIT ? edited(n) : undefined, hoursApart(COUNT)))
}
const newestTitle = EDIT ? edited(newest) : `Meldung ${newest}:`
/** Takes the import back out of the corpus: the new folder, or the edited files' first text. */
function undoImport(): void {
  if (!EDIT) return fs.rmSync(path.join(corpus, 'neu'), { recursive: true, force: true })
  for (let n = first; n <= newest; n++) fs.writeFileSync(corpusFile(corpus, n), articleSource(n, undefined, hoursApart(COUNT)))
}

async function importOnce(main: string): Promise<string> {
  const port = await freePort()
  const metricsPort = await freePort()
  const base = `http://127.0.0.1:${port}`
  // The service's own measure of how long its event loop was held (prom-client's, reset at each scrape).
  const loopDelay = async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()
    const ms = (name: string) => Number(new RegExp(`^nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text)?.[1]) * 1000
    return { max: ms('max'), p99: ms('p99') }
  }
  const state = tempFolder('bulk-state-')
  const env = { PATH: process.env.PATH ?? '', ...SERVICE_NODE_ENV, PORT: String(port), HOST: '127.0.0.1', SITE_URL: `${base}/`, ARTICLES_DIR: corpus, STATE_DIR: state, METRICS_PORT: String(metricsPort), ...BENCH_SERVICE_ENV }
  const service = owned(spawn(process.execPath, serviceArgs(main), { env, stdio: ['ignore', 'pipe', 'inherit'] }))
  try {
    await untilServing(service, `${base}/wirtschaft/feed.xml`, 'serving ', main)
    await sleep(8_000)
    const polled = POLL_PAGE ? ((await (await fetch(`${base}/wirtschaft/feed.json`)).json()) as { items: { url: string }[] }).items[0]?.url : `${base}/wirtschaft/feed.xml`
    if (!polled) throw new Error('the feed has no item whose page to poll')
    const poller = owned(spawn(process.execPath, ['--input-type=module', '-e', POLLER, polled, String(POLL_MS)], { stdio: ['ignore', 'pipe', 'inherit'] }))
    let output = ''
    poller.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const pollerDone = new Promise<void>((resolve) => poller.once('exit', () => resolve()))
    await sleep(2_000)
    await loopDelay() // from now on
    const copyStarted = performance.now()
    const copy = EDIT ? spawnSync('cp', ['-r', `${staging}/.`, corpus]) : spawnSync('cp', ['-r', path.join(staging, 'neu'), path.join(corpus, 'neu')])
    if (copy.status !== 0) throw new Error(`cp: ${copy.stderr.toString()}`)
    let visible = Number.NaN
    while (performance.now() - copyStarted < 120_000) {
      if ((await (await fetch(`${base}/wirtschaft/feed.xml`)).text()).includes(newestTitle)) {
        visible = performance.now() - copyStarted
        break
      }
      await sleep(20)
    }
    await pollerDone
    const held = await loopDelay()
    const latencies = (JSON.parse(output) as number[]).sort((a, b) => a - b)
    const at = (share: number) => (latencies[Math.floor(share * (latencies.length - 1))] as number).toFixed(1)
    return `${latencies.length} polls, p50 ${at(0.5)} / p99 ${at(0.99)} / max ${at(1)} ms, over 50 ms ${latencies.filter((ms) => ms > 50).length}, over 100 ms ${latencies.filter((ms) => ms > 100).length}; newest visible ${(visible / 1000).toFixed(2)} s after the copy began; event loop held at most ${held.max.toFixed(0)} ms (p99 ${held.p99.toFixed(0)} ms)`
  } finally {
    await new Promise<void>((resolve) => (service.exitCode !== null ? resolve() : (service.once('exit', () => resolve()), service.kill('SIGTERM'))))
    removeFolder(state)
    undoImport()
  }
}

try {
  console.log(`bulk ${EDIT ? 'edit' : 'import'}: ${NEW.toLocaleString('en')} ${EDIT ? 'articles edited (copied over) of' : 'new articles copied into'} ${COUNT.toLocaleString('en')}, ${POLL_PAGE ? "the newest article's page" : 'the feed'} polled every 5 ms`)
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, main] of [['this build', MAIN], ...(BASE ? [['baseline', BASE]] : [])] as const) console.log(`${name}, run ${round}: ${await importOnce(main)}`)
  }
} finally {
  await stopAll()
}
