import type { Enclosure } from '../content/article.js'

export type FeedFormat = 'rss' | 'atom' | 'json'
export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json']

/** One URL per format: the same document in RSS, Atom and JSON Feed. */
export type FormatUrls = Readonly<Record<FeedFormat, string>>

export interface FeedImage {
  /** Absolute URL. */
  readonly url: string
  readonly type: string | undefined
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
  readonly authors: readonly string[]
  readonly tags: readonly string[]
  readonly image: FeedImage | undefined
  readonly enclosure: Enclosure | undefined
  readonly lang: string
}

/** A feed document, format-neutral: channel data and its items, newest first. */
export interface FeedDocument {
  readonly title: string
  readonly description: string
  /** RFC 5646 language tag. */
  readonly language: string
  /** The HTML page the feed stands for. */
  readonly homeUrl: string
  /** Where this very document lives, per format (the `self` links). */
  readonly self: FormatUrls
  /** The newest change among the items; never the clock. */
  readonly updated: Date
  /** Feed-level author: the desk. */
  readonly author: string
  readonly generator: string
  readonly items: readonly FeedItem[]
}
