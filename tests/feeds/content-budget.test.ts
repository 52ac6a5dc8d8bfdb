/**
 * The budget of HTML a feed document carries in full (FEED_CONTENT_BUDGET):
 * which items keep their text and which their summary only, in RSS, Atom and
 * JSON Feed read back by feedparser and as JSON; the log line and /healthz,
 * for the public feeds and the subscribers'.
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/content/article.js'
import { loadConfig } from '../../src/config.js'
import { FEED_CONTENT_BUDGET, toFeedItems, type ItemContext, type RenderedBody } from '../../src/feeds/build-feed.js'
import { createHttp } from '../../src/http/app.js'
import { startPlus } from '../../src/plus/start-plus.js'
import { TOKEN_PLACEHOLDER } from '../../src/plus/subscriber-feeds.js'
import { RENDER_IN_THREAD, type Renderer } from '../../src/site/renderer.js'
import { ContentStore } from '../../src/store/content-store.js'
import { redactSecrets } from '../../src/text/redact.js'
import { makeArticle } from '../helpers/article-fixtures.js'
import { readXmlFeeds } from '../helpers/consumers.js'
import { memorySource } from '../helpers/memory-source.js'
import { PLUS_SECRET } from '../helpers/plus-instance.js'
import { articleText } from '../helpers/temp-dir.js'

const SITE = 'https://www.example.de/'
const CONTEXT: ItemContext = { deskAuthor: 'Desk', authors: new Map(), media: () => undefined }

describe('toFeedItems', () => {
  const articles = ['a', 'b', 'c', 'd'].map((slug, index) => makeArticle(slug, { date: `2025-06-0${4 - index}T06:00:00Z`, summary: `Kurz ${slug}` }))
  const bodies: Record<string, RenderedBody> = {
    a: { html: '<p>aaaa</p>', excerpt: '' }, // 11 bytes
    b: { html: '<p>ä</p>', excerpt: '' }, // 9 bytes in UTF-8, 8 characters
    c: { html: '<p>cccccccc</p>', excerpt: '' }, // 15 bytes
    d: { html: '<p>d</p>', excerpt: '' },
  }
  const bodyOf = (article: Article) => bodies[article.slug] as RenderedBody
  const kinds = (items: readonly { contentHtml: string }[]) => items.map((item) => (item.contentHtml.includes('Weiterlesen') ? 'summary' : 'full'))

  it('keeps the whole content while the items hold at most the budget in UTF-8 bytes, then gives the rest their summary', () => {
    expect(kinds(toFeedItems(articles, bodyOf, CONTEXT, 20).items)).toEqual(['full', 'full', 'summary', 'summary'])
    // 11 + 9 = 20 bytes fit exactly; 19 do not, though the characters would (11 + 8).
    expect(toFeedItems(articles, bodyOf, CONTEXT, 19).shortened).toBe(3)
    // The small item after the first one cut gives its summary too: the full texts stay the newest ones.
    const { items, shortened } = toFeedItems(articles, bodyOf, CONTEXT, 30)
    expect([kinds(items), shortened]).toEqual([['full', 'full', 'summary', 'summary'], 2])
    expect(items[3]?.contentHtml).toBe(`<p>Kurz d</p><p><a href="${articles[3]?.url}">Weiterlesen</a></p>`)
    expect(items.map((item) => [item.id, item.summary])).toEqual(articles.map((article) => [article.id, article.summary]))
    // Within the budget every item is whole; excerpts (FEED_CONTENT=excerpt) are not counted.
    expect(toFeedItems(articles, bodyOf, CONTEXT).shortened).toBe(0)
    expect(toFeedItems(articles, bodyOf, { ...CONTEXT, content: 'excerpt' }, 1).shortened).toBe(0)
  })
})

/** A body of about 1 MB of HTML: four of them fit in 4 MiB, five do not. */
const PARAGRAPH = 'Text '.repeat(199) + 'Ende'
const LARGE = `${PARAGRAPH}\n\n`.repeat(1000)
const LARGE_HTML = `<p>${PARAGRAPH}</p>\n`.repeat(1000)
const SLUGS = ['eins', 'zwei', 'drei', 'vier', 'fuenf', 'klein']
const filesOf = (fields: Record<string, string> = {}) =>
  Object.fromEntries(
    SLUGS.map((slug, index) => [
      `${slug}.md`,
      articleText(
        { title: slug, date: `2025-06-0${9 - index}T06:00:00Z`, category: 'wirtschaft', summary: `Worum es in ${slug} geht.`, ...fields },
        slug === 'klein' ? 'Ein kurzer Absatz.\n' : LARGE,
      ),
    ]),
  )
