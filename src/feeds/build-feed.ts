import type { Article } from '../content/article.js'
import { mediaTypeFor } from '../content/media-types.js'
import { escapeHtml } from './feed-package-fixes.js'
import type { FeedDocument, FeedItem, FeedLinks } from './feed-model.js'

/** An article's body, rendered once per content change. */
export interface RenderedBody {
  /** Sanitised HTML, every URL absolute. */
  readonly html: string
  /** Plain-text excerpt, for articles without a summary. */
  readonly excerpt: string
}

export interface FeedDocumentOptions {
  readonly title: string
  readonly description: string
  readonly language: string
  readonly homeUrl: string
  readonly links: FeedLinks
  readonly archive?: boolean
  readonly author: string
  readonly generator: string
}

/** The format-neutral item for an article: what all three formats carry. */
export function toFeedItem(article: Article, body: RenderedBody, deskAuthor: string): FeedItem {
  const image = article.image === undefined ? undefined : { url: article.image, type: mediaTypeFor(new URL(article.image).pathname) }
  // The lead image leads the content too: readers and mail tools that show
  // the first image of an item pick it up.
  const lead = image ? `<figure><img src="${escapeHtml(image.url)}" alt=""></figure>` : ''
  const summary = article.summary ?? body.excerpt
  // An article without a body still gives readers something to show: its summary.
  const html = body.html === '' && summary !== '' ? `<p>${escapeHtml(summary)}</p>` : body.html
  return {
    id: article.id,
    url: article.url,
    title: article.title,
    summary,
    contentHtml: lead + html,
    published: article.date,
    updated: article.updated,
    authors: article.authors.length > 0 ? article.authors : [deskAuthor],
    tags: article.tags,
    image,
    enclosure: article.enclosure,
    lang: article.lang,
  }
}

/**
 * A feed document from items already chosen and ordered. Its `updated` is the
 * newest change among the items (the Unix epoch for an empty feed), so the
 * same articles always give the same bytes.
 */
export function buildFeedDocument(options: FeedDocumentOptions, items: readonly FeedItem[]): FeedDocument {
  const updated = items.reduce((max, item) => Math.max(max, item.updated.getTime(), item.published.getTime()), 0)
  return { ...options, archive: options.archive ?? false, updated: new Date(updated), items }
}
