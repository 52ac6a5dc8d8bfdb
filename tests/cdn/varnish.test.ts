/**
 * Debian's Varnish (varnish-modules' xkey) in front of two instances of the
 * built service on one articles folder, round-robin, with the VCL the
 * repository ships (ops/varnish/default.vcl). The feeds are kept for a day
 * (CDN_MAX_AGE=86400), yet every change shows at once: the instances purge
 * exactly the keys that changed.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { articleKey } from '../../src/site/cache-keys.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'
import { startVarnishTier, type VarnishTier } from '../helpers/varnish-tier.js'

const temp = makeTempDir('varnish-articles-')
const articles = path.join(temp.dir, 'articles')
let tier: VarnishTier
/** When the scheduled article goes live: a few seconds after both instances know it (see beforeAll). */
let scheduled: Date
/**
 * From saving the scheduled article to its time: enough for both instances to take it in (the edit test
 * asserts under 1 s) and for the three tests before its own (1.3–2 s together at a load of 13 on 2 cores),
 * five times over. The tier's start is not in this window: the article is saved once the tier is up.
 */
const SCHEDULE_AHEAD_MS = 10_000

const article = (title: string, date: string, tags = '[Konjunktur]') => articleText({ title, date, category: 'wirtschaft', tags })

beforeAll(async () => {
  fs.mkdirSync(articles)
  fs.mkdirSync(path.join(temp.dir, 'media'))
  // No podcast, no images: the site settings' defaults.
  fs.writeFileSync(path.join(temp.dir, 'site.yaml'), '{}\n')
  fs.writeFileSync(path.join(articles, 'zinsen.md'), article('Zinsen steigen', '2026-11-30T08:00:00Z', '[EZB]'))
  fs.writeFileSync(path.join(articles, 'handel.md'), article('Handel wächst', '2026-11-29T08:00:00Z'))
  fs.writeFileSync(path.join(articles, 'bau.md'), article('Bau stockt', '2026-11-28T08:00:00Z'))
  tier = await startVarnishTier({ ARTICLES_DIR: articles, MEDIA_DIR: path.join(temp.dir, 'media'), SITE_CONFIG: path.join(temp.dir, 'site.yaml') })
  // Saved once the tier is up, so that the wait for its time does not have to cover a start under load
  // (which took most of a fixed 25 s margin's room); the same rebuild arms the publication timer at a
  // start and after a change (ContentStore#rebuildOnce).
  scheduled = new Date(Math.ceil((Date.now() + SCHEDULE_AHEAD_MS) / 1000) * 1000)
  fs.writeFileSync(path.join(articles, 'morgen.md'), article('Um Punkt erschienen', scheduled.toISOString()))
  // Both instances know it once their feed is fresh only until its time (send-resource.ts: nextPublication).
  await until(async () => {
    const ages = await Promise.all(
      tier.instances.map(async (instance) => {
        const response = await fetch(`${instance.base}/wirtschaft/feed.xml`)
        await response.arrayBuffer()
        return response.headers.get('Cache-Control') ?? ''
      }),
    )
    return ages.every((value) => Number(/max-age=(\d+)/.exec(value)?.[1]) <= Math.ceil((scheduled.getTime() - Date.now()) / 1000) + 1)
  }, 5000)
}, 60_000)

afterAll(async () => {
  await tier?.stop()
  temp.rm()
})

const get = async (path: string, headers: Record<string, string> = {}) => {
  const response = await fetch(new URL(path.slice(1), tier.url), { headers })
  return { status: response.status, headers: response.headers, text: await response.text() }
}

