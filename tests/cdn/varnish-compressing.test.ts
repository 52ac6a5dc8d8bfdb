/**
 * An edit swaps in the feed's identity bytes; gzip and Brotli of a feed over
 * 16 KiB follow on the thread pool. A client asking through Varnish in
 * between:
 * - made Varnish fetch and keep the uncompressed feed (Cache-Control public,
 *   Surrogate-Control max-age) for CDN_MAX_AGE: with cdac191's build, 14 of
 *   15 edits polled this way left Varnish sending 176 KB where 12 KB would do
 *   until the next edit. Those identity bytes are now for the one client
 *   (send-resource.ts: Resource.compressing), and the VCL the repository
 *   ships keeps nothing of them;
 * - still got those 176 KB, and every request of those milliseconds went to
 *   the origin, since the purge came at the swap. The purge now waits for the
 *   gzip and Brotli (purge-on-change.ts: ready), so Varnish sends its old copy
 *   meanwhile, then fetches and keeps the new one, gzipped.
 * Fifteen edits: on two cores a first answer came while gzip was being made
 * in about one edit of five.
 *
 * With two instances (the deployment docs/deployment.md measures), the one
 * whose gzip was made first purged, and Varnish's fetch went to the other,
 * still making it: its uncompressed answer went to the client (4 edits of
 * 20). The VCL asks the next instance once (ops/varnish/default.vcl).
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { articleSource, generateCorpus } from '../../bench/generate-corpus.js'
import { makeTempDir } from '../helpers/temp-dir.js'
import { startVarnishTier, type VarnishTier } from '../helpers/varnish-tier.js'

/** Varnish in front of `count` instances on one folder of 60 articles. */
function tierOf(count: number): { tier: () => VarnishTier; articles: string } {
  const temp = makeTempDir('varnish-compressing-')
  const articles = path.join(temp.dir, 'articles')
  let tier: VarnishTier | undefined
  beforeAll(async () => {
    // 50 items with their text in the feed: about 176 KB, compressed on the thread pool.
    generateCorpus(articles, 60)
    tier = await startVarnishTier({ ARTICLES_DIR: articles }, count)
  }, 60_000)
  afterAll(async () => {
    await tier?.stop()
    temp.rm()
  })
  return { tier: () => tier!, articles }
}

const viaVarnishOf = async (tier: VarnishTier) => {
  const response = await fetch(new URL('wirtschaft/feed.xml', tier.url), { headers: { 'Accept-Encoding': 'gzip' } })
  const text = await response.text()
  return { coding: response.headers.get('Content-Encoding') ?? 'identity', cacheControl: response.headers.get('Cache-Control') ?? '', cache: response.headers.get('X-Cache'), text }
}

describe('Varnish in front, a client polling the feed through it while articles are edited', () => {
  const one = tierOf(1)
  it('sends the feed gzipped in every answer, before and after each edit, and keeps the new one', () => pollEdits(one.tier(), one.articles, 15), 90_000)
})

describe('Varnish in front of two instances, a client polling the feed through it while articles are edited', () => {
  const two = tierOf(2)
  it('sends the feed gzipped in every answer, the first instance\'s purge coming while the other makes its gzip, and keeps the new one', () => pollEdits(two.tier(), two.articles, 30), 120_000)
})

/** How many purges each instance has made so far (purger.ts logs each). */
const purgesOf = (tier: VarnishTier): number[] => tier.instances.map((instance) => instance.output().split('purge: purged ').length - 1)

async function pollEdits(tier: VarnishTier, articles: string, edits: number): Promise<void> {
  const viaVarnish = () => viaVarnishOf(tier)
  await viaVarnish()
  const newest = path.join(articles, '001', 'meldung-60.md')
  const seen: string[] = []
  for (let edit = 0; edit < edits; edit++) {
    const title = `Nachgefragt ${process.pid}-${edit}`
    const purgedBefore = purgesOf(tier)
    fs.writeFileSync(newest, articleSource(60, title))
    const answers = [await viaVarnish()]
    const since = Date.now()
    while (!answers.at(-1)?.text.includes(title)) {
      if (Date.now() - since > 10_000) throw new Error(`edit ${edit} not visible through Varnish after 10 s\n${tier.output()}`)
      answers.push(await viaVarnish())
    }
    const first = answers.at(-1)!
    // An identity answer is for this client alone, never kept: a reverse proxy without the purge's wait (another CDN's own fetch) gets that.
    if (first.coding === 'identity') expect([edit, first.cacheControl.split(',')[0]]).toEqual([edit, 'private'])
    // Every instance's purge of this edit is in (with two, the second's may come after the first answer): then Varnish
    // fetches once more, and keeps what it fetched.
    while (purgesOf(tier).some((count, index) => count === purgedBefore[index])) {
      if (Date.now() - since > 10_000) throw new Error(`edit ${edit}: not every instance purged within 10 s\n${tier.output()}`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    const purgedAfter = purgesOf(tier)
    await viaVarnish()
    const later = await viaVarnish()
    seen.push(`${edit}: purges ${purgedBefore}->${purgedAfter}->${purgesOf(tier)}, ${answers.length} answers, ${answers.map((answer) => `${answer.coding} ${answer.cache}`).join(', ')}; then ${later.coding} ${later.cache}`)
    expect([edit, answers.filter((answer) => answer.coding !== 'gzip').length]).toEqual([edit, 0])
    expect([edit, later.coding, later.cache, later.text.includes(title)]).toEqual([edit, 'gzip', 'HIT', true])
  }
  console.log(seen.join('\n'))
}
