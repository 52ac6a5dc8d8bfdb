import { describe, expect, it } from 'vitest'
import type { FeedDocument, FeedFormat, FeedItem } from '../../src/feeds/feed-model.js'
import { joinItems, splitItems } from '../../src/feeds/item-ranges.js'
import { RENDER_IN_THREAD, type Renderer } from '../../src/site/renderer.js'
import { RENDER_IN_THREAD_LATER } from '../../src/site/in-thread-later.js'
import { splicingRenderer } from '../../src/site/spliced-feeds.js'
import { builtRenderPool } from '../helpers/render-pool.js'
import { author, image, makeDocument, makeItem, makePageContext, SITE } from '../helpers/feed-fixtures.js'
import type { PodcastDocument } from '../../src/feeds/render-podcast.js'
import type { PodcastSettings } from '../../src/site-settings.js'

const PODCAST: PodcastSettings = {
  title: 'Geldfragen',
  description: 'Der Wirtschaftspodcast',
  author: 'Wirtschaftsredaktion',
  owner: { name: 'Redaktion', email: 'podcast@example.de' },
  image: `${SITE}media/cover.jpg`,
  category: 'News',
  subcategory: 'Business News',
  explicit: false,
  type: 'episodic',
  locked: true,
  copyright: undefined,
}
const CONTEXT = makePageContext({ podcast: { title: 'Geldfragen', url: `${SITE}wirtschaft/podcast.xml` } })

const decoder = new TextDecoder()
const text = (bytes: string | Uint8Array) => (typeof bytes === 'string' ? bytes : decoder.decode(bytes))

/** RENDER_IN_THREAD, noting how many items each feed render was given, by format. */
function countingRenderer(): { renderer: Renderer; calls: Record<FeedFormat, number[]> } {
  const calls: Record<FeedFormat, number[]> = { rss: [], atom: [], json: [] }
  return {
    calls,
    renderer: {
      ...RENDER_IN_THREAD,
      feed: (document, format) => {
        calls[format].push(document.items.length)
        return RENDER_IN_THREAD.feed(document, format)
      },
    },
  }
}

/** Items of every shape the formats write differently, and text that looks like markup. */
function items(): FeedItem[] {
  return Array.from({ length: 8 }, (_, index) =>
    makeItem({
      id: `tag:www.example.de,2025:wirtschaft/meldung-${index}`,
      url: `${SITE}wirtschaft/meldung-${index}.html`,
      title: `Meldung ${index}: <item> & </entry> ]]>`,
      contentHtml: `<p>Text ${index}</p><pre>&lt;item&gt;&lt;/item&gt; ]]&gt; <!-- --></pre>`,
      published: new Date(Date.UTC(2025, 5, 20 - index, 8)),
      updated: new Date(Date.UTC(2025, 5, 20 - index, 9)),
      authors: index % 2 === 0 ? [author('Miriam Okafor')] : [author('Jonas Weber'), author('Lea Brandt')],
      image: index === 2 ? image(`${SITE}media/bild-${index}.jpg`, { width: 1200, height: 800 }) : undefined,
      enclosure: index === 4 ? { url: `${SITE}media/folge-${index}.mp3`, type: 'audio/mpeg', length: 1234, duration: 60 } : undefined,
      lang: index === 5 ? 'en' : 'de',
    }),
  )
}

const edited = (list: FeedItem[], index: number, change: Partial<FeedItem>) => list.map((item, i) => (i === index ? { ...item, ...change } : item))

