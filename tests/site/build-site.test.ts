/**
 * planSite and buildSite on their own: a plan made from a small fake of the
 * published articles, and the documents rendered from it, read back with
 * parsers we did not write (JSON.parse, lxml and feedparser).
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import type { Article } from '../../src/content/article.js'
import { buildAssets, buildSite, planSite, type ItemSource, type PublishedArticles, type Site, type SiteConfig } from '../../src/site/build-site.js'
import type { Resource } from '../../src/site/resource.js'
import { makeArticle, makeEnclosure } from '../helpers/article-fixtures.js'
import { readXmlFeeds } from '../helpers/consumers.js'
import { SITE } from '../helpers/feed-fixtures.js'

const NOW = new Date('2026-01-01T12:00:00.500Z')
const SETTINGS = fileURLToPath(new URL('../fixtures/site.yaml', import.meta.url))

/** Three articles per feed, two per archive page. */
const config: SiteConfig = loadConfig({ SITE_URL: SITE, FEED_LIMIT: '3', ARCHIVE_PAGE_SIZE: '2' })
/** The same, with the podcast channel of tests/fixtures/site.yaml. */
const podcastConfig: SiteConfig = loadConfig({ SITE_URL: SITE, FEED_LIMIT: '3', ARCHIVE_PAGE_SIZE: '2', SITE_CONFIG: SETTINGS }, [], process.cwd(), (file) => fs.readFileSync(file, 'utf8'))

/** The section of a test, newest first: an audio episode, a video, an edited article, an old episode. */
const SECTION: readonly Article[] = [
  makeArticle('folge-3', { date: '2025-06-01T06:00:00Z', enclosure: makeEnclosure('folge-3.mp3', 'audio/mpeg') }),
  makeArticle('video', { date: '2025-05-01T06:00:00Z', enclosure: makeEnclosure('clip.mp4', 'video/mp4') }),
  makeArticle('korrigiert', { date: '2025-04-01T06:00:00Z', updated: '2025-07-15T09:30:00Z' }),
  makeArticle('ohne', { date: '2025-03-01T06:00:00Z' }),
  makeArticle('folge-2', { date: '2025-02-01T06:00:00Z', enclosure: makeEnclosure('folge-2.m4a', 'audio/mp4') }),
  makeArticle('alt', { date: '2025-01-01T06:00:00Z' }),
]

interface FakeArticles extends PublishedArticles {
  /** The instants the plan asked about. */
  readonly asked: Date[]
}

/** What the store would answer, fixed: the section, a count of every category, the next scheduled date. */
function published(section: readonly Article[], count: number, next: Date | undefined): FakeArticles {
  const asked: Date[] = []
  return {
    asked,
    publishedSection(now) {
      asked.push(now)
      return [...section]
    },
    publishedCount(now) {
      asked.push(now)
      return count
    },
    nextPublication(now) {
      asked.push(now)
      return next
    },
    publishedPages(now) {
      asked.push(now)
      return [...section].reverse()
    },
  }
}

/** Bodies made from the slug; no media files known. */
const source: ItemSource = {
  bodyOf: (article) => ({ html: `<p>Text von ${article.slug}.</p>`, excerpt: `Auszug von ${article.slug}.` }),
  media: () => undefined,
}

const slugs = (articles: readonly Article[]): string[] => articles.map((article) => article.slug)
const text = (resource: Resource | undefined): string => new TextDecoder().decode(resource?.identity.body)

