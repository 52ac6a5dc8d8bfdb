/**
 * `npx tsx bench/dense-start.ts`: the time from spawning the built service
 * until GET /wirtschaft/feed.xml answers 200, over a copy of the bundled
 * articles with nine files of dense Markdown added as the newest, each near
 * the 2 MiB limit and each of another kind: emphasis, list items, bare links,
 * code spans, headings, inline HTML, autolinks, e-mail autolinks, bare tags.
 * markdown-it's parse, the render and the sanitising after it cost in
 * proportion to such markup, and the first feed waits for the newest bodies
 * (render-markdown.ts, MAX_MARKUP_STEPS; tag-budget.ts, MAX_HTML_TAGS).
 *
 * Each round starts every build once, in turn, each with its own STATE_DIR
 * warmed by one start that is not counted (bench/first-feed.ts); the table
 * gives the median and the range. BENCH_BEFORE (another build's
 * dist/main.js) is measured beside BENCH_MAIN (default dist/main.js).
 * BENCH_DENSE_ROUNDS: rounds (default 3).
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { removeFolder, stopAll, tempFolder } from './children.js'
import { median, startsInTurn } from './first-feed.js'
import { serviceArgs } from './service-flags.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const ROUNDS = Number(process.env.BENCH_DENSE_ROUNDS ?? 3)
const MAIN = path.resolve(process.env.BENCH_MAIN ?? path.join(ROOT, 'dist/main.js'))
const BEFORE = process.env.BENCH_BEFORE ? path.resolve(process.env.BENCH_BEFORE) : undefined

/** What each dense file repeats: each a kind of markup markdown-it reads piece by piece. */
const KINDS: readonly [string, string][] = [
  ['emphasis', '*ab* '],
  ['list items', '- a\n'],
  ['bare links', 'http://a.de '],
  ['code spans', '`a` '],
  ['headings', '# a\n'],
  ['inline HTML', '<b>a</b> '],
  ['autolinks', '<http://a.de>'],
  ['e-mail autolinks', '<a@b.c>'],
  ['bare tags', '<x>'],
]

/** The bundled articles, and one file of each kind, dated after them, just under 2 MiB. */
function denseCorpus(dir: string): void {
  fs.cpSync(path.join(ROOT, 'articles'), dir, { recursive: true })
  for (const [index, [kind, unit]] of KINDS.entries()) {
    const head = `---\ntitle: "Dicht ${index + 1}: ${kind}"\ndate: 2026-11-30T0${index}:00:00Z\ncategory: wirtschaft\nauthor: Bench\n---\n`
    fs.writeFileSync(path.join(dir, `dicht-${index + 1}.md`), head + unit.repeat(Math.floor((2 * 1024 * 1024 - head.length - 1) / unit.length)))
  }
}

const work = tempFolder('bench-dense-start-')
try {
  const articles = path.join(work, 'articles')
  denseCorpus(articles)
  const builds = [['this build', MAIN], ...(BEFORE ? [['before', BEFORE]] : [])] as const
  const figures = await startsInTurn(
    builds.map(([, main]) => [process.execPath, serviceArgs(main)] as const),
    ROUNDS,
    path.join(work, 'states'),
    { articlesDir: articles },
  )
  console.log(`| start → first feed, bundled articles and ${KINDS.length} dense files of 2 MiB (median of ${ROUNDS}) | wall |`)
  console.log('|---|---|')
  for (const [index, [name, main]] of builds.entries()) {
    const wall = figures[index]?.wall ?? []
    console.log(`| ${name} (${path.relative(ROOT, main)}) | ${(median(wall) / 1000).toFixed(2)} s (${(Math.min(...wall) / 1000).toFixed(2)}–${(Math.max(...wall) / 1000).toFixed(2)}) |`)
  }
} finally {
  removeFolder(work)
  await stopAll()
}
