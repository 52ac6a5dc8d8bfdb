/**
 * The purger purges `doc` (with the media keys among them) in place of keys
 * that would take more than 16 requests, and `site` when workers start again
 * (cdn/purger.ts, purge-on-change.ts): with the VCL the repository ships, one
 * xkey purge of `doc` must then empty every kind of document Varnish keeps,
 * 404s among them, but media files, and one of `site` everything.
 */
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DOCUMENT_KEY } from '../../src/cdn/cdn-headers.js'
import { SITE_KEY } from '../../src/site/cache-keys.js'
import { freePort } from '../helpers/free-port.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'
import { startVarnishTier, type VarnishTier } from '../helpers/varnish-tier.js'

const temp = makeTempDir('varnish-site-')
const articles = path.join(temp.dir, 'articles')
let tier: VarnishTier
/** A port another listener holds when the tier is offered it first (CI, stop 56: varnishd's port was taken). */
let held: net.Server | undefined
let heldPort = 0

beforeAll(async () => {
  fs.mkdirSync(articles)
  fs.mkdirSync(path.join(temp.dir, 'media'))
  fs.writeFileSync(path.join(temp.dir, 'media', 'bild.png'), Buffer.alloc(2000, 1))
  fs.writeFileSync(path.join(temp.dir, 'site.yaml'), '{}\n')
  for (let n = 0; n < 6; n++) {
    fs.writeFileSync(path.join(articles, `a${n}.md`), articleText({ title: `Artikel ${n}`, date: `2026-11-2${n}T08:00:00Z`, category: 'wirtschaft', tags: '[EZB]' }))
  }
  // Two articles a page: archive pages 1 and 2 exist.
  const env = { ARTICLES_DIR: articles, MEDIA_DIR: path.join(temp.dir, 'media'), SITE_CONFIG: path.join(temp.dir, 'site.yaml'), FEED_LIMIT: '2', ARCHIVE_PAGE_SIZE: '2' }
  held = net.createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => held?.once('listening', resolve))
  heldPort = (held.address() as net.AddressInfo).port
  const offered = [heldPort]
  tier = await startVarnishTier(env, 1, async () => offered.shift() ?? freePort())
}, 60_000)

afterAll(async () => {
  held?.close()
  await tier?.stop()
  temp.rm()
})

const cacheOf = async (p: string): Promise<string> => {
  const response = await fetch(new URL(p.slice(1), tier.url))
  await response.arrayBuffer()
  return `${response.status} ${response.headers.get('X-Cache')}`
}

const PATHS = [
  '/wirtschaft/feed.xml',
  '/wirtschaft/feed.json',
  '/wirtschaft/feed.xml?tag=EZB',
  '/wirtschaft/a1.html',
  '/wirtschaft/archiv/1/feed.xml',
  '/wirtschaft/archiv/2/feed.json',
  '/media/bild.png',
  '/media/fehlt.png',
  '/wirtschaft/fehlt.html',
  '/wirtschaft/podcast.xml',
  '/nirgends',
  '/',
  '/sitemap.xml',
  '/news-sitemap.xml',
  '/assets/site.css',
  '/feeds.opml',
  '/robots.txt',
]

/** Every path asked twice: the second answer's cache state (HIT once kept). */
const fill = async (): Promise<Record<string, string>> => {
  const kept: Record<string, string> = {}
  for (const p of PATHS) {
    await cacheOf(p)
    kept[p] = await cacheOf(p)
  }
  return kept
}

const statesOf = async (): Promise<Record<string, string>> => Object.fromEntries(await Promise.all(PATHS.map(async (p) => [p, await cacheOf(p)] as const)))

describe('purges of every document at Varnish', () => {
  it('`doc` (too many keys to purge) empties every document but a media file; `site` (a deploy, workers back) empties them all', async () => {
    const kept = await fill()
    expect(Object.values(kept).every((state) => state.endsWith(' HIT')), JSON.stringify(kept)).toBe(true)
    expect(await tier.purge([DOCUMENT_KEY])).toBe(200)
    const afterDoc = await statesOf()
    expect(Object.entries(afterDoc).filter(([, state]) => state.endsWith(' HIT'))).toEqual([['/media/bild.png', '200 HIT']])
    await fill()
    expect(await tier.purge([SITE_KEY])).toBe(200)
    const after = await statesOf()
    expect(Object.entries(after).filter(([, state]) => !state.endsWith(' MISS'))).toEqual([])
  })
})

describe('the Varnish tier itself (tests/helpers/varnish-tier.ts)', () => {
  it('starts again on another port when varnishd finds its port taken, and its instances name that port', async () => {
    expect(heldPort).toBeGreaterThan(0)
    expect(new URL(tier.url).port).not.toBe(String(heldPort))
    const feed = await fetch(new URL('wirtschaft/feed.xml', tier.url))
    expect(feed.status).toBe(200)
    expect(await feed.text()).toContain(`<link>${tier.url}wirtschaft/a5.html</link>`)
  })
})
