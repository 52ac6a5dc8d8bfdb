/**
 * An article page belongs to the same state as the feeds: a change is in the
 * catalog before its site is rendered and swapped in, and a page asked for
 * meanwhile was rendered from the catalog. It then showed the new title while
 * every feed still showed the old one, and a deleted article's page answered
 * 404 while the feeds still linked to it (the contract: every item's link
 * answers 200). Found by an invariant checker polling a running service
 * during edits (feed, page, feed: the same feed ETag around a page of another
 * state).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createApp } from '../../src/http/app.js'
import { IN_SITE_WAIT_MS } from '../../src/store/change-queue.js'
import { ContentStore } from '../../src/store/content-store.js'
import { RENDER_IN_THREAD, type Renderer } from '../../src/site/renderer.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'
import { collected } from '../helpers/collected.js'

const NOW = new Date('2026-01-01T00:00:00Z')
const FEED = '/wirtschaft/feed.xml'
const config = loadConfig({ SITE_URL: 'https://www.example.de/' })
const stores: ContentStore[] = []

afterEach(() => {
  for (const store of stores.splice(0)) store.close()
})

const article = (n: number, title: string) => articleText({ title, date: `2025-01-${String(n).padStart(2, '0')}T10:00:00Z`, category: 'wirtschaft' }, `Text zu ${title}. ${'Die Konjunktur zieht an. '.repeat(20)}\n`)
/** The titles a document gives m10, in its title and in its body: one state shows one. */
const m10Titles = (text: string) => new Set([...text.matchAll(/<title>(Meldung 10|Neue Schlagzeile)<\/title>|Text zu (Meldung 10|Neue Schlagzeile)\./g)].map((match) => match[1] ?? match[2]))

/** A store whose body reads of `gated` wait until opened: the change's site is not swapped in meanwhile. */
async function gatedStore(storeConfig = config, renderer?: Renderer) {
  const files = new Map<string, string>()
  for (let n = 1; n <= 10; n++) files.set(`m${n}.md`, article(n, `Meldung ${n}`))
  const source = memorySource(files, storeConfig)
  let gated: string | undefined
  let open = () => {}
  let entered = () => {}
  const reached = new Promise<void>((resolve) => (entered = resolve))
  const gate = new Promise<void>((resolve) => (open = resolve))
  // Reads of `held` wait for `release`: a slow disk under views asked for before the change.
  let release = () => {}
  const released = new Promise<void>((resolve) => (release = resolve))
  const held = new Set<string>()
  const readBody = source.readBody
  source.readBody = async (file) => {
    if (file === gated) {
      entered()
      await gate
    }
    if (held.has(file)) await released
    return readBody(file)
  }
  const store = new ContentStore({ config: storeConfig, source, renderer, clock: () => NOW, logger: { info: () => {}, warn: () => {} } })
  stores.push(store)
  await store.load()
  await store.settled()
  const app = createApp({ config: storeConfig, store, now: () => NOW.getTime() })
  return { files, store, app, gate: (file: string) => ((gated = file), reached), open: () => open(), hold: (...names: string[]) => names.forEach((name) => held.add(name)), release: () => release() }
}

const feedText = (store: ContentStore) => new TextDecoder().decode(store.resource(FEED)?.identity.body)

/** A document's answer, and (with `store`) what the current feed said when it came. */
const answer = (app: { request(path: string): Response | Promise<Response> }, store?: ContentStore) => (path: string) =>
  Promise.resolve(app.request(path)).then(async (response) => ({ status: response.status, text: await response.text(), feed: store ? feedText(store) : '' }))

/** One batch: m10 retitled, m9 deleted, m11 added (whose body, gated, the new feeds wait for). */
function editDeleteAdd(files: Map<string, string>): void {
  files.set('m10.md', article(10, 'Neue Schlagzeile'))
  files.delete('m9.md')
  files.set('m11.md', article(11, 'Meldung 11'))
}

type Answered = { status: number; text: string; feed: string }
/** m10's page shows the title the feed beside it showed; m9's page answers 404 only when that feed no longer listed it. */
async function expectStateOfFeeds(edited: Promise<Answered>, deleted: Promise<Answered>): Promise<void> {
  const page = await edited
  const feedTitle = /<item>[\s\S]*?<title>((?:Meldung 10|Neue Schlagzeile))<\/title>/.exec(page.feed)?.[1]
  expect(page.text).toContain(`<h1>${feedTitle}</h1>`)
  const gone = await deleted
  if (gone.status === 404) expect(gone.feed).not.toContain('<title>Meldung 9</title>')
  else expect([gone.status, gone.feed]).toEqual([200, expect.stringContaining('<title>Meldung 9</title>')])
}

