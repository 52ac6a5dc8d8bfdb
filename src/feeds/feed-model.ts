import type { Enclosure } from '../content/article.js'
import type { FeedlySettings, UpdateHints } from '../site-settings.js'

export type FeedFormat = 'rss' | 'atom' | 'json'
export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json']

/** What an item's content holds: the whole article, or its summary with the lead image and a link to the page (FEED_CONTENT). */
export type FeedContent = 'full' | 'excerpt'
export const FEED_CONTENTS: readonly FeedContent[] = ['full', 'excerpt']

/** Each format's full name, as pages and subscription lists show it. */
export const FEED_FORMAT_NAMES: Readonly<Record<FeedFormat, string>> = { rss: 'RSS 2.0', atom: 'Atom 1.0', json: 'JSON Feed 1.1' }

/** One URL per format: the same document in RSS, Atom and JSON Feed. */
export type FormatUrls = Readonly<Record<FeedFormat, string>>

export interface FeedImage {
  /** Absolute URL. */
  readonly url: string
  readonly type: string | undefined
  /** Text alternative; empty for a decorative image. */
  readonly alt: string
  /** Known for images under MEDIA_DIR. */
  readonly length: number | undefined
  readonly width: number | undefined
  readonly height: number | undefined
}

/** An author as the formats can name them: Atom and JSON Feed carry more than a name. */
export interface FeedAuthor {
  readonly name: string
  readonly url: string | undefined
  readonly email: string | undefined
  readonly avatar: string | undefined
  /** Podcast role (Podcast Taxonomy, lower case); undefined: host. */
  readonly role?: string | undefined
}

/** One item as every format carries it; the renderers only change its spelling. */
export interface FeedItem {
  readonly id: string
  /** Absolute URL of the article page. */
  readonly url: string
  readonly title: string
  /** Plain text. */
  readonly summary: string
  /** Sanitised HTML with absolute URLs. */
  readonly contentHtml: string
  readonly published: Date
  readonly updated: Date
  /** Never empty: the article's authors, else the desk. */
  readonly authors: readonly FeedAuthor[]
  readonly tags: readonly string[]
  readonly image: FeedImage | undefined
  /**
   * The item's one enclosure, the same in every format: its audio or video,
   * else its image when the image's size is known. RSS carries one per item
   * (the W3C validator warns about more), so the formats can only agree on one.
   */
  readonly enclosure: Enclosure | undefined
  readonly lang: string
  /** Podcast episode number. */
  readonly episode: number | undefined
  readonly explicit: boolean | undefined
}

/** Channel images, absolute URLs. */
export interface FeedImages {
  /** Square, 512 px or more: JSON Feed icon, Atom logo. */
  readonly icon: string | undefined
  /** Small square: JSON Feed favicon, Atom icon. */
  readonly favicon: string | undefined
  /** RSS <image>, at most 144 × 400 px. */
  readonly rss: { readonly url: string; readonly width: number; readonly height: number } | undefined
}

/** Where a document links to, beyond its items. */
export interface FeedLinks {
  /** Where this very document lives, per format. */
  readonly self: FormatUrls
  /** RFC 5005: the next older archive document. */
  readonly prevArchive?: FormatUrls | undefined
  /** RFC 5005: the next newer archive document (archive documents only). */
  readonly nextArchive?: FormatUrls | undefined
  /** RFC 5005: the subscription document (archive documents only). */
  readonly current?: FormatUrls | undefined
  /** WebSub hub. */
  readonly hub?: string | undefined
  /** Browser stylesheets for RSS and Atom: XSLT first, CSS as the fallback. */
  readonly stylesheets?: { readonly xsl: string; readonly css: string } | undefined
}

/** A feed document, format-neutral: channel data and its items, newest first. */
export interface FeedDocument {
  readonly title: string
  readonly description: string
  /** RFC 5646 language tag. */
  readonly language: string
  /** The HTML page the feed stands for. */
  readonly homeUrl: string
  readonly links: FeedLinks
  /** An RFC 5005 archive document (`fh:archive`). */
  readonly archive: boolean
  /** The newest change among the items (an empty document: the caller's date, see buildFeedDocument); never the time of a request. */
  readonly updated: Date
  /** Feed-level author: the desk. */
  readonly author: string
  readonly generator: string
  readonly images: FeedImages
  /** RSS only: Feedly's webfeeds: branding, when configured. */
  readonly feedly: FeedlySettings | undefined
  /** RSS only: `ttl` and `sy:updatePeriod`/`sy:updateFrequency`. */
  readonly updates: UpdateHints
  readonly copyright: string | undefined
  readonly items: readonly FeedItem[]
  /** How many of the items, the oldest, carry their summary only: the document's budget of HTML was spent (FEED_CONTENT_BUDGET); absent: none. */
  readonly shortened?: number
}
