import type { Config } from '../config.js'
import type { Article } from '../content/article.js'
import type { ArticleSource } from '../content/article-source.js'
import type { MediaInfo } from '../content/media-info.js'
import { mediaPathKey } from '../content/plus-media.js'
import { buildFeedDocument, enclosureOf, toFeedItems, type FeedDocumentOptions, type ItemContext } from '../feeds/build-feed.js'
import { FEED_FORMATS, type FeedDocument, type FeedItem } from '../feeds/feed-model.js'
import { sameArticles } from '../feeds/select.js'
import { episodeGuid } from '../feeds/podcast-ids.js'
import type { EpisodeLinks, PodcastDocument } from '../feeds/render-podcast.js'
import { hasAudio } from '../feeds/select.js'
import type { Site } from '../site/build-site.js'
import { episodeLinks } from '../site/episode-documents.js'
import { mediaPrefix, sectionUpdated } from '../site/feed-documents.js'
import { FEED_MEDIA_TYPES, feedPaths, podcastPath } from '../site/paths.js'
import type { Renderer } from '../site/render-request.js'
import { RenderedBodies } from '../store/rendered-bodies.js'
import { ShortenedFeeds } from '../store/shortened-feeds.js'
import { siteUrlFor } from '../text/urls.js'
import type { HealthCheck } from '../util/health.js'
import type { Logger } from '../util/logger.js'
import { subscriberPaths, type SubscriberFile } from './plus-paths.js'
import { SubscriberDocument } from './subscriber-document.js'

/**
 * Stands for the token in the documents as rendered: only URL-safe
 * characters, so it survives XML and JSON escaping and URL encoding as it is,
 * and nothing an article can produce by chance (its URLs are the site's own).
 */
export const TOKEN_PLACEHOLDER = 'PLUS-TOKEN-PLACEHOLDER-7Q2W'

export type SubscriberConfig = Pick<Config, 'siteUrl' | 'siteName' | 'language' | 'section' | 'settings'>

export interface SubscriberFeedsOptions {
  readonly config: SubscriberConfig
  /** The article files as they are: the full bodies, plus articles' included (never the public store's teaser source). */
  readonly source: Pick<ArticleSource, 'readBody'>
  readonly renderer: Renderer
  readonly media: (url: string) => MediaInfo | undefined
  readonly logger: Logger
}

const GENERATOR = 'wirtschaft-feeds (https://github.com/jpmonette/feed, repaired)'

/** A subscriber document's URL as the log and /healthz name it: `<token>` where each subscriber's token goes (docs/security.md: no token in a log line). */
const nameOf = (url: string): string => url.replace(TOKEN_PLACEHOLDER, '<token>')

/**
 * The subscribers' documents (docs/plus.md): the section's current feeds and
 * the podcast, with the full text of plus articles and plus episodes' audio
 * under the token path. Rendered once per content change, for every
 * subscriber at once, with TOKEN_PLACEHOLDER where each subscriber's token
 * goes (subscriber-document.ts puts it in per request). No hub (never a
 * WebSub topic), no browser stylesheets, no archive links (the archives are
 * public, with teasers).
 *
 * A document whose budget of HTML is spent is the same for every subscriber:
 * one warning per streak names it with `<token>` for the token
 * (ShortenedFeeds), and problems() says it while it lasts (/healthz).
 */
export class SubscriberFeeds implements HealthCheck {
  readonly #options: SubscriberFeedsOptions
  readonly #bodies: RenderedBodies
  #documents = new Map<SubscriberFile, SubscriberDocument>()
  /** The plus episodes' audio and transcript files, as content/plus-media.ts's mediaPathKey writes them: served under the token path only. */
  #plusMedia: ReadonlySet<string> = new Set()
  #shown: { readonly window: readonly Article[]; readonly episodes: readonly Article[]; readonly site: Site } | undefined
  /** A body rendered as written after its time ran out (RenderedBodies.onRenderedAgain): render the documents again, though nothing else changed. */
  #again = false
  /** Versions of the files whose bodies are kept: an article object is replaced with every change of its file. */
  readonly #bodyVersions = new Map<string, Article>()
  #updating: Promise<void> = Promise.resolve()
  /** The public documents rendered ahead whose bytes change when a media file does. */
  readonly #publicPaths: readonly string[]
  readonly #publicMedia: string
  readonly #shortened: ShortenedFeeds
  /** What the documents in place could not carry (ShortenedFeeds.note), one line each. */
  #problems: readonly string[] = []

