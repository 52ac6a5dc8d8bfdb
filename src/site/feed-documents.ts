import type { Config } from '../config.js'
import type { Article } from '../content/article.js'
import { newestChange } from '../content/dates.js'
import type { MediaInfo } from '../content/media-info.js'
import type { ArchivePage } from '../feeds/archive.js'
import { buildFeedDocument, FEED_CONTENT_BUDGET, toFeedItems, type ItemContext, type RenderedBody } from '../feeds/build-feed.js'
import { describeFilter, filterQuery, type FeedFilter } from '../feeds/filter.js'
import { FEED_FORMATS, type FeedContent, type FeedDocument, type FeedLinks, type FormatUrls } from '../feeds/feed-model.js'
import { episodeGuid } from '../feeds/podcast-ids.js'
import type { PodcastDocument } from '../feeds/render-podcast.js'
import { siteUrlFor } from '../text/urls.js'
import { episodeLinks } from './episode-documents.js'
import { absoluteUrls, archivePaths, FEED_CSS_PATH, FEED_XSL_PATH, feedPaths, podcastPath, websubTopics } from './paths.js'

/**
 * The section's feed documents, as models for the renderers (feeds/): the
 * current feeds, archive pages, filtered views and the podcast, with the
 * channel settings, links and item context each carries. Which articles go
 * in is the plan's to decide (build-site.ts); rendering them is the renderer's.
 */

/** What the feed documents read of the configuration. */
export type FeedConfig = Pick<Config, 'siteUrl' | 'siteName' | 'language' | 'section' | 'websubHub' | 'settings' | 'feedContent'>

/** What the feed documents read of a plan (build-site.ts SitePlan). */
export interface DocumentPlan {
  readonly window: readonly Article[]
  readonly episodes: readonly Article[]
  readonly archivePages: number
}

const GENERATOR = 'wirtschaft-feeds (https://github.com/jpmonette/feed, repaired)'

/** Rendered bodies and media facts, from the store: what documents need besides articles. */
export interface ItemSource {
  bodyOf(article: Article): RenderedBody
  media(url: string): MediaInfo | undefined
}

/** Where the site's media URLs start: SITE_URL/media/. */
export const mediaPrefix = (siteUrl: string): string => siteUrlFor(siteUrl, '/media/')

/**
 * Links every feed document of the section carries. The hub only on WebSub
 * topics (websubTopics), the documents it is told about: a subscriber that
 * trusts the hub polls less, and would miss the rest.
 */
function documentLinks(config: FeedConfig, links: Omit<FeedLinks, 'hub' | 'stylesheets'>): FeedLinks {
  const topics = new Set(websubTopics(config.siteUrl, config.section.slug).values())
  return {
    ...links,
    hub: FEED_FORMATS.every((format) => topics.has(links.self[format])) ? config.websubHub : undefined,
    stylesheets: { xsl: siteUrlFor(config.siteUrl, FEED_XSL_PATH), css: siteUrlFor(config.siteUrl, FEED_CSS_PATH) },
  }
}

/** What every feed's channel carries from site.yaml: images, Feedly branding, update hints. */
function channelSettings({ settings }: FeedConfig): Pick<FeedDocument, 'images' | 'feedly' | 'updates'> {
  return { images: settings.images, feedly: settings.feedly, updates: settings.updates }
}

function itemContext(config: FeedConfig, source: ItemSource, content = config.feedContent): ItemContext {
  return { deskAuthor: config.section.author, authors: config.settings.authors, media: (url) => source.media(url), content }
}

/**
 * The last change an empty document reports: the newest change among the
 * current feeds' articles, so an empty filtered view or podcast dates itself
 * like the section. An empty section has none and reports the epoch: never
 * the time of planning, which differs between instances on one folder.
 */
export function sectionUpdated(window: readonly Article[]): Date {
  return newestChange(window, (article) => [article.date, article.updated]) ?? new Date(0)
}

