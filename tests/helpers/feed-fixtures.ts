import type { FeedDocument, FeedItem } from '../../src/feeds/feed-model.js'

export const SITE = 'https://www.example.de/'

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
    authors: ['Miriam Okafor'],
    tags: ['EZB', 'Zinsen'],
    image: undefined,
    enclosure: undefined,
    lang: 'de',
    ...overrides,
  }
}

/** A section feed document holding the given items. */
export function makeDocument(items: readonly FeedItem[], overrides: Partial<FeedDocument> = {}): FeedDocument {
  const updated = items.reduce((max, item) => Math.max(max, item.updated.getTime(), item.published.getTime()), 0)
  return {
    title: 'Wirtschaft – Beispielzeitung',
    description: 'Nachrichten aus dem Wirtschaftsressort',
    language: 'de',
    homeUrl: SITE,
    links: { self: { rss: `${SITE}wirtschaft/feed.xml`, atom: `${SITE}wirtschaft/atom.xml`, json: `${SITE}wirtschaft/feed.json` } },
    archive: false,
    updated: new Date(updated),
    author: 'Wirtschaftsredaktion',
    generator: 'tests',
    items,
    ...overrides,
  }
}
