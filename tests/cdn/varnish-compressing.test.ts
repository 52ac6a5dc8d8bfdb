/**
 * An edit purges the feed at Varnish as soon as its identity bytes are
 * swapped in; gzip and Brotli of a feed over 16 KiB follow on the thread
 * pool. A client asking through Varnish in between made Varnish fetch and
 * keep the uncompressed feed (Cache-Control public, Surrogate-Control
 * max-age) for CDN_MAX_AGE: with cdac191's build, 14 of 15 edits polled this
 * way left Varnish sending 176 KB where 12 KB would do until the next edit.
 * Those identity bytes are now for the one client (send-resource.ts:
 * Resource.compressing), and the VCL the repository ships keeps nothing of
 * them. Fifteen edits: on two cores a first answer came while gzip was being
 * made in about one edit of five, and with six edits the test passed without
 * the fix in one run of three.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { articleSource, generateCorpus } from '../../bench/generate-corpus.js'
import { makeTempDir } from '../helpers/temp-dir.js'
import { startVarnishTier, type VarnishTier } from '../helpers/varnish-tier.js'

const temp = makeTempDir('varnish-compressing-')
const articles = path.join(temp.dir, 'articles')
let tier: VarnishTier

beforeAll(async () => {
  // 50 items with their text in the feed: about 176 KB, compressed on the thread pool.
  generateCorpus(articles, 60)
  tier = await startVarnishTier({ ARTICLES_DIR: articles }, 1)
}, 60_000)

afterAll(async () => {
  await tier?.stop()
  temp.rm()
})

const viaVarnish = async () => {
  const response = await fetch(new URL('wirtschaft/feed.xml', tier.url), { headers: { 'Accept-Encoding': 'gzip' } })
  const text = await response.text()
  return { coding: response.headers.get('Content-Encoding') ?? 'identity', cacheControl: response.headers.get('Cache-Control') ?? '', cache: response.headers.get('X-Cache'), text }
}

describe('Varnish in front, a client polling the feed through it while articles are edited', () => {
  it('never keeps the identity bytes sent while gzip is being made: after each edit it sends the feed gzipped', async () => {
    await viaVarnish()
    const newest = path.join(articles, '001', 'meldung-60.md')
    const seen: string[] = []
    for (let edit = 0; edit < 15; edit++) {
      const title = `Nachgefragt ${process.pid}-${edit}`
      fs.writeFileSync(newest, articleSource(60, title))
      let first = await viaVarnish()
      const since = Date.now()
      while (!first.text.includes(title)) {
        if (Date.now() - since > 10_000) throw new Error(`edit ${edit} not visible through Varnish after 10 s\n${tier.output()}`)
        first = await viaVarnish()
      }
      // The first answer with the edit: gzip already, or the identity bytes for this client alone.
      if (first.coding === 'identity') expect([edit, first.cacheControl.split(',')[0]]).toEqual([edit, 'private'])
      await new Promise((resolve) => setTimeout(resolve, 300))
      await viaVarnish()
      const later = await viaVarnish()
      seen.push(`${edit}: ${first.coding} then ${later.coding} ${later.cache}`)
      expect([edit, later.coding, later.cache, later.text.includes(title)]).toEqual([edit, 'gzip', 'HIT', true])
    }
    console.log(seen.join('\n'))
  }, 90_000)
})