function sectionDocument(
  plan: DocumentPlan,
  config: FeedConfig,
  articles: readonly Article[],
  source: ItemSource,
  links: FeedLinks,
  kind: { readonly archive?: boolean; readonly view?: string; readonly content?: FeedContent | undefined } = {},
): FeedDocument {
  const { section } = config
  const context = itemContext(config, source, kind.content)
  const title = `${section.title} – ${config.siteName}`
  const { items, shortened } = toFeedItems(articles, (article) => source.bodyOf(article), context)
  return buildFeedDocument(
    {
      // A view names what it shows: a reader lists it apart from the whole section.
      title: kind.view ? `${title} (${kind.view})` : title,
      description: section.description,
      language: config.language,
      homeUrl: config.siteUrl,
      links,
      archive: kind.archive ?? false,
      author: section.author,
      generator: GENERATOR,
      ...channelSettings(config),
      updatedWhenEmpty: sectionUpdated(plan.window),
      shortened,
    },
    items,
  )
}

/** The subscription documents: the newest articles, linked to the newest archive page. */
export function currentFeedDocument(plan: DocumentPlan, source: ItemSource, config: FeedConfig): FeedDocument {
  const slug = config.section.slug
  return sectionDocument(
    plan,
    config,
    plan.window,
    source,
    documentLinks(config, {
      self: absoluteUrls(config.siteUrl, feedPaths(slug)),
      prevArchive: plan.archivePages > 0 ? absoluteUrls(config.siteUrl, archivePaths(slug, plan.archivePages)) : undefined,
    }),
  )
}

/** One archive document (RFC 5005 §4), linked to its neighbours and to the subscription document. */
export function archiveFeedDocument(plan: DocumentPlan, page: ArchivePage<Article>, source: ItemSource, config: FeedConfig): FeedDocument {
  const slug = config.section.slug
  const at = (n: number): FormatUrls => absoluteUrls(config.siteUrl, archivePaths(slug, n))
  return sectionDocument(
    plan,
    config,
    page.items,
    source,
    documentLinks(config, {
      self: at(page.number),
      current: absoluteUrls(config.siteUrl, feedPaths(slug)),
      prevArchive: page.number > 1 ? at(page.number - 1) : undefined,
      nextArchive: page.number < plan.archivePages ? at(page.number + 1) : undefined,
    }),
    { archive: true },
  )
}

/** A filtered view of the subscription documents, with its own self link. */
export function filteredFeedDocument(
  plan: DocumentPlan,
  articles: readonly Article[],
  filter: FeedFilter,
  source: ItemSource,
  config: FeedConfig,
): FeedDocument {
  return sectionDocument(
    plan,
    config,
    articles,
    source,
    documentLinks(config, { self: absoluteUrls(config.siteUrl, feedPaths(config.section.slug), filterQuery(filter)) }),
    { view: describeFilter(filter), content: filter.content },
  )
}

/** The podcast feed: every episode, with the show's channel settings. Undefined without a podcast. */
export function podcastFeedDocument(plan: DocumentPlan, source: ItemSource, config: FeedConfig): PodcastDocument | undefined {
  const podcast = config.settings.podcast
  if (!podcast) return undefined
  const url = siteUrlFor(config.siteUrl, podcastPath(config.section.slug))
  // Show notes are the episode's whole text, whatever FEED_CONTENT says, within the budget; each episode under an id of its own, not its article's (episodeGuid).
  const { items, shortened } = toFeedItems(plan.episodes, (article) => source.bodyOf(article), itemContext(config, source, 'full'))
  const document = buildFeedDocument(
    {
      title: podcast.title,
      description: podcast.description,
      language: config.language,
      homeUrl: config.siteUrl,
      links: documentLinks(config, { self: { rss: url, atom: url, json: url } }),
      author: podcast.author,
      generator: GENERATOR,
      ...channelSettings(config),
      copyright: podcast.copyright,
      updatedWhenEmpty: sectionUpdated(plan.window),
      shortened,
    },
    items.map((item, index) => ({ ...item, id: episodeGuid((plan.episodes[index] as Article).id) })),
  )
  return { ...document, podcast, episodes: plan.episodes.map((article) => episodeLinks(article, config.siteUrl)) }
}

/**
 * What the log and /healthz say of a document whose budget was spent
 * (FeedDocument.shortened), naming it `name` (by default its RSS URL);
 * undefined for one that carries every item whole.
 */
export function shortenedProblem(document: FeedDocument, name = document.links.self.rss): string | undefined {
  const { shortened = 0, items } = document
  if (shortened === 0) return undefined
  return `${name} (and its other formats): ${shortened} of ${items.length} items carry their summary only, not their text: with it, the items' HTML would pass the ${FEED_CONTENT_BUDGET / 1024 / 1024} MiB a feed document may carry`
}
