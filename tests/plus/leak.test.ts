/**
 * The public leak test of issue 13: a marker sentence in every plus body,
 * and every public byte the service can produce searched for it. The crawl
 * follows every same-origin link from `/`, the feeds, the podcast, OPML and
 * the sitemaps (in HTML, XML and JSON), as a feed reader and as a browser
 * (a feed's German page), and adds what no link names: every archive page,
 * filtered views for every tag and author, excerpts, the 404 page, every
 * media file. Then the static export and every log line.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Config } from '../../src/config.js'
import { bylineOf, tagsOf } from '../../src/content/article.js'
import type { ArticleSource } from '../../src/content/article-source.js'
import { FEED_FORMATS } from '../../src/feeds/feed-model.js'
import { exportSite } from '../../src/export.js'
import { createApp } from '../../src/http/app.js'
import { servedMediaFiles } from '../../src/http/media.js'
import { archivePaths, feedPaths, NEWS_SITEMAP_PATH, OPML_PATH, podcastPath, ROBOTS_PATH, SITEMAP_PATH } from '../../src/site/paths.js'
import { ContentStore } from '../../src/store/content-store.js'
import { readXmlFeed } from '../helpers/consumers.js'
import { memorySource } from '../helpers/memory-source.js'
import { makeTempDir } from '../helpers/temp-dir.js'
import { MARKER_CORE, MARKERS, NOW, plusConfig, plusCorpus, plusInstance, SITE, type CapturedLog } from './plus-corpus.js'

type App = ReturnType<typeof createApp>

const NAVIGATION = { 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate', Accept: 'text/html' }
const SAME_ORIGIN = new RegExp(`${SITE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}[^\\s"'<>\\\\)]*`, 'g')
const ROOT_RELATIVE = /(?:href|src)="(\/[^"/][^"]*)"/g

/** Same-origin links in a document of any format, as site paths with their query. */
function linksIn(body: string): string[] {
  const found = [...body.matchAll(SAME_ORIGIN)].map((m) => m[0].slice(SITE.length - 1))
  const relative = [...body.matchAll(ROOT_RELATIVE)].map((m) => m[1] as string)
  return [...found, ...relative].map((link) => link.replace(/&amp;/g, '&').replace(/#.*$/, ''))
}

/** Every answer the crawl got: path (and query, and how it was asked) → status and body. */
async function crawl(app: App, seeds: readonly string[], limit = 3000): Promise<Map<string, { status: number; body: string }>> {
  const seen = new Map<string, { status: number; body: string }>()
  const queue = [...seeds]
  while (queue.length > 0) {
    const next = queue.shift() as string
    for (const [how, asked] of [['reader', {}], ['browser', NAVIGATION]] as const) {
      const key = `${how} ${next}`
      if (seen.has(key)) continue
      if (seen.size >= limit) throw new Error(`the crawl passed ${limit} answers: a loop?`)
      const response = await app.request(next, { headers: asked })
      const body = Buffer.from(await response.arrayBuffer()).toString('utf8')
      const headers: string[] = []
      response.headers.forEach((value, name) => headers.push(`${name}: ${value}`))
      // Headers too: a Link, a Content-Location or a redirect could carry text.
      seen.set(key, { status: response.status, body: `${headers.join('\n')}\n\n${body}` })
      if (!next.startsWith('/media/')) queue.push(...linksIn(body).filter((link) => !seen.has(`${how} ${link}`)))
    }
  }
  return seen
}

/** What a public crawl starts from besides `/`: what no link need name. */
function seedsOf(store: ContentStore, config: Config): string[] {
  const section = config.section.slug
  const { plan } = store.site()
  const feeds = Object.values(feedPaths(section))
  const views = new Set(['limit=500', 'content=excerpt', 'content=full', 'tag=Plus', 'tag=plus'])
  for (const article of plan.section) {
    for (const tag of tagsOf(article)) views.add(`tag=${encodeURIComponent(tag)}`)
    for (const author of bylineOf(article, config.section.author)) views.add(`author=${encodeURIComponent(author)}`)
  }
  const archives: string[] = []
  for (let page = 1; page <= plan.archivePages + 1; page++) archives.push(...Object.values(archivePaths(section, page)))
  return [
    '/',
    ...feeds,
    podcastPath(section),
    OPML_PATH,
    SITEMAP_PATH,
    NEWS_SITEMAP_PATH,
    ROBOTS_PATH,
    '/gibt-es-nicht',
    `/${section}/gibt-es-nicht.html`,
    ...archives,
    ...[...views].flatMap((view) => feeds.map((feed) => `${feed}?${view}`)),
    ...store.readyPaths(),
    ...store.publishedDocuments(),
    // An episode's documents beside every page, whether or not it has them.
    ...plan.section.flatMap((article) => [article.path.replace(/\.html$/, '/kapitel.json'), article.path.replace(/\.html$/, '/transkript.html')]),
    ...servedMediaFiles(config.mediaDir).map(({ relative }) => `/media/${relative.split('/').map(encodeURIComponent).join('/')}`),
  ]
}

/** Every file an export writes, decompressed, by name. */
async function exported(store: ContentStore, config: Config): Promise<Map<string, string>> {
  const out = makeTempDir('plus-leak-export-')
  try {
    await exportSite(store, config.section.slug, out.dir, config.mediaDir)
    const files = new Map<string, string>()
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name)
        if (entry.isDirectory()) walk(full)
        else {
          const bytes = fs.readFileSync(full)
          const text = entry.name.endsWith('.gz') ? zlib.gunzipSync(bytes) : entry.name.endsWith('.br') ? zlib.brotliDecompressSync(bytes) : bytes
          files.set(path.relative(out.dir, full), text.toString('utf8'))
        }
      }
    }
    walk(out.dir)
    return files
  } finally {
    out.rm()
  }
}