const until = async (condition: () => Promise<boolean>, ms: number): Promise<number> => {
  const started = performance.now()
  while (!(await condition())) {
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms:\n${tier.output().slice(-4000)}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return performance.now() - started
}

describe('Varnish in front of two instances', () => {
  it('keeps the feed for a day (Surrogate-Control, read by the VCL), while browsers get the usual max-age', async () => {
    const direct = await fetch(`${tier.instances[0]?.base}/wirtschaft/feed.xml`)
    await direct.arrayBuffer()
    expect(direct.headers.get('Surrogate-Control')).toBe('max-age=86400')
    expect(direct.headers.get('xkey')).toContain(articleKey('/wirtschaft/zinsen.html'))

    const first = await get('/wirtschaft/feed.xml')
    const second = await get('/wirtschaft/feed.xml')
    expect(first.status).toBe(200)
    expect(second.headers.get('X-Cache')).toBe('HIT')
    expect(second.text).toBe(first.text)
    expect(second.headers.get('Surrogate-Control')).toBeNull()
    expect(second.headers.get('xkey')).toBeNull()
    // Browsers: never past the scheduled article.
    const maxAge = Number(/max-age=(\d+)/.exec(second.headers.get('Cache-Control') ?? '')?.[1])
    expect(maxAge).toBeLessThanOrEqual(Math.ceil((scheduled.getTime() - Date.now()) / 1000) + 1)
    expect(first.text).not.toContain('Um Punkt erschienen')
  })

  it('shows an edited title within 1 s of the save, and keeps an unrelated page cached', async () => {
    await get('/wirtschaft/bau.html')
    const page = await get('/wirtschaft/bau.html')
    expect(page.headers.get('X-Cache')).toBe('HIT')
    expect((await get('/wirtschaft/feed.xml')).headers.get('X-Cache')).toBe('HIT')

    fs.writeFileSync(path.join(articles, 'zinsen.md'), article('Zinsen sinken wieder', '2026-11-30T08:00:00Z', '[EZB]'))
    const saved = performance.now()
    await until(async () => (await get('/wirtschaft/feed.xml')).text.includes('Zinsen sinken wieder'), 5000)
    const latency = performance.now() - saved
    expect(latency).toBeLessThan(1000)

    // Once both instances have it, the edge keeps nothing older.
    await until(async () => {
      const texts = await Promise.all(tier.instances.map(async (instance) => (await fetch(`${instance.base}/wirtschaft/feed.xml`)).text()))
      return texts.every((text) => text.includes('Zinsen sinken wieder'))
    }, 5000)
    await new Promise((resolve) => setTimeout(resolve, 200))
    const after = await get('/wirtschaft/feed.xml')
    expect(after.text).toContain('Zinsen sinken wieder')
    expect(after.text).not.toContain('Zinsen steigen')
    expect((await get('/wirtschaft/zinsen.html')).text).toContain('Zinsen sinken wieder')

    const unrelated = await get('/wirtschaft/bau.html')
    expect(unrelated.headers.get('X-Cache')).toBe('HIT')
    expect(unrelated.text).toBe(page.text)
  })

  it('answers 304 to a validator one instance gave, from a copy the other instance filled', async () => {
    const first = await get('/wirtschaft/handel.html')
    const etag = first.headers.get('ETag') ?? ''
    const filledBy = first.headers.get('X-Cache-Origin')
    expect(etag).not.toBe('')
    const origins = new Set<string | null>([filledBy])
    // Purge the page, and revalidate until the other instance has filled it.
    for (let attempt = 0; attempt < 4 && origins.size < 2; attempt++) {
      expect(await tier.purge([articleKey('/wirtschaft/handel.html')])).toBe(200)
      const revalidated = await get('/wirtschaft/handel.html', { 'If-None-Match': etag })
      expect(revalidated.status).toBe(304)
      origins.add(revalidated.headers.get('X-Cache-Origin'))
    }
    expect([...origins].sort()).toEqual(['app1', 'app2'])
    // And each instance on its own.
    for (const instance of tier.instances) {
      const response = await fetch(`${instance.base}/wirtschaft/handel.html`, { headers: { 'If-None-Match': etag.replace(/^W\//, '') } })
      expect(response.status, instance.base).toBe(304)
    }
  })

  it('shows a scheduled article at its time, though the feed was cached for a day before', async () => {
    expect(Date.now()).toBeLessThan(scheduled.getTime() - 500)
    expect((await get('/wirtschaft/feed.xml')).text).not.toContain('Um Punkt erschienen')
    expect((await get('/wirtschaft/feed.xml')).headers.get('X-Cache')).toBe('HIT')
    expect((await get('/wirtschaft/morgen.html')).status).toBe(404)
    await new Promise((resolve) => setTimeout(resolve, scheduled.getTime() - Date.now()))
    await until(async () => (await get('/wirtschaft/feed.xml')).text.includes('Um Punkt erschienen'), 1500)
    expect(Date.now()).toBeGreaterThanOrEqual(scheduled.getTime())
    await until(async () => (await get('/wirtschaft/morgen.html')).status === 200, 1500)
  }, 40_000)
})
