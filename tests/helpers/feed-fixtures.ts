import { newestChange } from '../../src/content/dates.js'
import type { FeedAuthor, FeedDocument, FeedImage, FeedItem } from '../../src/feeds/feed-model.js'
import type { PageContext } from '../../src/site/pages.js'

export const SITE = 'https://www.example.de/'

/** An author known by name only. */
export const author = (name: string): FeedAuthor => ({ name, url: undefined, email: undefined, avatar: undefined })

/** An image of an item, with what a test knows about it. */
export const image = (url: string, known: Partial<FeedImage> = {}): FeedImage => ({
  url,
  type: 'image/jpeg',
  alt: '',
  length: undefined,
  width: undefined,
  height: undefined,
  ...known,
})

/** An item as the content layer would hand it over, with what a test changes. */
export function makeItem(overrides: Partial<FeedItem> = {}): FeedItem {
  return {
    id: 'tag:www.example.de,2025:wirtschaft/zinswende',
    url: `${SITE}wirtschaft/zinswende.html`,
    title: 'Zinswende: Was Sparer jetzt wissen müssen',
    summary: 'Die EZB senkt die Zinsen – ein Überblick.',
    contentHtml: '<p>Die <strong>EZB</strong> senkt die Zinsen.</p>',
    published: new Date('2025-06-05T12:45:00Z'),
    updated: new Date('2025-06-05T15:00:00Z'),
    authors: [author('Miriam Okafor')],
    tags: ['EZB', 'Zinsen'],
    image: undefined,
    enclosure: undefined,
    lang: 'de',
    episode: undefined,
    explicit: undefined,
    ...overrides,
  }
}

/** A section feed document holding the given items. */
export function makeDocument(items: readonly FeedItem[], overrides: Partial<FeedDocument> = {}): FeedDocument {
  return {
    title: 'Wirtschaft – Beispielzeitung',
    description: 'Nachrichten aus dem Wirtschaftsressort',
    language: 'de',
    homeUrl: SITE,
    links: { self: { rss: `${SITE}wirtschaft/feed.xml`, atom: `${SITE}wirtschaft/atom.xml`, json: `${SITE}wirtschaft/feed.json` } },
    archive: false,
    // Dated as buildFeedDocument dates a document; an empty one, the epoch.
    updated: newestChange(items, (item) => [item.published, item.updated]) ?? new Date(0),
    author: 'Wirtschaftsredaktion',
    generator: 'tests',
    images: { icon: undefined, favicon: undefined, rss: undefined },
    feedly: undefined,
    updates: { period: 'hourly', frequency: 1 },
    copyright: undefined,
    items,
    ...overrides,
  }
}

/** What the pages of the section's feeds are rendered with (build-site.ts pageContext), no podcast unless given. */
export function makePageContext(overrides: Partial<PageContext> = {}): PageContext {
  return {
    siteName: 'Beispielzeitung',
    siteUrl: SITE,
    sectionTitle: 'Wirtschaft',
    language: 'de',
    timeZone: 'Europe/Berlin',
    feeds: { rss: `${SITE}wirtschaft/feed.xml`, atom: `${SITE}wirtschaft/atom.xml`, json: `${SITE}wirtschaft/feed.json` },
    podcast: undefined,
    favicon: undefined,
    logo: undefined,
    authors: new Map(),
    deskAuthor: 'Wirtschaftsredaktion',
    subscribeUrl: `${SITE}abo`,
    ...overrides,
  }
}
