/**
 * FEED_CONTENT=full|excerpt and the `?content=` view: what the items'
 * content holds, read back by feedparser (RSS, Atom) and as JSON Feed, and
 * the view's one canonical URL.
 */
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { readXmlFeeds } from '../helpers/consumers.js'
import { articleText } from '../helpers/temp-dir.js'
import { testApp } from '../helpers/test-app.js'

const SITE = 'https://www.example.de/'
const MEDIA = fileURLToPath(new URL('../fixtures/media', import.meta.url))

const FILES = {
  'zinsen.md': articleText(
    { title: 'Zinsen', date: '2025-06-01T06:00:00Z', category: 'wirtschaft', tags: '[EZB]', summary: 'Die EZB senkt & erklärt.', image: '/media/bild.jpg', image_alt: 'Ein Bild' },
    'Erster Absatz mit dem ganzen Text.\n\nZweiter Absatz.\n',
  ),
}

const LEAD = `<figure><img src="${SITE}media/bild.jpg" alt="Ein Bild" width="120" height="80"></figure>`
/** feedparser's serialisation of the same lead image. */
const LEAD_READ = `<figure><img alt="Ein Bild" height="80" src="${SITE}media/bild.jpg" width="120" /></figure>`
const TAIL = `<p>Die EZB senkt &amp; erklärt.</p><p><a href="${SITE}wirtschaft/zinsen.html">Weiterlesen</a></p>`
const BODY = '<p>Erster Absatz mit dem ganzen Text.</p>\n<p>Zweiter Absatz.</p>'
/** RSS and Atom as feedparser reads them, JSON Feed as written. */
const EXCERPT = [LEAD_READ + TAIL, LEAD_READ + TAIL, LEAD + TAIL]
const FULL = [LEAD_READ + BODY, LEAD_READ + BODY, LEAD + BODY]

/** The first item's content in RSS (content:encoded), Atom (content) and JSON Feed (content_html). */
async function contents(app: Awaited<ReturnType<typeof testApp>>['app'], query = ''): Promise<string[]> {
  const text = async (path: string) => (await app.request(`${path}${query}`)).text()
  const [rss, atom] = readXmlFeeds([
    { body: await text('/wirtschaft/feed.xml'), contentType: 'application/rss+xml' },
    { body: await text('/wirtschaft/atom.xml'), contentType: 'application/atom+xml' },
  ])
  const json = JSON.parse(await text('/wirtschaft/feed.json')) as { items: { content_html: string }[] }
  return [rss?.entries[0]?.content[0]?.value ?? '', atom?.entries[0]?.content[0]?.value ?? '', json.items[0]?.content_html ?? '']
}

describe('FEED_CONTENT', () => {
  it('puts the whole article in every format by default', async () => {
    const { app } = await testApp(FILES, { MEDIA_DIR: MEDIA })
    expect(await contents(app)).toEqual(FULL)
  })

  it('with excerpt, carries the lead image, the summary and a "Weiterlesen" link instead of the body', async () => {
    const { app } = await testApp(FILES, { MEDIA_DIR: MEDIA, FEED_CONTENT: 'excerpt' })
    expect(await contents(app)).toEqual(EXCERPT)
  })

  it('refuses any other value, naming the variable', () => {
    expect(() => loadConfig({ FEED_CONTENT: 'kurz' })).toThrow('FEED_CONTENT: "kurz" is not full or excerpt')
    expect(loadConfig({}).feedContent).toBe('full')
  })
})

describe('?content=', () => {
  it('serves the excerpt view at its own canonical URL, with its self link and title', async () => {
    const { app } = await testApp(FILES, { MEDIA_DIR: MEDIA })
    expect(await contents(app, '?content=excerpt')).toEqual(EXCERPT)
    const [atom] = readXmlFeeds([{ body: await (await app.request('/wirtschaft/atom.xml?tag=EZB&content=excerpt')).text(), contentType: 'application/atom+xml' }])
    expect(atom?.feed.links.find((link) => link.rel === 'self')?.href).toBe(`${SITE}wirtschaft/atom.xml?tag=EZB&content=excerpt`)
    expect(atom?.feed.title).toBe('Wirtschaft – Beispielzeitung (Thema EZB · Auszüge)')
  })

  it('answers other spellings with the canonical view, naming its URL, and refuses a value it does not know', async () => {
    const { app } = await testApp(FILES, { MEDIA_DIR: MEDIA, FEED_CONTENT: 'excerpt' })
    const other = await app.request('/wirtschaft/feed.xml?content=full&tag=EZB')
    const canonical = await app.request('/wirtschaft/feed.xml?tag=EZB&content=full')
    expect(other.status).toBe(200)
    expect(other.headers.get('content-location')).toBe(`${SITE}wirtschaft/feed.xml?tag=EZB&content=full`)
    expect(await other.text()).toBe(await canonical.text())
    // The full view of an excerpt site.
    expect(await contents(app, '?content=full')).toEqual(FULL)
    const bad = await app.request('/wirtschaft/feed.xml?content=kurz')
    expect([bad.status, await bad.text()]).toEqual([400, 'Bad request: content: "kurz" is not full or excerpt\n'])
    const twice = await app.request('/wirtschaft/feed.xml?content=full&content=excerpt')
    expect([twice.status, await twice.text()]).toEqual([400, 'Bad request: content: give it once\n'])
  })
})
