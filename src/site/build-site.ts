import type { Config } from '../config.js'
import type { Article } from '../content/article.js'
import { newestChange } from '../content/dates.js'
import type { MediaInfo } from '../content/media-info.js'
import { archivePageCount, type ArchivePage } from '../feeds/archive.js'
import { buildFeedDocument, summaryOf, toFeedItem, type ItemContext, type RenderedBody } from '../feeds/build-feed.js'
import { describeFilter, filterQuery, type FeedFilter } from '../feeds/filter.js'
import { FEED_FORMAT_NAMES, FEED_FORMATS, type FeedDocument, type FeedLinks, type FormatUrls } from '../feeds/feed-model.js'
import type { PodcastDocument } from '../feeds/render-podcast.js'
import { sameArticles } from '../feeds/select.js'
import { siteUrlFor } from '../text/urls.js'
import { renderFeedResource, renderPodcastResource } from './feed-resource.js'
import { FEED_CSS, renderFeedXsl } from './feed-stylesheets.js'
import { renderOpml } from './opml.js'
import { renderIndexPage, SITE_CSS, type PageContext } from './pages.js'
import { RENDER_IN_THREAD, type Renderer } from './renderer.js'
import {
  absoluteUrls,
  archivePaths,
  FEED_CSS_PATH,
  FEED_XSL_PATH,
  feedPaths,
  OPML_PATH,
  podcastPath,
  STYLESHEET_PATH,
  websubTopics,
} from './paths.js'
import { createResource, type Resource } from './resource.js'

export type SiteConfig = Pick<
  Config,
  'siteUrl' | 'siteName' | 'language' | 'timeZone' | 'feedLimit' | 'archivePageSize' | 'section' | 'websubHub' | 'settings'
>

const GENERATOR = 'wirtschaft-feeds (https://github.com/jpmonette/feed, repaired)'

/** What a plan is made from: the articles, asked what is public at a given instant. */
export interface PublishedArticles {
  /** The section's public articles at `now`, newest first. */
  publishedSection(now: Date): Article[]
  /** How many articles of every category are public at `now`. */
  publishedCount(now: Date): number
  /** When the next scheduled article goes live after `now`. */
  nextPublication(now: Date): Date | undefined
}

/** Rendered bodies and media facts, from the store: what documents need besides articles. */
export interface ItemSource {
  bodyOf(article: Article): RenderedBody
  media(url: string): MediaInfo | undefined
}

/** What is public at one instant, and which bodies rendering it needs. */
export interface SitePlan {
  readonly now: Date
  /** Public articles of every category. */
  readonly published: number
  /** The section's public articles, newest first. */
  readonly section: readonly Article[]
  /** The newest of them: the current feeds and the index page. */
  readonly window: readonly Article[]
  /** The section's podcast episodes (articles with audio), newest first; empty without a podcast. */
  readonly episodes: readonly Article[]
  /** RFC 5005 archive pages behind the current feeds. */
  readonly archivePages: number
  /** When the next scheduled article goes live. */
  readonly nextPublication: Date | undefined
}

/** A complete, immutable state of the site: swapped in whole, never changed. */
export interface Site {
  readonly plan: SitePlan
  /** Documents rendered ahead of requests, by path. */
  readonly resources: ReadonlyMap<string, Resource>
  readonly context: PageContext
}

/** Whether an article is a podcast episode: it carries audio. */
const isEpisode = (article: Article): boolean => article.enclosure?.type.startsWith('audio/') === true

/** Decides what is public at `now`. */
export function planSite(articles: PublishedArticles, now: Date, config: SiteConfig): SitePlan {
  const section = articles.publishedSection(now)
  return {
    now,
    published: articles.publishedCount(now),
    section,
    window: section.slice(0, config.feedLimit),
    episodes: config.settings.podcast ? section.filter(isEpisode) : [],
    archivePages: archivePageCount(section.length, config.feedLimit, config.archivePageSize),
    nextPublication: articles.nextPublication(now),
  }
}

/**
 * Whether two plans show the same in the documents rendered ahead (the
 * current feeds, the podcast, the index): then their bytes can be kept.
 */
export function sameDocumentsAhead(previous: SitePlan, next: SitePlan): boolean {
  return (
    sameArticles(previous.window, next.window) &&
    sameArticles(previous.episodes, next.episodes) &&
    previous.archivePages === next.archivePages
  )
}

function pageContext(config: SiteConfig): PageContext {
  const { podcast, images } = config.settings
  return {
    siteName: config.siteName,
    siteUrl: config.siteUrl,
    sectionTitle: config.section.title,
    language: config.language,
    timeZone: config.timeZone,
    feeds: absoluteUrls(config.siteUrl, feedPaths(config.section.slug)),
    podcast: podcast ? { title: podcast.title, url: siteUrlFor(config.siteUrl, podcastPath(config.section.slug)) } : undefined,
    favicon: images.favicon,
    deskAuthor: config.section.author,
  }
}

/**
 * Links every feed document of the section carries. The hub only on WebSub
 * topics (websubTopics), the documents it is told about: a subscriber that
 * trusts the hub polls less, and would miss the rest.
 */
function documentLinks(config: SiteConfig, links: Omit<FeedLinks, 'hub' | 'stylesheets'>): FeedLinks {
  const topics = new Set(websubTopics(config.siteUrl, config.section.slug).values())
  return {
    ...links,
    hub: FEED_FORMATS.every((format) => topics.has(links.self[format])) ? config.websubHub : undefined,
    stylesheets: { xsl: siteUrlFor(config.siteUrl, FEED_XSL_PATH), css: siteUrlFor(config.siteUrl, FEED_CSS_PATH) },
  }
}