/** Where any marker appears: `[where, marker]`, none when nothing leaked. */
function leaks(documents: Iterable<[string, string]>): [string, string][] {
  const found: [string, string][] = []
  for (const [where, text] of documents) {
    for (const marker of MARKERS) if (text.includes(marker) || text.toLowerCase().includes(marker.toLowerCase())) found.push([where, marker])
  }
  return found
}

describe('no public document holds a sentence of a plus body', () => {
  let corpus: ReturnType<typeof plusCorpus>
  let config: Config
  let instance: Awaited<ReturnType<typeof plusInstance>>
  let answers: Map<string, { status: number; body: string }>

  beforeAll(async () => {
    corpus = plusCorpus()
    config = plusConfig(corpus)
    instance = await plusInstance(config)
    answers = await crawl(instance.app, seedsOf(instance.store, config))
  })
  afterAll(() => corpus.rm())

  it('holds the marker in every plus file on disk, so that a leak would be found', () => {
    const raw = ['plus-text.md', 'plus-folge-1.md', 'plus-folge-2.md', 'meinung/plus-kommentar.md'].map((file) => fs.readFileSync(path.join(corpus.articles, file), 'utf8'))
    expect(raw.every((text) => text.includes(MARKER_CORE) && text.includes('Leuchtturm „Süd“'))).toBe(true)
    expect(fs.readFileSync(path.join(corpus.media, 'plus-folge-1.vtt'), 'utf8')).toContain(MARKER_CORE)
  })

  it('crawls every public document: pages, feeds, archives, views, episodes, media, each as a reader and a browser', () => {
    const paths = new Set([...answers.keys()].map((key) => key.slice(key.indexOf(' ') + 1)))
    expect(answers.size).toBeGreaterThan(150)
    for (const expected of [
      '/wirtschaft/plus-text.html', '/meinung/plus-kommentar.html', '/wirtschaft/freie-folge/transkript.html', '/wirtschaft/freie-folge/kapitel.json',
      '/wirtschaft/archiv/1/feed.xml', '/wirtschaft/feed.json?tag=Geheimthema', '/wirtschaft/atom.xml?author=Geheime%20Autorin', '/feeds.opml', '/media/plus-folge-1.vtt',
    ]) {
      expect(paths.has(expected), expected).toBe(true)
    }
    // The free text is there to be found: the search sees bodies.
    expect([...answers.values()].some(({ body }) => body.includes('Ein freier Text über den Handel.'))).toBe(true)
    expect(answers.get('reader /wirtschaft/plus-text.html')?.status).toBe(200)
  })

  it('finds the marker in no answer, whatever the status', () => {
    expect(leaks([...answers].map(([key, { body }]) => [key, body]))).toEqual([])
  })

  it('finds the marker in no file of the static export', async () => {
    const files = await exported(instance.store, config)
    expect(files.has('wirtschaft/plus-text.html')).toBe(true)
    expect(leaks(files)).toEqual([])
  })

  it('finds the marker in no log line', () => {
    expect(instance.log.lines.length).toBeGreaterThan(0)
    expect(leaks(instance.log.lines.map((line, index) => [`log line ${index}`, line]))).toEqual([])
  })

  it('lets feedparser read the teaser: the Plus category, the summary, and the Plus-Artikel line', async () => {
    for (const [feed, type] of [['/wirtschaft/feed.xml', 'application/rss+xml'], ['/wirtschaft/atom.xml', 'application/atom+xml']] as const) {
      // Every article: the current feed holds the newest three.
      const parsed = readXmlFeed(await (await instance.app.request(`${feed}?limit=500`)).text(), type, `${SITE}${feed.slice(1)}?limit=500`)
      expect(parsed.bozo, feed).toBe(false)
      const entry = parsed.entries.find((e) => e.link === `${SITE}wirtschaft/plus-text.html`)
      expect(entry?.tags, feed).toEqual(['Plus', 'Zinsen', 'Geheimthema'])
      expect(entry?.summary?.text, feed).toBe('Sparer bekommen wieder Zinsen – aber nicht überall gleich viel.')
      // The lead image, the summary and the Plus-Artikel line: the whole teaser, nothing more.
      expect(entry?.content.map((c) => c.value.replace(/^<figure>.*?<\/figure>/, '')), feed).toEqual([
        '<p>Sparer bekommen wieder Zinsen – aber nicht überall gleich viel.</p>\n<p><em>Plus-Artikel:</em> Den ganzen Text lesen Abonnentinnen und Abonnenten auf der <a href="https://www.example.de/wirtschaft/plus-text.html">Artikelseite</a>.</p>',
      ])
      expect(entry?.content[0]?.value, feed).toContain('werkhalle-mittelstand.jpg')
      const free = parsed.entries.find((e) => e.link === `${SITE}wirtschaft/frei-1.html`)
      expect(free?.tags, feed).toEqual(['Handel'])
    }
  })
})