describe('planSite', () => {
  it('keeps the section as the store gives it, and its newest FEED_LIMIT articles as the window', () => {
    const plan = planSite(published(SECTION, 9, undefined), NOW, config)
    expect(slugs(plan.section)).toEqual(['folge-3', 'video', 'korrigiert', 'ohne', 'folge-2', 'alt'])
    expect(slugs(plan.window)).toEqual(['folge-3', 'video', 'korrigiert'])
  })

  it('asks the store about its own instant only, and keeps it', () => {
    const articles = published(SECTION, 9, undefined)
    const plan = planSite(articles, NOW, config)
    expect(articles.asked.map((date) => date.toISOString())).toEqual(Array(4).fill('2026-01-01T12:00:00.500Z'))
    expect(plan.now.toISOString()).toBe('2026-01-01T12:00:00.500Z')
  })

  it('passes the count of every category and the next publication through', () => {
    const plan = planSite(published(SECTION, 9, new Date('2026-01-02T06:00:00Z')), NOW, config)
    expect([plan.published, plan.nextPublication?.toISOString()]).toEqual([9, '2026-01-02T06:00:00.000Z'])
    expect(planSite(published(SECTION, 6, undefined), NOW, config).nextPublication).toBeUndefined()
  })

  it('has no episodes without a podcast in the site settings, audio or not', () => {
    expect(planSite(published(SECTION, 6, undefined), NOW, config).episodes).toEqual([])
  })

  it('takes every audio article of the section as an episode, newest first, within the window or not, but no video', () => {
    const plan = planSite(published(SECTION, 6, undefined), NOW, podcastConfig)
    expect(slugs(plan.episodes)).toEqual(['folge-3', 'folge-2'])
  })

  it.each([
    [0, 0],
    [3, 0],
    [4, 1],
    [5, 1],
    [6, 2],
    [8, 3],
  ])('counts archive pages behind the window: %i articles, 3 current, 2 per page → %i', (total, pages) => {
    const section = Array.from({ length: total }, (_, n) => makeArticle(`a-${n}`, { date: `2025-01-${String(28 - n).padStart(2, '0')}T06:00:00Z` }))
    expect(planSite(published(section, total, undefined), NOW, config).archivePages).toBe(pages)
  })
})

describe('buildSite', () => {
  const plan = planSite(published(SECTION, 6, undefined), NOW, config)
  const podcastPlan = planSite(published(SECTION, 6, undefined), NOW, podcastConfig)

  it('renders the three feeds and the index page, and nothing else without a podcast', async () => {
    const site = await buildSite(plan, source, config)
    expect([...site.resources.keys()].sort()).toEqual(['/', '/wirtschaft/atom.xml', '/wirtschaft/feed.json', '/wirtschaft/feed.xml'])
    expect(site.plan).toBe(plan)
  })

  it('renders the podcast feed as well when the site settings have a podcast', async () => {
    const site = await buildSite(podcastPlan, source, podcastConfig)
    expect([...site.resources.keys()].sort()).toEqual(['/', '/wirtschaft/atom.xml', '/wirtschaft/feed.json', '/wirtschaft/feed.xml', '/wirtschaft/podcast.xml'])
  })

  it('gives every document its content type, the XML feeds a type browsers render, and the live cache class', async () => {
    const site = await buildSite(podcastPlan, source, podcastConfig)
    const described = Object.fromEntries([...site.resources].map(([path, r]) => [path, [r.contentType, r.browserContentType, r.cache]]))
    expect(described).toEqual({
      '/wirtschaft/feed.xml': ['application/rss+xml; charset=utf-8', 'application/xml; charset=utf-8', 'live'],
      '/wirtschaft/atom.xml': ['application/atom+xml; charset=utf-8', 'application/xml; charset=utf-8', 'live'],
      '/wirtschaft/feed.json': ['application/feed+json; charset=utf-8', undefined, 'live'],
      '/wirtschaft/podcast.xml': ['application/rss+xml; charset=utf-8', 'application/xml; charset=utf-8', 'live'],
      '/': ['text/html; charset=utf-8', undefined, 'live'],
    })
  })

  it('puts the window in the feeds, newest first, linked to the newest archive page', async () => {
    const site = await buildSite(plan, source, config)
    const json = JSON.parse(text(site.resources.get('/wirtschaft/feed.json'))) as { next_url?: string; items: { id: string; content_html: string }[] }
    expect(json.items.map((item) => item.id)).toEqual([
      'tag:www.example.de,2025:wirtschaft/folge-3',
      'tag:www.example.de,2025:wirtschaft/video',
      'tag:www.example.de,2025:wirtschaft/korrigiert',
    ])
    expect(json.items[0]?.content_html).toBe('<p>Text von folge-3.</p>')
    expect(json.next_url).toBe(`${SITE}wirtschaft/archiv/2/feed.json`)
    const [rss, atom] = readXmlFeeds([
      { body: text(site.resources.get('/wirtschaft/feed.xml')), contentType: 'application/rss+xml' },
      { body: text(site.resources.get('/wirtschaft/atom.xml')), contentType: 'application/atom+xml' },
    ])
    expect([rss?.wellFormed, rss?.bozo, rss?.version, atom?.wellFormed, atom?.bozo, atom?.version]).toEqual([true, false, 'rss20', true, false, 'atom10'])
    expect(rss?.entries.map((entry) => entry.title?.value)).toEqual(['Artikel folge-3', 'Artikel video', 'Artikel korrigiert'])
    expect(atom?.feed.links.find((link) => link.rel === 'prev-archive')?.href).toBe(`${SITE}wirtschaft/archiv/2/atom.xml`)
  })

  it('puts only the episodes in the podcast feed', async () => {
    const site = await buildSite(podcastPlan, source, podcastConfig)
    const [podcast] = readXmlFeeds([{ body: text(site.resources.get('/wirtschaft/podcast.xml')), contentType: 'application/rss+xml' }])
    expect([podcast?.wellFormed, podcast?.bozo]).toEqual([true, false])
    expect(podcast?.entries.map((entry) => entry.enclosures.map((e) => e.href))).toEqual([[`${SITE}media/folge-3.mp3`], [`${SITE}media/folge-2.m4a`]])
  })

  it('dates the feeds and the index page by the newest change in the window: an edit of an older article', async () => {
    const site = await buildSite(plan, source, config)
    for (const path of ['/wirtschaft/feed.xml', '/wirtschaft/atom.xml', '/wirtschaft/feed.json', '/']) {
      expect(site.resources.get(path)?.lastModified?.toISOString(), path).toBe('2025-07-15T09:30:00.000Z')
    }
  })

  it('dates the podcast feed by its newest episode', async () => {
    const site = await buildSite(podcastPlan, source, podcastConfig)
    expect(site.resources.get('/wirtschaft/podcast.xml')?.lastModified?.toISOString()).toBe('2025-06-01T06:00:00.000Z')
  })

  it('clamps a change dated after the plan’s instant to that instant, to the second', async () => {
    const typo = [makeArticle('tippfehler', { date: '2025-12-01T06:00:00Z', updated: '2062-12-01T06:00:00Z' }), ...SECTION]
    const site = await buildSite(planSite(published(typo, 7, undefined), NOW, config), source, config)
    for (const path of ['/wirtschaft/feed.xml', '/wirtschaft/atom.xml', '/wirtschaft/feed.json', '/']) {
      expect(site.resources.get(path)?.lastModified?.toISOString(), path).toBe('2026-01-01T12:00:00.000Z')
    }
  })

  it('gives an empty section no Last-Modified at all', async () => {
    const site = await buildSite(planSite(published([], 0, undefined), NOW, podcastConfig), source, podcastConfig)
    expect([...site.resources].map(([path, r]) => [path, r.lastModified])).toEqual([
      ['/wirtschaft/feed.xml', undefined],
      ['/wirtschaft/atom.xml', undefined],
      ['/wirtschaft/feed.json', undefined],
      ['/wirtschaft/podcast.xml', undefined],
      ['/', undefined],
    ])
  })

  it('renders the same plan into the same bytes and ETags twice', async () => {
    const first = await buildSite(podcastPlan, source, podcastConfig)
    const second = await buildSite(podcastPlan, source, podcastConfig)
    const tags = (site: Site) => [...site.resources].map(([path, r]) => [path, r.identity.etag, r.encodings.gzip?.etag, r.encodings.br?.etag])
    expect(tags(second)).toEqual(tags(first))
    for (const [path, resource] of first.resources) {
      expect(Buffer.from(second.resources.get(path)?.identity.body ?? []).equals(Buffer.from(resource.identity.body)), path).toBe(true)
    }
  })
})