const summaryHtml = (slug: string) => `<p>Worum es in ${slug} geht.</p><p><a href="${SITE}wirtschaft/${slug}.html">Weiterlesen</a></p>`
const problem = (feed: string) => `${SITE}wirtschaft/${feed} (and its other formats): 2 of 6 items carry their summary only, not their text: with it, the items' HTML would pass the 4 MiB a feed document may carry`
const PROBLEM = problem('feed.xml')
const EXPECTED = ['full', 'full', 'full', 'full', 'summary', 'summary']
const LINKS = SLUGS.map((slug) => `${SITE}wirtschaft/${slug}.html`)

/** Whether an item's content, as a reader got it, is its whole text or its summary with the link. */
function kind(html: string | undefined, index: number): string {
  const slug = SLUGS[index] as string
  if (html === summaryHtml(slug)) return 'summary'
  return html?.trim() === (slug === 'klein' ? '<p>Ein kurzer Absatz.</p>' : LARGE_HTML.trim()) ? 'full' : 'other'
}

/** The site over `files`, its warnings and its app with /healthz. */
async function budgetSite(files: Record<string, string>, env: Record<string, string> = {}) {
  const warnings: string[] = []
  const now = new Date('2026-01-01T00:00:00Z')
  const config = loadConfig({ SITE_URL: SITE, ...env }, [], process.cwd(), env.SITE_CONFIG ? (file) => fs.readFileSync(file, 'utf8') : undefined)
  const store = new ContentStore({ config, source: memorySource(new Map(Object.entries(files)), config), clock: () => now, logger: { info: () => {}, warn: (line) => warnings.push(line) } })
  await store.load()
  await store.settled()
  store.close()
  const { app } = createHttp({ config, store, health: [store], now: () => now.getTime() })
  const healthz = async () => {
    const health = await app.request('/healthz')
    return [health.status, ((await health.json()) as { reasons?: string[] }).reasons]
  }
  return { app, warnings: () => warnings.filter((line) => line.includes('MiB a feed document may carry')), healthz, text: async (path: string) => (await app.request(path)).text() }
}

