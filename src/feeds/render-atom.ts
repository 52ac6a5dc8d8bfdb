import { Feed } from 'feed'
import type { FeedDocument } from './feed-model.js'
import { renderHoldingContent } from './held-content.js'
import { packageHtml, packagePlaceholder, packageText, repairAtom } from './feed-package-fixes.js'

/**
 * Atom 1.0 (RFC 4287) for a feed document, built by the `feed` package and
 * repaired in feed-package-fixes.ts.
 */
export function renderAtom(document: FeedDocument): string {
  return renderHoldingContent(document, renderAtomWhole)
}

/** The whole document through the package and its repairs, the items' HTML included (renderAtom holds that back where it can: held-content.ts). */
export function renderAtomWhole(document: FeedDocument): string {
  const feed = new Feed({
    title: packageText(document.title),
    description: packageText(document.description),
    id: document.links.current?.atom ?? document.links.self.atom,
    link: document.homeUrl,
    feed: document.links.self.atom,
    ...(document.links.hub ? { hub: document.links.hub } : {}),
    language: document.language,
    updated: document.updated, // #15: never "now"
    generator: packageText(document.generator),
    author: { name: packageText(document.author) }, // #9: entries without authors inherit it
    ...(document.images.icon ? { image: document.images.icon } : {}), // <logo>
    ...(document.images.favicon ? { favicon: document.images.favicon } : {}), // <icon>
    ...(document.copyright ? { copyright: packageText(document.copyright) } : {}),
  })
  for (const item of document.items) {
    feed.addItem({
      title: packagePlaceholder(item.title),
      id: item.id,
      link: item.url,
      date: item.updated,
      published: item.published,
      content: packageHtml(item.contentHtml),
      author: item.authors.map((author) => ({
        name: packageText(author.name),
        ...(author.email ? { email: packageText(author.email) } : {}),
        ...(author.url ? { link: author.url } : {}),
      })),
    })
  }
  return repairAtom(feed.atom1(), document)
}
