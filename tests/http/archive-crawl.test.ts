import { beforeAll, describe, expect, it } from 'vitest'
import { readXmlFeed } from '../helpers/consumers.js'
import { articleText } from '../helpers/temp-dir.js'
import { testApp } from '../helpers/test-app.js'

const COUNT = 130
const SITE = 'https://www.example.de/'

function generated(count: number): Record<string, string> {
  const files: Record<string, string> = {}
  for (let n = 1; n <= count; n++) {
    const date = new Date(Date.UTC(2024, 0, 1) + n * 3_600_000).toISOString()
    files[`archiv/artikel-${n}.md`] = articleText({ title: `Artikel ${n}`, date, category: 'wirtschaft' }, `Text ${n}.\n`)
  }
  return files
}

let harness: Awaited<ReturnType<typeof testApp>>

beforeAll(async () => {
  harness = await testApp(generated(COUNT))
})

const path = (url: string) => url.slice(SITE.length - 1)

async function crawlXml(start: string, type: string): Promise<{ ids: string[]; documents: number }> {
  const ids: string[] = []
  let documents = 0
  let next: string | undefined = start
  while (next) {
    const response = await harness.app.request(path(next))
    expect(response.status).toBe(200)
    const feed = readXmlFeed(await response.text(), type)
    expect(feed.bozo).toBe(false)
    documents += 1
    ids.push(...feed.entries.map((e) => e.id as string))
    next = feed.feed.links.find((link) => link.rel === 'prev-archive')?.href
  }
  return { ids, documents }
}

describe('archives (RFC 5005) with 130 articles', () => {
  const everyId = Array.from({ length: COUNT }, (_, i) => `tag:www.example.de,2024:wirtschaft/artikel-${COUNT - i}`)

  it('a reader following prev-archive from the current RSS feed sees every article exactly once', async () => {
    const { ids, documents } = await crawlXml(`${SITE}wirtschaft/feed.xml`, 'application/rss+xml')
    expect(documents).toBe(3)
    expect(ids).toEqual(everyId)
  })

  it('… and from the current Atom feed', async () => {
    const { ids } = await crawlXml(`${SITE}wirtschaft/atom.xml`, 'application/atom+xml')
    expect(ids).toEqual(everyId)
  })

  it('… and following next_url from the JSON Feed', async () => {
    const ids: string[] = []
    let next: string | undefined = `${SITE}wirtschaft/feed.json`
    while (next) {
      const page = (await (await harness.app.request(path(next))).json()) as { items: { id: string }[]; next_url?: string; feed_url: string }
      expect(page.feed_url).toBe(`${SITE}wirtschaft/feed.json`)
      ids.push(...page.items.map((item) => item.id))
      next = page.next_url
    }
    expect(ids).toEqual(everyId)
  })

  it('marks archive documents and links them to their neighbours and the current feed', async () => {
    const oldest = await (await harness.app.request('/wirtschaft/archiv/1/atom.xml')).text()
    expect(oldest).toContain('<link rel="current" type="application/atom+xml" href="https://www.example.de/wirtschaft/atom.xml"/>')
    expect(oldest).toContain('<link rel="next-archive" type="application/atom+xml" href="https://www.example.de/wirtschaft/archiv/2/atom.xml"/>')
    expect(oldest).not.toContain('rel="prev-archive"')
    expect(oldest).toContain('<fh:archive/>')
    expect(oldest).toContain('xmlns:fh="http://purl.org/syndication/history/1.0"')
    expect(oldest).toContain('<id>https://www.example.de/wirtschaft/atom.xml</id>')
    const rss = await (await harness.app.request('/wirtschaft/archiv/2/feed.xml')).text()
    expect(rss).toContain('<atom:link rel="prev-archive" type="application/rss+xml" href="https://www.example.de/wirtschaft/archiv/1/feed.xml"/>')
    expect(rss).toContain('<fh:archive/>')
    const current = await (await harness.app.request('/wirtschaft/feed.xml')).text()
    expect(current).toContain('<atom:link rel="prev-archive" type="application/rss+xml" href="https://www.example.de/wirtschaft/archiv/2/feed.xml"/>')
    expect(current).not.toContain('fh:archive')
  })

  it('lets caches keep full archive pages long, the growing one like any live feed', async () => {
    expect((await harness.app.request('/wirtschaft/archiv/1/feed.xml')).headers.get('Cache-Control')).toBe(
      'public, max-age=86400, stale-while-revalidate=60, stale-if-error=86400',
    )
    expect((await harness.app.request('/wirtschaft/archiv/2/feed.xml')).headers.get('Cache-Control')).toBe(
      'public, max-age=300, stale-while-revalidate=60, stale-if-error=86400',
    )
  })

  it('keeps the newest page on live caching even when it is full: it gains a next-archive link with the next page', async () => {
    const full = await testApp(generated(150))
    const cacheControl = async (n: number) => (await full.app.request(`/wirtschaft/archiv/${n}/atom.xml`)).headers.get('Cache-Control')
    expect(await cacheControl(1)).toBe('public, max-age=86400, stale-while-revalidate=60, stale-if-error=86400')
    expect(await cacheControl(2)).toBe('public, max-age=300, stale-while-revalidate=60, stale-if-error=86400')
    expect(await (await full.app.request('/wirtschaft/archiv/2/atom.xml')).text()).not.toContain('rel="next-archive"')

    full.files.set('neu.md', articleText({ title: 'Neu', date: '2025-06-01T10:00:00Z', category: 'wirtschaft' }))
    await full.store.load()
    full.store.close()
    expect(await (await full.app.request('/wirtschaft/archiv/2/atom.xml')).text()).toContain('rel="next-archive"')
    expect(await cacheControl(2)).toBe('public, max-age=86400, stale-while-revalidate=60, stale-if-error=86400')
    expect(await cacheControl(3)).toBe('public, max-age=300, stale-while-revalidate=60, stale-if-error=86400')
  })

  it('keeps a full page byte-identical when a new article is published; the growing page changes', async () => {
    const before = await Promise.all(['/wirtschaft/archiv/1/feed.xml', '/wirtschaft/archiv/2/feed.xml'].map((p) => harness.app.request(p)))
    harness.files.set('neu.md', articleText({ title: 'Neu', date: '2025-06-01T10:00:00Z', category: 'wirtschaft' }))
    await harness.store.load()
    harness.store.close()
    const after = await Promise.all(['/wirtschaft/archiv/1/feed.xml', '/wirtschaft/archiv/2/feed.xml'].map((p) => harness.app.request(p)))
    expect(after[0]?.headers.get('ETag')).toBe(before[0]?.headers.get('ETag'))
    expect(after[1]?.headers.get('ETag')).not.toBe(before[1]?.headers.get('ETag'))
    harness.files.delete('neu.md')
    await harness.store.load()
    harness.store.close()
  })

  it('answers 404 for archive pages that do not exist', async () => {
    for (const p of ['/wirtschaft/archiv/0/feed.xml', '/wirtschaft/archiv/3/feed.xml', '/wirtschaft/archiv/01/feed.xml', '/wirtschaft/archiv/x/feed.xml']) {
      expect((await harness.app.request(p)).status).toBe(404)
    }
  })
})
