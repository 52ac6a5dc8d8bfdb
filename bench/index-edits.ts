/**
 * `npx tsx bench/index-edits.ts`: the index's part of a bulk edit, in one
 * process and without disk: an ArticleIndex (store/article-index.ts) of
 * INDEX_ARTICLES articles (default 60,000) takes INDEX_EDITS edits (default
 * 10,000) of its newest articles that keep every key (a new title), one
 * `set` each, as a bulk correction's change does one file at a time.
 * Printed: all the edits' time, and the slowest single edit, which a request
 * waits behind (an edit runs within one turn of the event loop).
 *
 * With BENCH_BASE_ROOT (another checkout, e.g. a `git worktree` of an older
 * commit) its ArticleIndex runs too, alternating with this one, each run in
 * a process of its own (a fresh heap), INDEX_ROUNDS runs each (default 3).
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const ARTICLES = Number(process.env.INDEX_ARTICLES ?? 60_000)
const EDITS = Number(process.env.INDEX_EDITS ?? 10_000)
const ROUNDS = Number(process.env.INDEX_ROUNDS ?? 3)
const HERE = path.resolve(import.meta.dirname, '..')

/** One run, in this process: the figures of the ArticleIndex and fixtures under `root`, as one line of JSON. */
async function measure(root: string): Promise<void> {
  const load = (file: string) => import(pathToFileURL(path.join(root, file)).href)
  const { ArticleIndex } = await load('src/store/article-index.ts')
  const { makeArticle } = await load('tests/helpers/article-fixtures.ts')
  const date = (n: number) => new Date(Date.UTC(2020, 0, 1) + n * 3_600_000).toISOString()
  const index = new ArticleIndex('wirtschaft')
  index.load(Array.from({ length: ARTICLES }, (_, n) => makeArticle(`meldung-${n}`, { date: date(n), title: `Meldung ${n}` })))
  let [total, slowest] = [0, 0]
  for (let n = ARTICLES - EDITS; n < ARTICLES; n++) {
    // Made one at a time, as a change reads them, and outside the time counted.
    const article = makeArticle(`meldung-${n}`, { date: date(n), title: `Meldung ${n}: korrigiert` })
    const before = performance.now()
    index.set(article)
    const took = performance.now() - before
    total += took
    slowest = Math.max(slowest, took)
  }
  console.log(JSON.stringify({ total, slowest }))
}

if (process.argv[2] === '--measure') await measure(process.argv[3] as string)
else {
  const BASE = process.env.BENCH_BASE_ROOT
  console.log(`index edits: ${EDITS.toLocaleString('en')} edits keeping every key, in an index of ${ARTICLES.toLocaleString('en')} articles`)
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, root] of [['this checkout', HERE], ...(BASE ? [['baseline', path.resolve(BASE)]] : [])] as const) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--measure', root], { encoding: 'utf8', env: process.env })
      if (run.status !== 0) throw new Error(`${name}: ${run.stderr}`)
      const { total, slowest } = JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as { total: number; slowest: number }
      console.log(`${name}, run ${round}: all edits ${total.toFixed(0)} ms, the slowest edit ${slowest.toFixed(1)} ms`)
    }
  }
}