describe('splicingRenderer', () => {
  it('renders only the edited item of RSS and Atom, and gives byte for byte what a whole render gives', async () => {
    const { renderer, calls } = countingRenderer()
    const splicing = splicingRenderer(renderer)
    const first = makeDocument(items())
    for (const format of ['rss', 'atom'] as const) await splicing.feed(first, format)
    const next: FeedDocument = { ...first, items: edited(items(), 3, { title: 'Eilmeldung: Zinsen steigen & <fallen>' }) }
    for (const format of ['rss', 'atom'] as const) {
      expect(text(await splicing.feed(next, format))).toBe(text(await RENDER_IN_THREAD.feed(next, format)))
    }
    // The whole document once, then the edited item alone, as it was and as it is.
    expect(calls.rss).toEqual([8, 1, 1])
    expect(calls.atom).toEqual([8, 1, 1])
    expect(text(await splicing.feed(next, 'rss'))).toContain('<title>Eilmeldung: Zinsen steigen &#x26; &#x3C;fallen&gt;</title>')
  })

  it('renders whole when the document itself changes, or the edited item needs what the head declares for it', async () => {
    const { renderer, calls } = countingRenderer()
    const splicing = splicingRenderer(renderer)
    const list = items().map((item) => ({ ...item, image: undefined }))
    await splicing.feed(makeDocument(list), 'atom')
    // An image not the enclosure: Atom declares the media namespace on its root.
    const withImage = makeDocument(edited(list, 6, { image: image(`${SITE}media/neu.jpg`, { width: 800, height: 600 }) }))
    expect(text(await splicing.feed(withImage, 'atom'))).toBe(text(await RENDER_IN_THREAD.feed(withImage, 'atom')))
    expect(text(await splicing.feed(withImage, 'atom'))).toContain('xmlns:media="http://search.yahoo.com/mrss/"')
    // The feed's own title: every document's head.
    const retitled = { ...withImage, title: 'Wirtschaft – Neu' }
    expect(text(await splicing.feed(retitled, 'atom'))).toBe(text(await RENDER_IN_THREAD.feed(retitled, 'atom')))
    expect(calls.atom).toEqual([8, 1, 1, 8, 8])
  })

  it('renders whole when more items changed than it splices, or their number did', async () => {
    const { renderer, calls } = countingRenderer()
    const splicing = splicingRenderer(renderer)
    const list = items()
    await splicing.feed(makeDocument(list), 'rss')
    const many = makeDocument(list.map((item) => ({ ...item, title: `${item.title} (neu)` })))
    expect(text(await splicing.feed(many, 'rss'))).toBe(text(await RENDER_IN_THREAD.feed(many, 'rss')))
    const fewer = makeDocument(many.items.slice(1))
    expect(text(await splicing.feed(fewer, 'rss'))).toBe(text(await RENDER_IN_THREAD.feed(fewer, 'rss')))
    expect(calls.rss).toEqual([8, 8, 7])
  })

  it('renders whole, without cutting it on this thread, a document whose items hold more than 512 Ki characters of HTML', async () => {
    const { renderer, calls } = countingRenderer()
    const splicing = splicingRenderer(renderer)
    const large = items().map((item, index) => (index === 0 ? { ...item, contentHtml: `<p>${'Zinsen. '.repeat(70_000)}</p>` } : item))
    await splicing.feed(makeDocument(large), 'rss')
    const next = makeDocument(edited(large, 3, { title: 'Neu' }))
    expect(text(await splicing.feed(next, 'rss'))).toBe(text(await RENDER_IN_THREAD.feed(next, 'rss')))
    expect(calls.rss).toEqual([8, 8])
  })

  it('splices JSON Feed as it does RSS and Atom, byte for byte what a whole render gives', async () => {
    const { renderer, calls } = countingRenderer()
    const splicing = splicingRenderer(renderer)
    const document = makeDocument(items())
    expect(text(await splicing.feed(document, 'json'))).toBe(text(await RENDER_IN_THREAD.feed(document, 'json')))
    for (const index of [0, 3, 7]) {
      const next: FeedDocument = { ...document, items: edited(items(), index, { title: `Eilmeldung "${index}": \\ }, {` }) }
      const spliced = text(await splicing.feed(next, 'json'))
      expect(spliced).toBe(text(await RENDER_IN_THREAD.feed(next, 'json')))
      expect(JSON.parse(spliced).items[index].title).toBe(`Eilmeldung "${index}": \\ }, {`)
      await splicing.feed(document, 'json') // back, for the next index
    }
    // Each edit: its item alone, as it was and as it is; each way back: as it is only (the edit rendered the other alone).
    expect(calls.json).toEqual([8, ...Array(9).fill(1)])
  })

  it('renders an item edited again only as it is now: the last splice rendered its old version alone already', async () => {
    const { renderer, calls } = countingRenderer()
    const splicing = splicingRenderer(renderer)
    const first = makeDocument(items())
    const versions = ['Fassung 1', 'Fassung 2', 'Fassung 3'].map((title) => makeDocument(edited(items(), 2, { title })))
    for (const format of ['rss', 'atom', 'json'] as const) {
      await splicing.feed(first, format)
      for (const version of versions) expect(text(await splicing.feed(version, format))).toBe(text(await RENDER_IN_THREAD.feed(version, format)))
      // Whole, then old and new alone, then the new version alone each time.
      expect(calls[format]).toEqual([8, 1, 1, 1, 1])
    }
  })

  it("renders documents of up to 32 Ki characters of text with the renderer's `small` one, larger ones with the renderer itself", async () => {
    const large = countingRenderer()
    const small = countingRenderer()
    const splicing = splicingRenderer({ ...large.renderer, small: small.renderer })
    const list = items().map((item, index) => (index === 0 ? { ...item, contentHtml: `<p>${'Zinsen. '.repeat(5000)}</p>` } : item))
    const next = makeDocument(edited(list, 3, { title: 'Neu' }))
    await splicing.feed(makeDocument(list), 'rss')
    expect(text(await splicing.feed(next, 'rss'))).toBe(text(await RENDER_IN_THREAD.feed(next, 'rss')))
    await splicing.feed(makeDocument(items()), 'atom')
    // The document of 40,000 characters whole by the renderer; its items alone, and the small document, by `small`.
    expect([large.calls.rss, small.calls.rss, large.calls.atom, small.calls.atom]).toEqual([[8], [1, 1], [], [8]])
  })

  it('leaves the first documents, small or not, to the renderer itself: the first site is the workers\' alone', async () => {
    const pages = { large: 0, small: 0 }
    const large = countingRenderer()
    const small = countingRenderer()
    const counted = (renderer: Renderer, kind: keyof typeof pages): Renderer => ({
      ...renderer,
      feedPage: (document, format, context) => ((pages[kind] += 1), RENDER_IN_THREAD.feedPage(document, format, context)),
    })
    const splicing = splicingRenderer({ ...counted(large.renderer, 'large'), small: counted(small.renderer, 'small') })
    await Promise.all([splicing.feed(makeDocument(items()), 'rss'), splicing.feedPage(makeDocument(items()), 'rss', makePageContext())])
    expect([large.calls.rss, small.calls.rss, pages]).toEqual([[8], [], { large: 1, small: 0 }])
    // A change after it: its page is small, and rendered by `small`.
    await splicing.feedPage(makeDocument(items()), 'rss', makePageContext())
    expect(pages).toEqual({ large: 1, small: 1 })
  })

  it('renders with this thread, its renderer loaded on first use, what the render pool calls small', () => {
    const pool = builtRenderPool({ size: 1 })
    expect(pool.small).toBe(RENDER_IN_THREAD_LATER)
    void pool.close()
  })

  it('gives the last bytes for a podcast document equal to the last one, and for its page, without rendering them again', async () => {
    const calls = { podcast: 0, page: 0 }
    const renderer: Renderer = {
      ...RENDER_IN_THREAD,
      podcast: (document) => ((calls.podcast += 1), RENDER_IN_THREAD.podcast(document)),
      podcastPage: (document, context) => ((calls.page += 1), RENDER_IN_THREAD.podcastPage(document, context)),
    }
    const splicing = splicingRenderer(renderer)
    const podcast: PodcastDocument = { ...makeDocument(items()), podcast: PODCAST, episodes: [] }
    const bytes = text(await splicing.podcast(podcast))
    // Equal, not the same object: each change builds its documents anew.
    expect(text(await splicing.podcast({ ...podcast, items: [...podcast.items] }))).toBe(bytes)
    expect(calls.podcast).toBe(1)
    const changed = { ...podcast, items: edited(items(), 1, { title: 'Neue Folge' }) }
    expect(text(await splicing.podcast(changed))).toBe(text(await RENDER_IN_THREAD.podcast(changed)))
    expect(calls.podcast).toBe(2)
    const page = text(await splicing.podcastPage(changed, CONTEXT))
    expect(text(await splicing.podcastPage({ ...changed }, { ...CONTEXT }))).toBe(page)
    expect(calls.page).toBe(1)
    // The page depends on its context too: another author registry is another page.
    const authors = new Map([['Miriam Okafor', { name: 'Miriam Okafor', url: `${SITE}autoren/okafor`, email: undefined, avatar: undefined, bio: 'Redakteurin' }]])
    await splicing.podcastPage(changed, { ...CONTEXT, authors })
    expect(calls.page).toBe(2)
  })
})