describe('a feed whose items hold more HTML than the budget', () => {
  it('carries the newest four whole and the two after them with their summary, the same in every format; says so in the log and /healthz', async () => {
    expect(LARGE_HTML.length * 4).toBeLessThan(FEED_CONTENT_BUDGET)
    expect(LARGE_HTML.length * 5).toBeGreaterThan(FEED_CONTENT_BUDGET)
    const { text, warnings, healthz } = await budgetSite(filesOf())
    const [rss, atom] = readXmlFeeds([
      { body: await text('/wirtschaft/feed.xml'), contentType: 'application/rss+xml' },
      { body: await text('/wirtschaft/atom.xml'), contentType: 'application/atom+xml' },
    ])
    const json = JSON.parse(await text('/wirtschaft/feed.json')) as { items: { url: string; summary: string; content_html: string }[] }
    const [expected, links] = [EXPECTED, LINKS]
    expect(rss?.entries.map((entry) => entry.link)).toEqual(links)
    expect(rss?.entries.map((entry, index) => kind(entry.content[0]?.value, index))).toEqual(expected)
    // RSS description: the plain summary of every item, shortened or not.
    expect(rss?.entries.map((entry) => entry.summary?.value)).toEqual(SLUGS.map((slug) => `Worum es in ${slug} geht.`))
    expect(atom?.entries.map((entry) => entry.link)).toEqual(links)
    expect(atom?.entries.map((entry, index) => kind(entry.content[0]?.value, index))).toEqual(expected)
    expect(json.items.map((item) => item.url)).toEqual(links)
    expect(json.items.map((item, index) => kind(item.content_html, index))).toEqual(expected)
    expect(json.items.map((item) => item.summary)).toEqual(SLUGS.map((slug) => `Worum es in ${slug} geht.`))
    expect(warnings()).toEqual([`warning ${PROBLEM}`])
    expect(await healthz()).toEqual([503, [PROBLEM]])
  }, 60_000)

  it("holds for the podcast's show notes too, with a line of its own", async () => {
    const { text, warnings, healthz } = await budgetSite(filesOf({ enclosure: '{url: /media/folge-1.mp3, type: audio/mpeg, duration: 1805}' }), {
      MEDIA_DIR: fileURLToPath(new URL('../fixtures/media', import.meta.url)),
      SITE_CONFIG: fileURLToPath(new URL('../fixtures/site.yaml', import.meta.url)),
    })
    const [podcast] = readXmlFeeds([{ body: await text('/wirtschaft/podcast.xml'), contentType: 'application/rss+xml' }])
    expect(podcast?.entries.map((entry) => entry.link)).toEqual(LINKS)
    expect(podcast?.entries.map((entry, index) => kind(entry.content[0]?.value, index))).toEqual(EXPECTED)
    expect(podcast?.entries.map((entry) => entry.enclosures.length)).toEqual([1, 1, 1, 1, 1, 1])
    const lines = [PROBLEM, problem('podcast.xml')]
    expect(warnings()).toEqual(lines.map((line) => `warning ${line}`))
    expect(await healthz()).toEqual([503, lines])
  }, 60_000)
})

describe('documents rendered on request', () => {
  it('keep to the budget too, archive pages and filtered views, each said in the log once rendered', async () => {
    const files = { ...filesOf(), 'neu.md': articleText({ title: 'neu', date: '2025-06-10T06:00:00Z', category: 'wirtschaft', summary: 'Neu.' }, 'Neu.\n') }
    const { text, warnings, healthz } = await budgetSite(files, { FEED_LIMIT: '1', ARCHIVE_PAGE_SIZE: '6' })
    // The current feed holds the newest article alone: whole, and nothing to say.
    expect([warnings(), await healthz()]).toEqual([[], [200, undefined]])
    type Json = { items: { url: string; content_html: string }[] }
    const archive = JSON.parse(await text('/wirtschaft/archiv/1/feed.json')) as Json
    expect(archive.items.map((item) => item.url)).toEqual(LINKS)
    expect(archive.items.map((item, index) => kind(item.content_html, index))).toEqual(EXPECTED)
    // The newest six: the new one, then four that fit, then the fifth large one with its summary.
    const view = JSON.parse(await text('/wirtschaft/feed.json?limit=6')) as Json
    expect(view.items.map((item) => item.url)).toEqual([`${SITE}wirtschaft/neu.html`, ...LINKS.slice(0, 5)])
    expect(view.items.slice(1).map((item, index) => kind(item.content_html, index))).toEqual(EXPECTED.slice(0, 5))
    expect(warnings()).toEqual([
      `warning /wirtschaft/archiv/1/feed.xml (and its other formats): 2 of 6 items carry their summary only, not their text: with it, the items' HTML would pass the 4 MiB a feed document may carry`,
      `warning /wirtschaft/feed.xml?limit=6 (and its other formats): 1 of 6 items carry their summary only, not their text: with it, the items' HTML would pass the 4 MiB a feed document may carry`,
    ])
  }, 60_000)
})