describe('the bundled plus articles', () => {
  it('leak nowhere either: every public document and the export of the bundled site', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url))
    const config = plusConfig({ articles: path.join(root, 'articles'), media: path.join(root, 'media') })
    const { store, app, log } = await plusInstance(config)
    const answers = await crawl(app, seedsOf(store, config))
    expect(answers.get('reader /wirtschaft/baufinanzierung-zinsbindung.html')?.status).toBe(200)
    expect(answers.get('reader /media/plus/geldfragen-folge-14.mp3')?.status).toBe(404)
    expect(answers.get('reader /wirtschaft/podcast-geldfragen-14/kapitel.json')?.status).toBe(404)
    const raw = ['baufinanzierung-zinsbindung.md', 'podcast-geldfragen-14.md'].map((file) => fs.readFileSync(path.join(root, 'articles', file), 'utf8')).join('\n')
    expect(MARKERS.filter((marker) => raw.includes(marker))).toEqual(['Schlüsselsatz der Plus-Redaktion', 'Plus-Hörerschaft exklusiv'])
    expect(leaks([...answers].map(([key, { body }]) => [key, body]))).toEqual([])
    expect(leaks(await exported(store, config))).toEqual([])
    expect(leaks(log.lines.map((line, index) => [`log line ${index}`, line]))).toEqual([])
  })
})

