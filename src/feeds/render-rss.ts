import { Feed } from 'feed'
import { updateMinutes } from './update-hints.js'
import { escapeHtml } from '../text/escape.js'
import type { FeedDocument } from './feed-model.js'
import { renderHoldingContent } from './held-content.js'
import { packageHtml, packagePlaceholder, packageText, repairRss } from './feed-package-fixes.js'

/**
 * RSS 2.0 for a feed document, built by the `feed` package and repaired in
 * feed-package-fixes.ts. `description` carries the plain summary, escaped
 * so that readers treating it as HTML show exactly that text;
 * `content:encoded` carries the full HTML.
 */
export function renderRss(document: FeedDocument): string {
  return renderHoldingContent(document, renderRssWhole)
}

/** The whole document through the package and its repairs, the items' HTML included (renderRss holds that back where it can: held-content.ts). */
export function renderRssWhole(document: FeedDocument): string {
  const feed = new Feed({
    title: packageText(document.title),
    description: packageText(document.description),
    id: document.links.self.rss,
    link: document.homeUrl,
    feed: document.links.self.rss,
    ...(document.links.hub ? { hub: document.links.hub } : {}),
    language: document.language,
    updated: document.updated, // #15: never "now"
    generator: packageText(document.generator),
    ...(document.images.rss ? { image: document.images.rss.url } : {}),
    ...(document.copyright ? { copyright: packageText(document.copyright) } : {}),
    ttl: updateMinutes(document.updates), // RSS 2.0 <ttl>: minutes a reader may wait before fetching again
  })
  for (const item of document.items) {
    feed.addItem({
      title: packagePlaceholder(item.title),
      link: item.url,
      // A guid that is the link is a permalink; any other id is not (RSS 2.0 guid).
      ...(item.id === item.url ? {} : { guid: packageText(item.id) }),
      date: item.published,
      published: item.published,
      description: packageHtml(escapeHtml(item.summary)),
      content: packageHtml(item.contentHtml),
      category: item.tags.map((tag) => ({ name: packageText(tag) })), // #3: no `domain`
      // #11, #12: exactly url, type and length, with the real type.
      ...(item.enclosure
        ? { enclosure: { url: item.enclosure.url, type: item.enclosure.type, length: item.enclosure.length ?? 0 } }
        : {}),
    })
  }
  return repairRss(feed.rss2(), document)
}
