import { bylineOf, tagsOf, type Article, type Enclosure } from '../content/article.js'
import { newestChange } from '../content/dates.js'
import { hasNoPixels, type MediaInfo } from '../content/media-info.js'
import { mediaTypeFor } from '../content/media-types.js'
import { authorKey, DEFAULT_SITE_SETTINGS, type AuthorProfile, type FeedlySettings, type UpdateHints } from '../site-settings.js'
import { escapeHtml } from '../text/escape.js'
import { fitImagesToPane } from './scalable-images.js'
import type { FeedAuthor, FeedContent, FeedDocument, FeedImage, FeedImages, FeedItem, FeedLinks } from './feed-model.js'

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
  readonly images?: FeedImages
  readonly feedly?: FeedlySettings | undefined
  /** Hourly by default. */
  readonly updates?: UpdateHints
  readonly copyright?: string | undefined
  /**
   * What an empty document gives as its last change. Feed readers and the W3C
   * validator take the Unix epoch for a broken date, so the caller supplies a
   * real one: the section's newest change.
   */
  readonly updatedWhenEmpty: Date
  /** Items whose content the budget cut to their summary (toFeedItems); none when absent. */
  readonly shortened?: number
}

/** What an item needs besides its article: the desk, the author registry, the media files. */
export interface ItemContext {
  /** Author of items whose article names none. */
  readonly deskAuthor: string
  readonly authors: ReadonlyMap<string, AuthorProfile>
  /** Length and pixel size of files the site serves itself. */
  readonly media: (url: string) => MediaInfo | undefined
  /** The whole article (default), or the summary with the lead image and a "Weiterlesen" link. */
  readonly content?: FeedContent
}

const NO_IMAGES: FeedImages = { icon: undefined, favicon: undefined, rss: undefined }

/** Summary shown for an article, in feeds and on pages: the front matter's, else the body's excerpt. */
export function summaryOf(article: Article, body: RenderedBody): string {
  return article.summary ?? body.excerpt
}

/** The format-neutral item for an article: what all three formats carry. */
export function toFeedItem(article: Article, body: RenderedBody, context: ItemContext): FeedItem {
  const image = article.image === undefined ? undefined : imageOf(article.image, article.imageAlt, context)
  // The lead image leads the content too: readers and mail tools that show
  // the first image of an item pick it up.
  const lead = image
    ? `<figure><img src="${escapeHtml(image.url)}" alt="${escapeHtml(image.alt)}"${
        image.width && image.height ? ` width="${image.width}" height="${image.height}"` : ''
      }></figure>`
    : ''
  const summary = summaryOf(article, body)
  // An article without a body still gives readers something to show: its summary.
  const html =
    context.content === 'excerpt'
      ? `${summary === '' ? '' : `<p>${escapeHtml(summary)}</p>`}<p><a href="${escapeHtml(article.url)}">Weiterlesen</a></p>`
      : body.html === '' && summary !== ''
        ? `<p>${escapeHtml(summary)}</p>`
        : body.html
  return {
    id: article.id,
    url: article.url,
    title: article.title,
    summary,
    // Mail clients and readers show images at their width unless told to fit them.
    contentHtml: fitImagesToPane(lead + html, (src) => context.media(src)?.width),
    published: article.date,
    updated: article.updated,
    authors: bylineOf(article, context.deskAuthor).map((name) => authorOf(name, context.authors)),
    tags: tagsOf(article),
    image,
    // A plus article's audio or video is for subscribers: its public item carries none (their documents pass their own).
    enclosure: enclosureOf(article.access === 'free' ? article.enclosure : undefined, image, context),
    lang: article.lang,
    episode: article.episode,
    explicit: article.explicit,
  }
}

/**
 * Bytes (UTF-8) of item HTML one feed document carries in full: 4 MiB. A
 * file may hold 2 MiB and its HTML 8 times that (MAX_HTML_GROWTH), so 35 such
 * files made a feed longer than a string can be, and every change failed to
 * publish. Readers refuse far less: CommaFeed 5 MiB, goread 2 MiB, Miniflux
 * 15 MiB, The Old Reader called 7 MB too large (docs/readers.md#size). The
 * bundled section's 12 items hold 8 KB of HTML, 50 of the bench corpus's
 * about 150 KiB: 50 items reach the budget at 84 KB each, some 11,000 words.
 */
export const FEED_CONTENT_BUDGET = 4 * 1024 * 1024

/** A document's items, and how many of them carry their summary only because the budget was spent. */
export interface BudgetedItems {
  readonly items: FeedItem[]
  readonly shortened: number
}

/**
 * The items of `articles`, in their order (newest first): each with its
 * whole content while the items so far hold at most `budget` bytes of HTML;
 * the first that would pass it, and every one after it, with its summary
 * and a link to the page (as FEED_CONTENT=excerpt), so that no item is lost
 * and every format carries the same. Excerpts are not counted.
 */
export function toFeedItems(articles: readonly Article[], bodyOf: (article: Article) => RenderedBody, context: ItemContext, budget = FEED_CONTENT_BUDGET): BudgetedItems {
  const excerpt: ItemContext = { ...context, content: 'excerpt' }
  let left = context.content === 'excerpt' ? Infinity : budget
  let shortened = 0
  const items = articles.map((article) => {
    const body = bodyOf(article)
    if (shortened === 0) {
      const item = toFeedItem(article, body, context)
      left -= Buffer.byteLength(item.contentHtml)
      if (left >= 0) return item
    }
    shortened += 1
    return toFeedItem(article, body, excerpt)
  })
  return { items, shortened }
}

/** The item's image; undefined for one without pixels (hasNoPixels), which readers would show as nothing. */
function imageOf(url: string, alt: string, context: ItemContext): FeedImage | undefined {
  const info = context.media(url)
  if (hasNoPixels(info)) return undefined
  return { url, type: mediaTypeFor(new URL(url).pathname), alt, length: info?.length, width: info?.width, height: info?.height }
}

/**
 * The article's audio or video, with the file's true size when the site
 * serves it; else the image, when its size is known (RSS needs a length).
 */
export function enclosureOf(enclosure: Enclosure | undefined, image: FeedImage | undefined, context: ItemContext): Enclosure | undefined {
  if (enclosure) {
    const measured = context.media(enclosure.url)?.length
    return measured === undefined ? enclosure : { ...enclosure, length: measured }
  }
  if (image?.length !== undefined && image.type !== undefined) {
    return { url: image.url, type: image.type, length: image.length, duration: undefined }
  }
  return undefined
}

/** An author as the byline spells it, with the registry's profile (found regardless of case). */
function authorOf(name: string, registry: ReadonlyMap<string, AuthorProfile>): FeedAuthor {
  const profile = registry.get(authorKey(name))
  return { name, url: profile?.url, email: profile?.email, avatar: profile?.avatar, role: profile?.role }
}

/**
 * A feed document from items already chosen and ordered. Its `updated` is the
 * newest change among the items (`updatedWhenEmpty` when there are none), so
 * the same articles always give the same bytes.
 */
export function buildFeedDocument(options: FeedDocumentOptions, items: readonly FeedItem[]): FeedDocument {
  const { updatedWhenEmpty, shortened, ...rest } = options
  const updated = newestChange(items, (item) => [item.published, item.updated]) ?? updatedWhenEmpty
  return {
    ...rest,
    ...(shortened ? { shortened } : {}),
    archive: options.archive ?? false,
    images: options.images ?? NO_IMAGES,
    feedly: options.feedly,
    updates: options.updates ?? DEFAULT_SITE_SETTINGS.updates,
    copyright: options.copyright,
    updated,
    items,
  }
}
