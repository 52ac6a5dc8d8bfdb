/**
 * Documents holding a body whose render ran out of time (a paused VM: the
 * limit's timer fires on waking): served with the body's plain text, and with
 * the body as written once it is rendered again in the background, then the
 * article's CDN key purged (purgeOnBodyRenderedAgain, as main.ts wires it).
 */
import { describe, expect, it, vi } from 'vitest'
import { purgeOnBodyRenderedAgain, purgeOnChange } from '../../src/cdn/purge-on-change.js'
import { siteCompressed, type Site } from '../../src/site/build-site.js'
import { loadConfig } from '../../src/config.js'
import { createHttp } from '../../src/http/app.js'
import { RENDER_IN_THREAD, type Renderer } from '../../src/site/renderer.js'
import { bodyOrPlainText } from '../../src/site/render-request.js'
import { ANY_KEY, articleKey } from '../../src/site/cache-keys.js'
import { startPlus } from '../../src/plus/start-plus.js'
import { TOKEN_PLACEHOLDER } from '../../src/plus/subscriber-feeds.js'
import { ContentStore } from '../../src/store/content-store.js'
import { TIMED_OUT_KEPT_MS } from '../../src/store/rendered-bodies.js'
import { WorkerTimeoutError } from '../../src/util/worker-errors.js'
import { memorySource } from '../helpers/memory-source.js'
import { PLUS_SECRET } from '../helpers/plus-instance.js'
import { articleText } from '../helpers/temp-dir.js'

const article = (slug: string, day: number, body = 'Ein Absatz.\n') => articleText({ title: slug, date: `2025-06-0${day}T06:00:00Z`, category: 'wirtschaft' }, body)

/** A renderer whose first render of the body holding 'Bank' runs out of time, the later ones render; `slow()` counts those renders. */
function slowOnce() {
  let slow = 0
  const renderer: Renderer = {
    ...RENDER_IN_THREAD,
    body: (markdown, url, site) =>
      bodyOrPlainText(markdown, () => (markdown.includes('Bank') && ++slow === 1 ? Promise.reject(new WorkerTimeoutError(20_000)) : RENDER_IN_THREAD.body(markdown, url, site)), () => Promise.reject(new Error('none'))),
  }
  return { renderer, slow: () => slow }
}

describe('an archive page holding a body that ran out of time', () => {
  it('is served with its plain text, cached like a live feed, then with the body as written once it rendered again', async () => {
    let now = new Date('2026-01-01T00:00:00Z')
    const config = loadConfig({ SITE_URL: 'https://www.example.de/', FEED_LIMIT: '1', ARCHIVE_PAGE_SIZE: '1' })
    const files = new Map([['alt.md', article('alt', 1, 'Die Bank *hält* still.\n')], ['b.md', article('b', 2)], ['c.md', article('c', 3)]])
    // The first render of alt.md's body runs out of time; every later one renders.
    const { renderer, slow } = slowOnce()
    const store = new ContentStore({ config, source: memorySource(files, config), clock: () => now, logger: { info: () => {}, warn: () => {} }, renderer })
    await store.load()
    await store.settled()
    const { app } = createHttp({ config, store, now: () => now.getTime() })
    const archived = async () => {
      const response = await app.request('/wirtschaft/archiv/1/feed.json')
      const items = ((await response.json()) as { items: { content_html: string }[] }).items
      return [items[0]?.content_html, response.headers.get('cache-control')]
    }
    const [plain, live] = await archived()
    expect(plain).toBe('<p>Die Bank *hält* still.</p>')
    // Rendered again in the background once it was kept TIMED_OUT_KEPT_MS; the page a minute after it was made.
    now = new Date(now.getTime() + TIMED_OUT_KEPT_MS)
    expect((await archived())[0]).toBe(plain)
    await store.settled()
    await new Promise((resolve) => setImmediate(resolve))
    now = new Date(now.getTime() + 60_000)
    const [written, archive] = await archived()
    expect(written).toBe('<p>Die Bank <em>hält</em> still.</p>')
    expect([slow(), live, archive]).toEqual([2, 'public, max-age=300, stale-while-revalidate=60, stale-if-error=86400', 'public, max-age=86400, stale-while-revalidate=60, stale-if-error=86400'])
    store.close()
  })
})

describe('the current feed holding a body that ran out of time', () => {
  it("is rendered again once the body renders as written in the background, with no edit, then the article's key purged at the CDN", async () => {
    let now = new Date('2026-01-01T00:00:00Z')
    const config = loadConfig({ SITE_URL: 'https://www.example.de/', FEED_LIMIT: '2' })
    // b.md's body makes the feed larger than 16 KiB: its gzip and Brotli are made on the thread pool, after the swap.
    const files = new Map([['alt.md', article('alt', 1, 'Die Bank *hält* still.\n')], ['b.md', article('b', 2, 'Der Zins steigt, die Kurse fallen. '.repeat(600))]])
    const { renderer } = slowOnce()
    let app: ReturnType<typeof createHttp>['app'] | undefined
    const feed = async () => ((await (await app!.request('/wirtschaft/feed.json')).json()) as { items: { title: string; content_html: string }[] }).items.find((item) => item.title === 'alt')?.content_html
    // The keys purged, the body the feed held then, and whether its gzip and Brotli were still being made: a CDN that
    // fetches it again at once must get the body as written, compressed and cacheable (purge-on-change.ts).
    const purges: [readonly string[], string | undefined, boolean | undefined][] = []
    const purge = async (keys: readonly string[]) => {
      const compressing = store.resource('/wirtschaft/feed.json')?.compressing
      purges.push([keys, await feed(), compressing])
    }
    // As main.ts wires it with PURGE set.
    const onBodyRenderedAgain = purgeOnBodyRenderedAgain(purgeOnChange<Site>({ purge, ready: siteCompressed }).afterRebuild)
    const store: ContentStore = new ContentStore({ config, source: memorySource(files, config), clock: () => now, logger: { info: () => {}, warn: () => {} }, renderer, onBodyRenderedAgain })
    await store.load()
    await store.settled()
    ;({ app } = createHttp({ config, store, now: () => now.getTime() }))
    expect(await feed()).toBe('<p>Die Bank *hält* still.</p>')
    // Due: a document that asks for the body (its page) has it rendered again in the background.
    now = new Date(now.getTime() + TIMED_OUT_KEPT_MS)
    expect(await (await app.request('/wirtschaft/alt.html')).text()).toContain('Die Bank *hält* still.')
    await vi.waitFor(() => expect(purges).toHaveLength(1))
    // The article's page and the views naming it: the body changed no cache key, so no change purged them. Before, the
    // feed kept its plain text until an edit changed the current feeds' window.
    expect(purges).toEqual([[[articleKey('/wirtschaft/alt.html'), ANY_KEY], '<p>Die Bank <em>hält</em> still.</p>', false]])
    expect(await (await app.request('/wirtschaft/alt.html')).text()).toContain('Die Bank <em>hält</em> still.')
    store.close()
  })
})

