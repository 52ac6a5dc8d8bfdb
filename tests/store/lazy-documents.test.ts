import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import type { ArticleSource } from '../../src/content/article-source.js'
import { ArticleIndex } from '../../src/store/article-index.js'
import { LazyDocuments } from '../../src/store/lazy-documents.js'
import { buildSite, planSite, type Site } from '../../src/site/build-site.js'
import { parseArticle } from '../../src/content/parse-article.js'
import { articleText } from '../helpers/temp-dir.js'

const NOW = new Date('2026-01-01T00:00:00Z')
const config = loadConfig({ SITE_URL: 'https://www.example.de/', FEED_LIMIT: '2', ARCHIVE_PAGE_SIZE: '2' })
const text = (n: number, body = `Absatz ${n}.\n`) =>
  articleText({ title: `Meldung ${n}`, date: `2025-01-0${n}T10:00:00Z`, category: 'wirtschaft' }, body)

/** Lazy documents over files in memory, counting body reads. */
async function setUp(count = 6) {
  const files = new Map<string, string>(Array.from({ length: count }, (_, i) => [`m${i + 1}.md`, text(i + 1)]))
  const reads: string[] = []
  const warned: string[] = []
  const parse = (file: string) => {
    const source = files.get(file)
    return source === undefined ? undefined : parseArticle(source, file, config)
  }
  const source: Pick<ArticleSource, 'readBody'> = {
    readBody: async (file) => {
      reads.push(file)
      return parse(file)
    },
  }
  const index = new ArticleIndex('wirtschaft')
  index.load([...files.keys()].map((file) => parse(file)!.article))
  let site: Site | undefined
  const documents = new LazyDocuments({
    config,
    source,
    published: index,
    site: () => site!,
    media: () => undefined,
    clock: () => NOW,
    logger: { info: () => {}, warn: (line) => warned.push(line) },
  })
  const plan = planSite(index, NOW, config)
  site = await buildSite(plan, await documents.itemSource([...plan.window]), config)
  return { documents, files, reads, warned, index }
}

const textOf = async (resource: Promise<{ identity: { body: Uint8Array } }> | undefined) =>
  new TextDecoder().decode((await resource)?.identity.body)

describe('LazyDocuments', () => {
  it('renders an article page on its first request and serves the same bytes after, reading the body once', async () => {
    const { documents, reads } = await setUp()
    reads.length = 0
    const first = await documents.articlePage('/wirtschaft/m1.html')
    expect(new TextDecoder().decode(first?.identity.body)).toContain('<p>Absatz 1.</p>')
    expect(await documents.articlePage('/wirtschaft/m1.html')).toBe(first)
    expect(reads).toEqual(['m1.md'])
    expect(documents.articlePage('/wirtschaft/gibt-es-nicht.html')).toBeUndefined()
  })

  it('reads a body again after its file changed, and drops the views of a replaced site', async () => {
    const { documents, files, reads } = await setUp()
    const before = await documents.articlePage('/wirtschaft/m1.html')
    files.set('m1.md', text(1, 'Neuer Absatz.\n'))
    documents.forgetBody('m1.md')
    // Still the same site: the page is kept.
    expect(await documents.articlePage('/wirtschaft/m1.html')).toBe(before)
    documents.siteChanged()
    reads.length = 0
    expect(await textOf(documents.articlePage('/wirtschaft/m1.html'))).toContain('<p>Neuer Absatz.</p>')
    expect(reads).toEqual(['m1.md'])
  })

  it('renders archive pages (1 = oldest) once, with archive caching only for full pages behind the newest', async () => {
    const { documents } = await setUp(6)
    // Six articles, two in the feed: archive pages 1 (m1, m2) and 2 (m3, m4).
    const page1 = await documents.archive('json', 1)
    const items = (JSON.parse(new TextDecoder().decode(page1?.identity.body)) as { items: { title: string }[] }).items
    expect(items.map((item) => item.title)).toEqual(['Meldung 2', 'Meldung 1'])
    expect(page1?.cache).toBe('archive')
    expect((await documents.archive('json', 2))?.cache).toBe('live')
    expect(await documents.archive('json', 1)).toBe(page1)
    expect(documents.archive('json', 3)).toBeUndefined()
    documents.mediaChanged()
    expect(await documents.archive('json', 1)).not.toBe(page1)
  })

  it('serves a body it cannot read as empty, names the file, and leaves the page uncached as an archive', async () => {
    const { documents, files, warned } = await setUp(6)
    files.set('m1.md', '---\ntitle: [kaputt\n---\n')
    const page = await documents.archive('json', 1)
    expect(page?.cache).toBe('live')
    expect(warned).toEqual([expect.stringMatching(/^body of m1\.md unavailable: m1\.md: /)])
  })

  it('renders filtered views per site and keeps them within the byte bound', async () => {
    const { documents } = await setUp(6)
    const view = await documents.filtered('json', { limit: 1, authors: [], tags: [] })
    const feed = JSON.parse(new TextDecoder().decode(view.identity.body)) as { items: { title: string }[] }
    expect(feed.items.map((item) => item.title)).toEqual(['Meldung 6'])
    expect(await documents.filtered('json', { limit: 1, authors: [], tags: [] })).toBe(view)
    expect(documents.cachedBytes().views).toBe(view.identity.body.byteLength + Object.values(view.encodings).reduce((n, e) => n + e.body.byteLength, 0))
  })

  it('renders the 404 page once', async () => {
    const { documents } = await setUp(1)
    const page = await documents.notFound()
    expect(page.contentType).toBe('text/html; charset=utf-8')
    expect(await documents.notFound()).toBe(page)
  })
})