  constructor(options: SubscriberFeedsOptions) {
    this.#options = options
    const { config } = options
    this.#publicMedia = mediaPrefix(config.siteUrl)
    this.#publicPaths = [...Object.values(feedPaths(config.section.slug)), podcastPath(config.section.slug)]
    const again = (): void => {
      this.#again = true
      const shown = this.#shown
      if (shown) this.updateInBackground(shown.site)
    }
    this.#bodies = new RenderedBodies({ source: options.source, renderer: options.renderer, siteUrl: config.siteUrl, media: options.media, logger: options.logger, onRenderedAgain: again })
    this.#shortened = new ShortenedFeeds(options.logger)
  }

  /** The documents in place whose budget of HTML was spent, one line each, their token `<token>`: for /healthz. */
  problems(): readonly string[] {
    return this.#problems
  }

  /** Renders the documents for a new site, after any update still running; resolves when they are in place. */
  update(site: Site): Promise<void> {
    this.#updating = this.#updating.catch(() => {}).then(() => this.#update(site))
    return this.#updating
  }

  /** update(), for callers that wait for nothing: a failure is logged, and the last documents stay. */
  updateInBackground(site: Site): void {
    this.update(site).catch((error: unknown) => this.#options.logger.warn(`subscriber feeds: rendering failed, the last ones stay: ${String(error)}`))
  }

  /** Resolves when no update is running (the first rendering, before the socket opens; tests). */
  async settled(): Promise<void> {
    let running: Promise<void> | undefined
    while (running !== this.#updating) {
      running = this.#updating
      await running.catch(() => {})
    }
  }

  /** The document a subscriber's `file` is, or undefined before the first update. */
  document(file: SubscriberFile): SubscriberDocument | undefined {
    return this.#documents.get(file)
  }

  /** Whether `relative` (a path under MEDIA_DIR, URL-encoded as requested) is a plus episode's audio or transcript file. */
  isPlusMedia(relative: string): boolean {
    const key = mediaPathKey(this.#publicMedia + relative)
    return key !== undefined && this.#plusMedia.has(key)
  }

  /** A plus file's URL under the token path, noted as served there; a URL on another host stays as it is. */
  #underToken(url: string, mediaUrl: string, plusMedia: Set<string>): string {
    if (!url.startsWith(this.#publicMedia)) return url
    const key = mediaPathKey(url)
    if (key !== undefined) plusMedia.add(key)
    return mediaUrl + url.slice(this.#publicMedia.length)
  }

  async #update(site: Site): Promise<void> {
    const { config } = this.#options
    const window = site.plan.window
    const episodes = config.settings.podcast ? site.plan.section.filter(hasAudio) : []
    const shown = this.#shown
    // The public current feeds or podcast rendered again with the same articles: a media file changed.
    const publicAgain = shown !== undefined && this.#publicPaths.some((path) => shown.site.resources.get(path) !== site.resources.get(path))
    if (shown && !this.#again && !publicAgain && sameArticles(shown.window, window) && sameArticles(shown.episodes, episodes)) {
      this.#shown = { ...shown, site }
      return
    }
    this.#again = false
    for (const article of [...window, ...episodes]) {
      if (this.#bodyVersions.get(article.file) !== article) this.#bodies.forget(article.file)
      this.#bodyVersions.set(article.file, article)
    }
    const source = await this.#bodies.itemSource([...new Set([...window, ...episodes])])
    const context: ItemContext = { deskAuthor: config.section.author, authors: config.settings.authors, media: source.media, content: 'full' }
    const urls = subscriberPaths(config.section.slug, TOKEN_PLACEHOLDER)
    const self = { rss: siteUrlFor(config.siteUrl, urls.rss), atom: siteUrlFor(config.siteUrl, urls.atom), json: siteUrlFor(config.siteUrl, urls.json) }
    const channel = (title: string): Omit<FeedDocumentOptions, 'links'> => ({
      title,
      description: config.section.description,
      language: config.language,
      homeUrl: config.siteUrl,
      author: config.section.author,
      generator: GENERATOR,
      images: config.settings.images,
      feedly: config.settings.feedly,
      updates: config.settings.updates,
      updatedWhenEmpty: sectionUpdated(window),
    })
    const bodyOf = (article: Article) => source.bodyOf(article)
    const { items: windowItems, shortened } = toFeedItems(window, bodyOf, context)
    const feed = buildFeedDocument({ ...channel(`${config.section.title} – ${config.siteName} Plus`), links: { self }, shortened }, windowItems)
    // Noted once the documents are in place: a render that fails leaves the last ones, and their line in /healthz.
    const noted: [FeedDocument, string][] = [[feed, nameOf(self.rss)]]
    const rendered = await Promise.all(FEED_FORMATS.map(async (format) => [format, await this.#options.renderer.feed(feed, format), feed] as const))
    const documents = new Map<SubscriberFile, SubscriberDocument>()
    for (const [format, text, document] of rendered) documents.set(format, documentOf(text, FEED_MEDIA_TYPES[format], document))
    const plusMedia = new Set<string>()
    const podcast = config.settings.podcast
    if (podcast) {
      const mediaUrl = siteUrlFor(config.siteUrl, urls.media)
      const budgeted = toFeedItems(episodes, bodyOf, context)
      const items: FeedItem[] = []
      const links: EpisodeLinks[] = []
      for (const [index, article] of episodes.entries()) {
        const item = { ...(budgeted.items[index] as FeedItem), id: episodeGuid(article.id) }
        if (article.access === 'free') {
          items.push(item)
          links.push(episodeLinks(article, config.siteUrl))
          continue
        }
        // The public item of a plus article carries no audio (build-feed.ts): the subscribers' gets it, under the token path.
        const enclosure = enclosureOf(article.enclosure, undefined, context)
        items.push({ ...item, enclosure: enclosure && { ...enclosure, url: this.#underToken(enclosure.url, mediaUrl, plusMedia) } })
        const transcript = typeof article.transcript === 'object' ? article.transcript : undefined
        // Its transcript file likewise; its chapters and transcript page are not public (docs/plus.md), so the feed names none.
        links.push({
          transcript: transcript && { url: this.#underToken(transcript.url, mediaUrl, plusMedia), type: transcript.type, language: article.lang },
          chapters: undefined,
          season: article.season,
        })
      }
      const url = siteUrlFor(config.siteUrl, urls.podcast)
      // The show's title marked, in the channel and its image alike (the W3C validator: "Image title doesn't match channel title").
      const show = { ...podcast, title: `${podcast.title} (Plus)` }
      const base = buildFeedDocument({ ...channel(show.title), description: podcast.description, author: podcast.author, copyright: podcast.copyright, links: { self: { rss: url, atom: url, json: url } }, shortened: budgeted.shortened }, items)
      // Blocked from directories: an app that submits its users' feeds to one would publish the token.
      const document: PodcastDocument = { ...base, podcast: show, episodes: links, block: true }
      noted.push([document, nameOf(url)])
      documents.set('podcast', documentOf(await this.#options.renderer.podcast(document), FEED_MEDIA_TYPES.rss, document))
    }
    this.#documents = documents
    this.#plusMedia = plusMedia
    this.#problems = noted.flatMap(([document, name]) => this.#shortened.note(document, name) ?? [])
    this.#shown = { window, episodes, site }
  }
}

function documentOf(text: string | Uint8Array, type: string, document: FeedDocument): SubscriberDocument {
  return new SubscriberDocument(text, TOKEN_PLACEHOLDER, { contentType: `${type}; charset=utf-8`, lastModified: document.items.length > 0 ? document.updated : undefined })
}