describe('a view too large to name its articles, holding a body that ran out of time', () => {
  it('is purged at the CDN once the body renders as written: it names only the keys every change purges', async () => {
    let now = new Date('2026-01-01T00:00:00Z')
    const config = loadConfig({ SITE_URL: 'https://www.example.de/', PURGE: 'varnish:http://127.0.0.1:6081/' })
    // 300 articles: the view's 300 article keys would pass MAX_KEY_HEADER_BYTES (cdn-headers.ts).
    const files = new Map(Array.from({ length: 300 }, (_, n) => [`m${n}.md`, articleText({ title: `m${n}`, date: `2025-05-01T${String(n % 24).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}:00Z`, category: 'wirtschaft' })]))
    files.set('alt.md', article('alt', 1, 'Die Bank *hält* still.\n'))
    const { renderer } = slowOnce()
    const purged: string[] = []
    const onBodyRenderedAgain = purgeOnBodyRenderedAgain(purgeOnChange<Site>({ purge: async (keys) => void purged.push(...keys), ready: siteCompressed }).afterRebuild)
    const store = new ContentStore({ config, source: memorySource(files, config), clock: () => now, logger: { info: () => {}, warn: () => {} }, renderer, onBodyRenderedAgain })
    await store.load()
    await store.settled()
    const { app } = createHttp({ config, store, now: () => now.getTime() })
    const view = async () => {
      const response = await app.request('/wirtschaft/feed.json?limit=301')
      const items = ((await response.json()) as { items: { title: string; content_html: string }[] }).items
      return [response.headers.get('xkey'), items.length, items.find((item) => item.title === 'alt')?.content_html]
    }
    expect(await view()).toEqual(['site any doc', 301, '<p>Die Bank *hält* still.</p>'])
    now = new Date(now.getTime() + TIMED_OUT_KEPT_MS)
    expect(await (await app.request('/wirtschaft/alt.html')).text()).toContain('Die Bank *hält* still.')
    await vi.waitFor(() => expect(purged).not.toEqual([]))
    // Before: only the article's key, and a CDN kept the view's plain text for CDN_MAX_AGE.
    expect(purged).toEqual([articleKey('/wirtschaft/alt.html'), ANY_KEY])
    expect(await view()).toEqual(['site any doc', 301, '<p>Die Bank <em>hält</em> still.</p>'])
    store.close()
  })
})

describe("the subscribers' feed holding a plus body that ran out of time", () => {
  it('is rendered again once the body renders as written, though no article changed', async () => {
    // The subscribers' bodies keep time by performance.now(), as in the service.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
    try {
      let now = new Date('2026-01-01T00:00:00Z')
      const config = loadConfig({ SITE_URL: 'https://www.example.de/', PLUS_SECRET })
      const plusText = articleText({ title: 'plus', date: '2025-06-02T06:00:00Z', category: 'wirtschaft', access: 'plus', summary: 'Nur für Abonnenten.' }, 'Die Bank *hält* still.\n')
      const files = new Map([['plus.md', plusText], ['b.md', article('b', 1)]])
      const source = memorySource(files, config)
      // The subscribers' render of the plus body runs out of time once (the public feeds show its teaser only).
      const { renderer, slow } = slowOnce()
      const store = new ContentStore({ config, source, clock: () => now, logger: { info: () => {}, warn: () => {} } })
      const plus = startPlus({ config, onChange: (listener) => store.onChange(listener), source, renderer, logger: { info: () => {}, warn: () => {} } })
      await store.load()
      await Promise.all([store.settled(), plus?.feeds.settled()])
      const feed = () => new TextDecoder().decode(plus?.feeds.document('json')?.body(TOKEN_PLACEHOLDER))
      expect(feed()).toContain('<p>Die Bank *hält* still.</p>')
      // Ten minutes on: the body renders as written, by itself (a timer).
      now = new Date(now.getTime() + TIMED_OUT_KEPT_MS)
      vi.advanceTimersByTime(TIMED_OUT_KEPT_MS)
      // Before: the subscribers kept the plain text until the window of newest articles changed.
      await vi.waitFor(() => expect(feed()).toContain('<p>Die Bank <em>hält</em> still.</p>'))
      expect(slow()).toBe(2)
      store.close()
      plus?.close()
    } finally {
      vi.useRealTimers()
    }
  })
})