describe('a feed of items whose front matter is mostly summary', () => {
  it('stays small: each summary is published cut to 1,000 characters, where 50 of 60,000 `&` made a 15.8 MB RSS feed past no budget', async () => {
    const amps = Array.from({ length: 5500 }, () => '&&&&&&&&&&').join(' ') // 60,499 characters, under the 64 KiB of front matter
    const files = Object.fromEntries(
      Array.from({ length: 50 }, (_, n) => [`f${n}.md`, articleText({ title: `Folge ${n}`, date: `2025-06-01T06:${String(n).padStart(2, '0')}:00Z`, category: 'wirtschaft', summary: `"${amps}"` }, 'Kurz.\n')]),
    )
    const { text } = await budgetSite(files)
    const sizes = await Promise.all(['/wirtschaft/feed.xml', '/wirtschaft/atom.xml', '/wirtschaft/feed.json'].map(async (path) => Buffer.byteLength(await text(path))))
    // 50 summaries of at most 1,000 characters, each `&amp;` in XML: 250 KB and the rest of the feed.
    expect((JSON.parse(await text('/wirtschaft/feed.json')) as { items: unknown[] }).items).toHaveLength(50)
    for (const size of sizes) expect(size).toBeLessThan(600_000)
  })
})

/** A site over `files` kept open for edits, with the subscribers' feeds unless PLUS_SECRET is cleared; every log line about the budget, each with its level. */
async function editedSite(files: Record<string, string>, env: Record<string, string> = {}, plusRenderer: Renderer = RENDER_IN_THREAD) {
  const lines: string[] = []
  const about = (line: string) => line.includes('MiB a feed document may carry') || line.includes("carries every item's text again")
  const logger = { info: (line: string) => void (about(line) && lines.push(`info: ${line}`)), warn: (line: string) => void (about(line) && lines.push(`warn: ${line}`)) }
  const now = new Date('2026-01-01T00:00:00Z')
  const config = loadConfig({ SITE_URL: SITE, PLUS_SECRET, ...env })
  const held = new Map(Object.entries(files))
  const source = memorySource(held, config)
  const store = new ContentStore({ config, source, clock: () => now, logger })
  const plus = startPlus({ config, onChange: (listener) => store.onChange(listener), source, renderer: plusRenderer, logger })
  await store.load()
  await Promise.all([store.settled(), plus?.feeds.settled()])
  const { app } = createHttp({ config, store, health: [store, ...(plus?.health ?? [])], now: () => now.getTime(), plus })
  return {
    lines,
    async edit(file: string, text: string) {
      held.set(file, text)
      await store.applyChanges([file])
      await Promise.all([store.settled(), plus?.feeds.settled()])
    },
    async healthz() {
      const health = await app.request('/healthz')
      return [health.status, ((await health.json()) as { reasons?: string[] }).reasons]
    },
    text: async (path: string) => (await app.request(path)).text(),
    close: () => { store.close(); plus?.close() },
  }
}

const PLUS_PROBLEM = `${SITE}wirtschaft/plus/<token>/feed.xml (and its other formats): 2 of 6 items carry their summary only, not their text: with it, the items' HTML would pass the 4 MiB a feed document may carry`
const small = (slug: string, summary = `Worum es in ${slug} geht.`) => articleText({ title: slug, date: `2025-06-0${9 - SLUGS.indexOf(slug)}T06:00:00Z`, category: 'wirtschaft', summary }, 'Ein kurzer Absatz.\n')

