/** An audio or video file attached to an article (RSS enclosure, Atom rel="enclosure", JSON Feed attachment). */
export interface Enclosure {
  /** Absolute http(s) URL. */
  readonly url: string
  /** Registered MIME type, lower case. */
  readonly type: string
  /** Size in bytes; undefined when nobody knows it. */
  readonly length: number | undefined
  /** Playing time in whole seconds. */
  readonly duration: number | undefined
}

/** A transcript file of an episode (Podcasting 2.0 `podcast:transcript`): WebVTT or SRT, by its name. */
export interface TranscriptFile {
  /** Absolute http(s) URL. */
  readonly url: string
  readonly type: 'text/vtt' | 'application/x-subrip'
}

/** One chapter of an episode (Podcast Index JSON Chapters). */
export interface Chapter {
  /** Whole seconds from the start of the audio; each chapter starts after the one before. */
  readonly start: number
  readonly title: string
  /** Absolute URLs of a related page and of chapter art. */
  readonly url: string | undefined
  readonly image: string | undefined
}

/**
 * One article's metadata, validated and normalised: every URL absolute, every
 * string free of characters XML cannot carry. The Markdown body is not held
 * here; it is read and rendered only when a document needs it.
 */
export interface Article {
  /** Path relative to ARTICLES_DIR with `/` separators: the article's identity as a file. */
  readonly file: string
  readonly slug: string
  /** Permanent id: an absolute URI (tag:, urn:uuid:, http(s)). */
  readonly id: string
  readonly title: string
  /** First published. */
  readonly date: Date
  /** Last substantive change; equals `date` when the file gives none. */
  readonly updated: Date
  /** Category slugs; the first decides the article's URL. */
  readonly categories: readonly string[]
  readonly tags: readonly string[]
  readonly authors: readonly string[]
  /** The front matter's summary (plain text), if it gave one. */
  readonly summary: string | undefined
  /** Absolute URL of the lead image. */
  readonly image: string | undefined
  /** Its text alternative; empty when the image is decorative. */
  readonly imageAlt: string
  readonly enclosure: Enclosure | undefined
  /** Podcast episode number (itunes:episode). */
  readonly episode: number | undefined
  /** Whether the episode needs a parental advisory (itunes:explicit); undefined: the show's setting. */
  readonly explicit: boolean | undefined
  /** The episode's transcript: a file, or `article`, the article text published as an HTML page. */
  readonly transcript: TranscriptFile | 'article' | undefined
  /** The episode's chapters, in order; undefined when it has none. */
  readonly chapters: readonly Chapter[] | undefined
  /** Podcast season number (podcast:season). */
  readonly season: number | undefined
  /**
   * `plus`: the body is for subscribers only; every public document shows a
   * teaser (title, summary, link, date, authors, tags, image) marked Plus.
   * A plus article always has a `summary`.
   */
  readonly access: 'free' | 'plus'
  readonly draft: boolean
  /** Language tag (RFC 5646). */
  readonly lang: string
  /** Site path of the article's HTML page, e.g. `/wirtschaft/ki-weckruf.html`. */
  readonly path: string
  /** Absolute URL of the article's HTML page: the item link in every feed. */
  readonly url: string
}

/**
 * Who an article is credited to: its authors, or the desk (`deskAuthor`)
 * when it names none. Feeds, filters and pages all credit it so.
 */
export function bylineOf(article: Pick<Article, 'authors'>, deskAuthor: string): readonly string[] {
  return article.authors.length > 0 ? article.authors : [deskAuthor]
}

/** The tag that marks a plus article in every public format (RSS and Atom category, JSON Feed tag, pages). */
export const PLUS_TAG = 'Plus'

const isPlusTag = (tag: string): boolean => tag.toLowerCase() === 'plus'

/**
 * The tags documents show and filters find: a plus article's begin with
 * `Plus`, the mark every format carries (and what `?tag=Plus` finds); a
 * free article never shows one, so the mark always means what it says.
 */
export function tagsOf(article: Pick<Article, 'tags' | 'access'>): readonly string[] {
  const own = article.tags.some(isPlusTag) ? article.tags.filter((tag) => !isPlusTag(tag)) : article.tags
  return article.access === 'plus' ? [PLUS_TAG, ...own] : own
}
