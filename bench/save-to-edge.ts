/**
 * `npm run build && npx tsx bench/save-to-edge.ts`: the time from saving an
 * article to the edited title at the edge, through Debian's Varnish with
 * ops/varnish/default.vcl in front of two instances of the built service on
 * one folder (the harness of tests/cdn/varnish.test.ts), over SAVE_EDITS
 * edits (default 20). The feed is cached before each edit (a HIT), and
 * polled every 5 ms from the moment the write returns. Prints each edit's
 * time, then median and max, in ms.
 */
import fs from 'node:fs'
import path from 'node:path'
import { articleText, makeTempDir } from '../tests/helpers/temp-dir.js'
import { startVarnishTier } from '../tests/helpers/varnish-tier.js'

const EDITS = Number(process.env.SAVE_EDITS ?? 20)

const temp = makeTempDir('save-to-edge-')
const articles = path.join(temp.dir, 'articles')
fs.mkdirSync(articles)
fs.mkdirSync(path.join(temp.dir, 'media'))
fs.writeFileSync(path.join(temp.dir, 'site.yaml'), '{}\n')
const write = (title: string) =>
  fs.writeFileSync(path.join(articles, 'zinsen.md'), articleText({ title, date: '2026-11-30T08:00:00Z', category: 'wirtschaft', tags: '[EZB]' }))
write('Fassung 0')
for (let index = 1; index <= 30; index++) {
  const day = String(1 + (index % 28)).padStart(2, '0')
  fs.writeFileSync(path.join(articles, `alt-${index}.md`), articleText({ title: `Älterer Artikel ${index}`, date: `2026-10-${day}T08:00:00Z`, category: 'wirtschaft' }))
}

const tier = await startVarnishTier({ ARTICLES_DIR: articles, MEDIA_DIR: path.join(temp.dir, 'media'), SITE_CONFIG: path.join(temp.dir, 'site.yaml') })
const feed = new URL('wirtschaft/feed.xml', tier.url).href
const fetchFeed = async () => {
  const response = await fetch(feed)
  return { text: await response.text(), cache: response.headers.get('X-Cache') }
}
const times: number[] = []
try {
  for (let edit = 1; edit <= EDITS; edit++) {
    // Cached at the edge first, from both instances' current state.
    const settleEnd = Date.now() + 5000
    while (!(await fetchFeed()).text.includes(`Fassung ${edit - 1}<`) && Date.now() < settleEnd) await new Promise((r) => setTimeout(r, 20))
    await new Promise((resolve) => setTimeout(resolve, 300))
    await fetchFeed()
    const cached = await fetchFeed()
    if (cached.cache !== 'HIT') throw new Error(`edit ${edit}: the feed was not cached before the save (${cached.cache})`)
    write(`Fassung ${edit}`)
    const saved = performance.now()
    while (!(await fetchFeed()).text.includes(`Fassung ${edit}<`)) {
      if (performance.now() - saved > 10_000) throw new Error(`edit ${edit}: not at the edge after 10 s`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    times.push(performance.now() - saved)
    console.log(`edit ${String(edit).padStart(2)}: ${times.at(-1)?.toFixed(0)} ms`)
  }
} finally {
  await tier.stop()
  temp.rm()
}
const sorted = [...times].sort((a, b) => a - b)
const median = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2] : ((sorted[sorted.length / 2 - 1] ?? 0) + (sorted[sorted.length / 2] ?? 0)) / 2
console.log(`save to edge over ${times.length} edits: median ${median?.toFixed(0)} ms, max ${sorted.at(-1)?.toFixed(0)} ms`)