describe('splitItems', () => {
  it('cuts JSON Feed at its items, whatever their strings hold', async () => {
    const list = items().map((item, index) => (index === 1 ? { ...item, title: '    },\n    {', contentHtml: '"items": [ ] }' } : item))
    const bytes = new TextEncoder().encode(text(await RENDER_IN_THREAD.feed(makeDocument(list), 'json')))
    const parts = splitItems(bytes, 'json', 8)
    expect(parts?.items.map((item) => JSON.parse(text(item).replace(/^,/, '')).id)).toEqual(list.map((item) => item.id))
    expect(text(joinItems(parts!))).toBe(text(bytes))
    expect(splitItems(bytes, 'json', 7)).toBeUndefined()
    const none = new TextEncoder().encode(text(await RENDER_IN_THREAD.feed(makeDocument([]), 'json')))
    expect(splitItems(none, 'json', 0)).toBeUndefined()
  })

  it('cuts RSS and Atom at their items, passing over markup inside CDATA, comments and attribute values', async () => {
    const document = makeDocument(items())
    for (const [format, open] of [['rss', '<item'], ['atom', '<entry']] as const) {
      const bytes = new TextEncoder().encode(text(await RENDER_IN_THREAD.feed(document, format)))
      const parts = splitItems(bytes, format, 8)
      expect(parts?.items.map((item) => text(item).trimStart().slice(0, open.length))).toEqual(Array(8).fill(open))
      expect(text(joinItems(parts!))).toBe(text(bytes))
      expect(splitItems(bytes, format, 7)).toBeUndefined()
    }
    const tricky = new TextEncoder().encode('<rss a=">"><channel><!-- <item> --><title><![CDATA[</item><item>]]></title>\n  <item>1</item>\n  <item b="/>"/>\n</channel></rss>\n')
    const parts = splitItems(tricky, 'rss', 2)
    expect(parts?.items.map(text)).toEqual(['\n  <item>1</item>', '\n  <item b="/>"/>'])
    expect(text(parts!.head)).toBe('<rss a=">"><channel><!-- <item> --><title><![CDATA[</item><item>]]></title>')
  })
})