describe('buildAssets', () => {
  it('renders the stylesheets, the OPML list and robots.txt, as assets, dated by nothing', async () => {
    const assets = await buildAssets(config, NOW)
    expect(Object.fromEntries([...assets].map(([path, r]) => [path, [r.contentType, r.cache, r.lastModified]]))).toEqual({
      '/assets/site.css': ['text/css; charset=utf-8', 'asset', undefined],
      '/assets/feed.css': ['text/css; charset=utf-8', 'asset', undefined],
      '/assets/feed.xsl': ['text/xsl; charset=utf-8', 'asset', undefined],
      '/feeds.opml': ['text/x-opml; charset=utf-8', 'asset', undefined],
      '/robots.txt': ['text/plain; charset=utf-8', 'asset', undefined],
    })
  })

  it('lists each distinct feed once in the OPML list: the section as RSS, and the podcast when there is one', async () => {
    const urls = async (c: SiteConfig) => [...text((await buildAssets(c, NOW)).get('/feeds.opml')).matchAll(/xmlUrl="([^"]*)"/g)].map((m) => m[1])
    const feeds = [`${SITE}wirtschaft/feed.xml`]
    expect(await urls(config)).toEqual(feeds)
    expect(await urls(podcastConfig)).toEqual([...feeds, `${SITE}wirtschaft/podcast.xml`])
  })
})