describe('a file that turns plus while the service runs', () => {
  it('never shows its body, though the index still says free: the body read decides (the barrier)', async () => {
    const corpus = plusCorpus()
    try {
      const config = plusConfig(corpus)
      // What the index read: every plus file as a free one, marker and all.
      const asRead = new Map<string, string>()
      const asIndexed = new Map<string, string>()
      const walk = (dir: string, prefix = ''): void => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
          if (entry.isDirectory()) walk(path.join(dir, entry.name), `${prefix}${entry.name}/`)
          else asRead.set(`${prefix}${entry.name}`, fs.readFileSync(path.join(dir, entry.name), 'utf8'))
        }
      }
      walk(corpus.articles)
      for (const [file, text] of asRead) asIndexed.set(file, text.replace('access: plus\n', ''))
      const indexed = memorySource(asIndexed, config)
      const source: ArticleSource = { ...indexed, readBody: memorySource(asRead, config).readBody }
      const log: CapturedLog = { lines: [] }
      const logger = { info: (m: string) => void log.lines.push(m), warn: (m: string) => void log.lines.push(m) }
      const store = new ContentStore({ config, source, clock: () => NOW, logger })
      await store.load()
      store.close()
      const app = createApp({ config, store, logger, now: () => NOW.getTime() })
      expect(store.site().plan.section.find((a) => a.file === 'plus-text.md')?.access).toBe('free')
      const answers = await crawl(app, seedsOf(store, config))
      // Media files are withheld by what the index says (plus-media.ts): a transcript file of a
      // file that turned plus stays public until the index has it, as it was before (docs/plus.md).
      const documents = [...answers].filter(([key]) => !key.includes(' /media/'))
      expect(documents.length).toBeGreaterThan(150)
      expect(leaks(documents.map(([key, { body }]) => [key, body]))).toEqual([])
      expect(leaks([...(await exported(store, config))].filter(([file]) => !file.startsWith('media/')))).toEqual([])
      expect(leaks(log.lines.map((line, index) => [`log line ${index}`, line]))).toEqual([])
      // The control: read free as well, the same crawl finds the marker.
      const open = new ContentStore({ config, source: indexed, clock: () => NOW, logger })
      await open.load()
      open.close()
      const control = await crawl(createApp({ config, store: open, logger, now: () => NOW.getTime() }), ['/wirtschaft/plus-text.html'])
      expect(leaks([...control].map(([key, { body }]) => [key, body])).length).toBeGreaterThan(0)
    } finally {
      corpus.rm()
    }
  })

  it('on disk: saved as plus before the watcher applies it, its page and feeds show the teaser; once applied, too', async () => {
    const corpus = plusCorpus()
    try {
      const file = path.join(corpus.articles, 'wird-plus.md')
      const head = '---\ntitle: "Wird Plus"\ndate: 2026-05-08T08:00:00+02:00\ncategory: wirtschaft\nsummary: "Bald nur für Abonnenten."\n'
      fs.writeFileSync(file, `${head}---\nNoch frei und ohne Geheimnis.\n`)
      const config = plusConfig(corpus)
      const { store, app, log } = await plusInstance(config, { lines: [] }, true)
      expect(await (await app.request('/wirtschaft/feed.json')).text()).toContain('Noch frei und ohne Geheimnis.')
      // Saved as plus: the watcher has not told the store yet.
      fs.writeFileSync(file, `${head}access: plus\n---\nAb jetzt ${MARKER_CORE}-77 nur für Abonnenten.\n`)
      const page = await (await app.request('/wirtschaft/wird-plus.html')).text()
      expect(page).not.toContain(MARKER_CORE)
      expect(page).toContain('Bald nur für Abonnenten.')
      const before = await crawl(app, seedsOf(store, config))
      expect(leaks([...before].map(([key, { body }]) => [key, body]))).toEqual([])
      await store.applyChanges(['wird-plus.md'])
      expect(store.site().plan.section.find((a) => a.file === 'wird-plus.md')?.access).toBe('plus')
      const after = await crawl(app, seedsOf(store, config))
      expect(leaks([...after].map(([key, { body }]) => [key, body]))).toEqual([])
      expect(leaks(await exported(store, config))).toEqual([])
      expect(leaks(log.lines.map((line, index) => [`log line ${index}`, line]))).toEqual([])
      expect(after.get('reader /wirtschaft/wird-plus.html')?.body).toContain('Plus-Artikel')
      store.close()
    } finally {
      corpus.rm()
    }
  })
})

describe('the leak test\'s own tools', () => {
  it('finds same-origin links in HTML, XML and JSON, and no other host\'s', () => {
    expect(linksIn(`<a href="${SITE}a.html?x=1&amp;y=2">x</a><link href="/b.css"/>{"url":"${SITE}c.json"}<a href="https://example.org/d">`)).toEqual([
      '/a.html?x=1&y=2', '/c.json', '/b.css',
    ])
    expect(FEED_FORMATS).toHaveLength(3)
  })
})