function itemContext(config: SiteConfig, source: ItemSource): ItemContext {
  return { deskAuthor: config.section.author, authors: config.settings.authors, media: (url) => source.media(url) }
}

/**
 * The last change an empty document reports: the newest change among the
 * current feeds' articles, so an empty filtered view or podcast dates itself
 * like the section. An empty section has none, and reports when it was planned.
 */
function sectionUpdated(plan: SitePlan): Date {
  return newestChange(plan.window, (article) => [article.date, article.updated]) ?? plan.now
}

function sectionDocument(
  plan: SitePlan,
  config: SiteConfig,
  articles: readonly Article[],
  source: ItemSource,
  links: FeedLinks,
  kind: { readonly archive?: boolean; readonly view?: string } = {},
): FeedDocument {
  const { section } = config
  const context = itemContext(config, source)
  const title = `${section.title} – ${config.siteName}`
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
      images: config.settings.images,
      updatedWhenEmpty: sectionUpdated(plan),
    },
    articles.map((article) => toFeedItem(article, source.bodyOf(article), context)),
  )
}

/** The subscription documents: the newest articles, linked to the newest archive page. */
function currentFeedDocument(plan: SitePlan, source: ItemSource, config: SiteConfig): FeedDocument {
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
export function archiveFeedDocument(plan: SitePlan, page: ArchivePage<Article>, source: ItemSource, config: SiteConfig): FeedDocument {
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
  plan: SitePlan,
  articles: readonly Article[],
  filter: FeedFilter,
  source: ItemSource,
  config: SiteConfig,
): FeedDocument {
  return sectionDocument(
    plan,
    config,
    articles,
    source,
    documentLinks(config, { self: absoluteUrls(config.siteUrl, feedPaths(config.section.slug), filterQuery(filter)) }),
    { view: describeFilter(filter) },
  )
}

/** The podcast feed: every episode, with the show's channel settings. Undefined without a podcast. */
function podcastFeedDocument(plan: SitePlan, source: ItemSource, config: SiteConfig): PodcastDocument | undefined {
  const podcast = config.settings.podcast
  if (!podcast) return undefined
  const url = siteUrlFor(config.siteUrl, podcastPath(config.section.slug))
  const document = buildFeedDocument(
    {
      title: podcast.title,
      description: podcast.description,
      language: config.language,
      homeUrl: config.siteUrl,
      links: documentLinks(config, { self: { rss: url, atom: url, json: url } }),
      author: podcast.author,
      generator: GENERATOR,
      images: config.settings.images,
      copyright: podcast.copyright,
      updatedWhenEmpty: sectionUpdated(plan),
    },
    plan.episodes.map((article) => toFeedItem(article, source.bodyOf(article), itemContext(config, source))),
  )
  return { ...document, podcast }
}

/**
 * Renders the documents that change with content, ahead of requests: the
 * section's three subscription feeds, the podcast feed (both by `renderer`)
 * and the index page. `source` must have the bodies of `plan.window` and
 * `plan.episodes`.
 */
export async function buildSite(plan: SitePlan, source: ItemSource, config: SiteConfig, renderer: Renderer = RENDER_IN_THREAD): Promise<Site> {
  const context = pageContext(config)
  const document = currentFeedDocument(plan, source, config)
  const podcast = podcastFeedDocument(plan, source, config)
  const paths = feedPaths(config.section.slug)
  const html = 'text/html; charset=utf-8'
  const entries = await Promise.all([
    ...FEED_FORMATS.map(async (format) => [paths[format], await renderFeedResource(document, format, 'live', plan.now, renderer, context)] as const),
    ...(podcast ? [(async () => [podcastPath(config.section.slug), await renderPodcastResource(podcast, context, plan.now, renderer)] as const)()] : []),
    (async () => {
      const listed = plan.window.map((article) => ({ article, summary: summaryOf(article, source.bodyOf(article)) }))
      const lastModified = plan.window.length > 0 ? document.updated : undefined
      return ['/', await createResource(renderIndexPage(context, listed), { contentType: html, lastModified, now: plan.now })] as const
    })(),
  ])
  return { plan, resources: new Map(entries), context }
}

/**
 * The documents that depend on configuration only: the stylesheets and the
 * OPML list. Rendered once at start (`now`).
 */
export async function buildAssets(config: SiteConfig, now: Date): Promise<Map<string, Resource>> {
  const context = pageContext(config)
  const title = `${config.section.title} – ${config.siteName}`
  const opml = renderOpml(title, [
    ...FEED_FORMATS.map((format) => ({
      text: `${title} (${FEED_FORMAT_NAMES[format]})`,
      xmlUrl: context.feeds[format],
      htmlUrl: config.siteUrl,
      language: config.language,
    })),
    ...(context.podcast ? [{ text: `${context.podcast.title} (Podcast)`, xmlUrl: context.podcast.url, htmlUrl: config.siteUrl, language: config.language }] : []),
  ])
  const xsl = renderFeedXsl({ siteCss: siteUrlFor(config.siteUrl, STYLESHEET_PATH), siteName: config.siteName })
  return new Map(
    await Promise.all([
      staticResource(STYLESHEET_PATH, SITE_CSS, 'text/css; charset=utf-8', now),
      staticResource(FEED_CSS_PATH, FEED_CSS, 'text/css; charset=utf-8', now),
      staticResource(FEED_XSL_PATH, xsl, 'text/xsl; charset=utf-8', now),
      staticResource(OPML_PATH, opml, 'text/x-opml; charset=utf-8', now),
    ]),
  )
}

async function staticResource(path: string, text: string, contentType: string, now: Date): Promise<readonly [string, Resource]> {
  return [path, await createResource(text, { contentType, now, cache: 'asset', brotliQuality: 11 })] as const
}
