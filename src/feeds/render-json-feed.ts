import { toRfc3339 } from '../content/dates.js'
import { stripXmlForbidden } from '../text/xml-chars.js'
import type { FeedDocument, FeedItem } from './feed-model.js'

const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1'

/**
 * JSON Feed 1.1, written here rather than by the `feed` package: its
 * `json1()` writes version 1 only, with a single `author`, no `language`, no
 * `attachments`, and items without content lose `content_html`
 * (docs/feed-package.md #18). Serialising is JSON.stringify.
 */
export function renderJsonFeed(document: FeedDocument): string {
  const feed = {
    version: JSON_FEED_VERSION,
    title: document.title,
    home_page_url: document.homeUrl,
    // Archive pages belong to the same feed: its URL identifies them all.
    feed_url: document.links.current?.json ?? document.links.self.json,
    ...(document.links.prevArchive ? { next_url: document.links.prevArchive.json } : {}),
    description: document.description,
    ...(document.images.icon ? { icon: document.images.icon } : {}),
    ...(document.images.favicon ? { favicon: document.images.favicon } : {}),
    language: document.language,
    authors: [{ name: document.author }],
    ...(document.links.hub ? { hubs: [{ type: 'WebSub', url: document.links.hub }] } : {}),
    items: document.items.map((item) => jsonItem(item, document.language)),
  }
  // Lone surrogates would be written as \ud800 escapes that some consumers cannot encode (#17).
  return `${JSON.stringify(feed, (_, value: unknown) => (typeof value === 'string' ? stripXmlForbidden(value) : value), 2)}\n`
}

function jsonItem(item: FeedItem, feedLanguage: string): Record<string, unknown> {
  return {
    id: item.id,
    url: item.url,
    title: item.title,
    ...(item.summary !== '' ? { summary: item.summary } : {}),
    content_html: item.contentHtml,
    ...(item.image ? { image: item.image.url } : {}),
    date_published: toRfc3339(item.published),
    date_modified: toRfc3339(item.updated),
    authors: item.authors.map((author) => ({
      name: author.name,
      ...(author.url ? { url: author.url } : {}),
      ...(author.avatar ? { avatar: author.avatar } : {}),
    })),
    ...(item.tags.length > 0 ? { tags: item.tags } : {}),
    ...(item.lang !== feedLanguage ? { language: item.lang } : {}),
    ...(item.enclosure
      ? {
          attachments: [
            {
              url: item.enclosure.url,
              mime_type: item.enclosure.type,
              ...(item.enclosure.length !== undefined ? { size_in_bytes: item.enclosure.length } : {}),
              ...(item.enclosure.duration !== undefined ? { duration_in_seconds: item.enclosure.duration } : {}),
            },
          ],
        }
      : {}),
  }
}