describe('an article page while its change is rendered', () => {
  it('is answered from the state the feeds show: an edited title, a deleted article, not before their feeds', async () => {
    const { files, store, app, gate, open } = await gatedStore()
    editDeleteAdd(files)
    const reached = gate('m11.md')
    const applying = store.applyChanges(['m9.md', 'm10.md', 'm11.md'])
    await reached
    expect(feedText(store)).toContain('<title>Meldung 9</title>') // the old site is still the one served
    const answered = answer(app, store) // each page's answer, with what the feeds said when it came
    const [edited, deleted] = [answered('/wirtschaft/m10.html'), answered('/wirtschaft/m9.html')]
    const view = answered('/wirtschaft/feed.xml?limit=5')
    await new Promise((resolve) => setTimeout(resolve, 50))
    open()
    await applying
    expect(m10Titles((await view).text).size).toBe(1) // not the old site's title over the body read since
    await expectStateOfFeeds(edited, deleted)
    // Once swapped in, both follow the change.
    expect((await app.request('/wirtschaft/m9.html')).status).toBe(404)
    expect(await (await app.request('/wirtschaft/m10.html')).text()).toContain('Neue Schlagzeile')
  })

  it('is answered from the state the feeds show during a reload (another folder swapped in) too', async () => {
    const { files, store, app, gate, open } = await gatedStore()
    editDeleteAdd(files)
    const reached = gate('m11.md')
    const loading = store.load()
    await reached
    expect(feedText(store)).toContain('<title>Meldung 9</title>')
    const answered = answer(app, store)
    const [edited, deleted] = [answered('/wirtschaft/m10.html'), answered('/wirtschaft/m9.html')]
    await new Promise((resolve) => setTimeout(resolve, 50))
    open()
    await loading
    await expectStateOfFeeds(edited, deleted)
  })

  it('renders a view whose turn comes while the change is in the catalog only from the site after it', async () => {
    // Three items in the current feeds: a view of more reads the older bodies, and two views render at a time.
    const { files, store, app, gate, open, hold, release } = await gatedStore(loadConfig({ SITE_URL: 'https://www.example.de/', FEED_LIMIT: '3' }))
    hold('m1.md', 'm2.md')
    const answered = answer(app)
    const slow = [answered('/wirtschaft/feed.xml?limit=10'), answered('/wirtschaft/feed.xml?limit=9')]
    const view = answered('/wirtschaft/feed.xml?limit=5') // waits for its turn behind them
    await new Promise((resolve) => setTimeout(resolve, 20))
    files.set('m10.md', article(10, 'Neue Schlagzeile'))
    files.set('m11.md', article(11, 'Meldung 11'))
    const reached = gate('m11.md')
    const applying = store.applyChanges(['m10.md', 'm11.md'])
    await reached
    release() // the two views end, and the third takes its turn, while the change is rendered
    await Promise.all(slow)
    await new Promise((resolve) => setTimeout(resolve, 50))
    open()
    await applying
    expect(m10Titles((await view).text).size).toBe(1)
  })

  it(`waits at most IN_SITE_WAIT_MS (${IN_SITE_WAIT_MS} ms) for a change whose file read hangs: pages, archive pages and views are answered, not held by it`, async () => {
    const { files, store, app, gate, open } = await gatedStore(loadConfig({ SITE_URL: 'https://www.example.de/', FEED_LIMIT: '3' })) // an archive page
    files.set('m11.md', article(11, 'Meldung 11'))
    const reached = gate('m11.md') // its body never comes (a stalled network mount), until the test ends
    const applying = store.applyChanges(['m11.md'])
    await reached
    const timed = async (path: string) => {
      const started = performance.now()
      const response = await Promise.race([app.request(path), new Promise<undefined>((resolve) => setTimeout(resolve, 10_000))])
      return { status: response?.status, ms: performance.now() - started, text: await response?.text() }
    }
    const [page, archive, view] = await Promise.all([timed('/wirtschaft/m10.html'), timed('/wirtschaft/archiv/1/feed.xml'), timed('/wirtschaft/feed.xml?limit=5')])
    expect([page.status, archive.status, view.status]).toEqual([200, 200, 200])
    expect(page.text).toContain('<h1>Meldung 10</h1>')
    for (const { ms } of [page, archive, view]) {
      expect(ms).toBeGreaterThanOrEqual(IN_SITE_WAIT_MS - 50) // it waited for the change first
      expect(ms).toBeLessThan(IN_SITE_WAIT_MS + 5_000)
    }
    // Once the bound is past, a page waits no more for that change (nor does each request add a waiter to it).
    const later = await timed('/wirtschaft/m9.html')
    expect([later.status, later.ms < IN_SITE_WAIT_MS / 2]).toEqual([200, true])
    open()
    await applying
    expect(feedText(store)).toContain('<title>Meldung 11</title>')
  })

  it('holds no site past the next swap once a page waited for a reload (its rebuild resolves to that site)', async () => {
    const { files, store, gate, open } = await gatedStore()
    files.set('m11.md', article(11, 'Meldung 11'))
    const reached = gate('m11.md')
    const loading = store.load()
    await reached
    const page = store.articlePage('/wirtschaft/m10.html') // waits for the reload's rebuild
    open()
    await loading
    expect((await page)?.identity.body).toBeDefined()
    const reloaded = new WeakRef(store.site())
    await store.mediaChanged() // every document rendered again: a new site
    await store.settled()
    expect(store.site()).not.toBe(reloaded.deref())
    expect(await collected(reloaded)).toBe(true)
  })

  // A stop (main.ts: quiesce) overtaking the change's rebuild swaps nothing in (content-store.ts). Left in the catalog,
  // the change was shown by the page in flight (m10's new title, m9's 404) while every feed still showed the old state,
  // and the purge record said the CDN held that state: edited back while stopped, the next start purged neither.
  it.each([
    [
      'the change, and its pages are owed a purge',
      (store: ContentStore) => store.applyChanges(['m9.md', 'm10.md', 'm11.md']),
      (pages: string[]) => expect(pages.sort()).toEqual(['/wirtschaft/m10.html', '/wirtschaft/m11.html', '/wirtschaft/m9.html']),
    ],
    [
      'a reload (another folder), and every page is owed a purge',
      (store: ContentStore) => store.load(),
      (pages: string[]) => expect(pages).toEqual(expect.arrayContaining(['/wirtschaft/m1.html', '/wirtschaft/m9.html', '/wirtschaft/m10.html', '/wirtschaft/m11.html'])),
    ],
  ])('is answered from the state the feeds show when a stop overtakes %s', async (_, start, owed) => {
    const { files, store, app, gate, open } = await gatedStore()
    editDeleteAdd(files)
    const reached = gate('m11.md')
    const applying = start(store)
    await reached
    const answered = answer(app, store)
    const [edited, deleted] = [answered('/wirtschaft/m10.html'), answered('/wirtschaft/m9.html')]
    await new Promise((resolve) => setTimeout(resolve, 50))
    store.quiesce()
    open()
    await applying
    expect(feedText(store)).toContain('<title>Meldung 9</title>')
    await expectStateOfFeeds(edited, deleted)
    expect((await deleted).status).toBe(200)
    owed([...store.overtakenPages()])
  })

  it('is answered from the state put back when the change fails: the feeds never showed it', async () => {
    let failing = false
    const renderer: Renderer = { ...RENDER_IN_THREAD, feed: (document, format) => (failing ? ((failing = false), Promise.reject(new Error('kaputt'))) : RENDER_IN_THREAD.feed(document, format)) } // the change's rebuild fails, once
    const { files, store, app, gate, open } = await gatedStore(config, renderer)
    editDeleteAdd(files)
    const reached = gate('m11.md')
    failing = true
    const applying = store.applyChanges(['m9.md', 'm10.md', 'm11.md'])
    await reached
    const answered = answer(app)
    const [edited, deleted, view] = [answered('/wirtschaft/m10.html'), answered('/wirtschaft/m9.html'), answered('/wirtschaft/feed.xml?limit=5')]
    await new Promise((resolve) => setTimeout(resolve, 50))
    open()
    await applying
    expect(store.problems().join()).toContain('kaputt')
    expect(feedText(store)).toContain('<title>Meldung 9</title>')
    expect((await edited).text).toContain('<h1>Meldung 10</h1>')
    expect((await deleted).status).toBe(200)
    // Its title; the body is the file's (read since: the old text is gone from disk), as in any document rendered until the retry publishes it.
    expect([(await view).status, /<title>(Meldung 10|Neue Schlagzeile)<\/title>/.exec((await view).text)?.[1]]).toEqual([200, 'Meldung 10'])
  })

  it('waits for a reload while its files are read too: a page not rendered before read the new text under the old title', async () => {
    const storeConfig = loadConfig({ SITE_URL: 'https://www.example.de/', FEED_LIMIT: '3' }) // m5's body is in no current feed, so read for its page
    const files = new Map<string, string>()
    for (let n = 1; n <= 10; n++) files.set(`m${n}.md`, article(n, `Meldung ${n}`))
    const source = memorySource(files, storeConfig)
    let [gated, entered, open] = [false, () => {}, () => {}]
    const reached = new Promise<void>((resolve) => (entered = resolve))
    const gate = new Promise<void>((resolve) => (open = resolve))
    const readForIndex = source.readForIndex
    source.readForIndex = async (file) => {
      if (gated && file === 'm1.md') (entered(), await gate) // a reload reading 50,000 files: seconds
      return readForIndex(file)
    }
    const store = new ContentStore({ config: storeConfig, source, clock: () => NOW, logger: { info: () => {}, warn: () => {} } })
    stores.push(store)
    await store.load()
    await store.settled()
    files.set('m5.md', article(5, 'Neue Schlagzeile'))
    gated = true
    const loading = store.load()
    await reached
    const page = store.articlePage('/wirtschaft/m5.html')
    await new Promise((resolve) => setTimeout(resolve, 50))
    open()
    await loading
    const text = new TextDecoder().decode((await page)?.identity.body)
    expect([/<h1>([^<]*)<\/h1>/.exec(text)?.[1], /Text zu ([^.]*)\./.exec(text)?.[1]]).toEqual(['Neue Schlagzeile', 'Neue Schlagzeile'])
  })
})