describe('the log of a shortened feed over edits', () => {
  const fits = (feed: string) => `info: ${SITE}wirtschaft/${feed} (and its other formats) carries every item's text again`

  it('warns once when the current feeds start to be shortened, not at every edit, and says once when they carry every text again; /healthz meanwhile', async () => {
    const site = await editedSite(filesOf(), { PLUS_SECRET: '' })
    try {
      // Two edits that render the current feeds again, both still shortened: nothing more to say.
      await site.edit('klein.md', small('klein', 'Neu gefasst.'))
      await site.edit('klein.md', small('klein', 'Noch einmal neu gefasst.'))
      expect(site.lines).toEqual([`warn: warning ${PROBLEM}`])
      expect(await site.healthz()).toEqual([503, [PROBLEM]])
      // One large article made small: the other four fit.
      await site.edit('eins.md', small('eins'))
      expect(site.lines).toEqual([`warn: warning ${PROBLEM}`, fits('feed.xml')])
      expect(await site.healthz()).toEqual([200, undefined])
    } finally {
      site.close()
    }
  }, 120_000)

  it("does the same for the subscribers' feeds, the same for every subscriber, naming them without a token; /healthz meanwhile", async () => {
    const site = await editedSite(filesOf())
    try {
      const warnings = [`warn: warning ${PROBLEM}`, `warn: warning ${PLUS_PROBLEM}`]
      expect(site.lines).toEqual(warnings)
      expect(await site.healthz()).toEqual([503, [PROBLEM, PLUS_PROBLEM]])
      await site.edit('klein.md', small('klein', 'Neu gefasst.'))
      await site.edit('klein.md', small('klein', 'Noch einmal neu gefasst.'))
      expect(site.lines).toEqual(warnings)
      expect(await site.healthz()).toEqual([503, [PROBLEM, PLUS_PROBLEM]])
      await site.edit('eins.md', small('eins'))
      expect(site.lines).toEqual([...warnings, fits('feed.xml'), fits('plus/<token>/feed.xml')])
      expect(await site.healthz()).toEqual([200, undefined])
      for (const line of site.lines) expect(line).not.toContain(TOKEN_PLACEHOLDER)
    } finally {
      site.close()
    }
  }, 120_000)

  it("says nothing of the subscribers' feeds whose render failed: the last ones stay, and so does what /healthz says of them", async () => {
    let failing = false
    const renderer: Renderer = { ...RENDER_IN_THREAD, feed: (document, format) => (failing ? Promise.reject(new Error('kaputt')) : RENDER_IN_THREAD.feed(document, format)) }
    const site = await editedSite({ ...filesOf(), 'eins.md': small('eins') }, {}, renderer)
    try {
      expect([site.lines, await site.healthz()]).toEqual([[], [200, undefined]])
      failing = true
      await site.edit('eins.md', filesOf()['eins.md'] as string)
      // Before: the plus feeds' warning, though their render failed and the whole ones stayed in place.
      expect(site.lines).toEqual([`warn: warning ${PROBLEM}`])
      expect(await site.healthz()).toEqual([503, [PROBLEM]])
      failing = false
      await site.edit('klein.md', small('klein', 'Neu gefasst.'))
      expect(site.lines).toEqual([`warn: warning ${PROBLEM}`, `warn: warning ${PLUS_PROBLEM}`])
      expect(await site.healthz()).toEqual([503, [PROBLEM, PLUS_PROBLEM]])
    } finally {
      site.close()
    }
  }, 120_000)

  it('warns once per archive page and filtered view, however often each is rendered again', async () => {
    const files = { ...filesOf(), 'neu.md': articleText({ title: 'neu', date: '2025-06-10T06:00:00Z', category: 'wirtschaft', summary: 'Neu.' }, 'Neu.\n') }
    const site = await editedSite(files, { FEED_LIMIT: '1', ARCHIVE_PAGE_SIZE: '6' })
    try {
      const render = async () => {
        for (const path of ['/wirtschaft/archiv/1/feed.json', '/wirtschaft/archiv/1/feed.xml', '/wirtschaft/feed.json?limit=6', '/wirtschaft/feed.xml?limit=6']) await site.text(path)
      }
      await render()
      // Each edit drops the views and renders the newest archive page again, which the edited article is in.
      await site.edit('klein.md', small('klein', 'Neu gefasst.'))
      await render()
      await site.edit('klein.md', small('klein', 'Noch einmal neu gefasst.'))
      await render()
      expect(site.lines).toEqual([
        `warn: warning /wirtschaft/archiv/1/feed.xml (and its other formats): 2 of 6 items carry their summary only, not their text: with it, the items' HTML would pass the 4 MiB a feed document may carry`,
        `warn: warning /wirtschaft/feed.xml?limit=6 (and its other formats): 1 of 6 items carry their summary only, not their text: with it, the items' HTML would pass the 4 MiB a feed document may carry`,
      ])
      // As the service's logger writes them: a view named by its whole URL lost its query ('feed.xml?[redacted]'), and
      // every view's line read the same.
      expect(site.lines.map(redactSecrets)).toEqual(site.lines)
    } finally {
      site.close()
    }
  }, 120_000)
})
