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
  /** The newest change among the items; never the clock. */
  readonly updated: Date
  /** Feed-level author: the desk. */
  readonly author: string
  readonly generator: string
  readonly items: readonly FeedItem[]
}
