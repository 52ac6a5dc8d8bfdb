import type { Config } from '../config.js'
import type { Article } from '../content/article.js'
import { archivePageCount } from '../feeds/archive.js'
import { summaryOf } from '../feeds/build-feed.js'
import { FEED_FORMATS, type FeedDocument } from '../feeds/feed-model.js'
import { isEpisode, sameArticles } from '../feeds/select.js'
import { siteUrlFor } from '../text/urls.js'
import { renderFeedResource, renderPodcastResource } from './feed-resource.js'
import { FEED_CSS, renderFeedXsl } from './feed-stylesheets.js'
import { renderOpml } from './opml.js'
import { renderIndexPage, SITE_CSS, type PageContext } from './pages.js'
import { RENDER_IN_THREAD_LATER } from './in-thread-later.js'
import type { Renderer } from './render-request.js'
import {
  absoluteUrls,
  FEED_CSS_PATH,
  FEED_XSL_PATH,
  feedPaths,
  NEWS_SITEMAP_PATH,
  OPML_PATH,
  podcastPath,
  ROBOTS_PATH,
  SITEMAP_PATH,
  STYLESHEET_PATH,
} from './paths.js'
import { createResource, type CreateResource, type Resource } from './resource.js'
import { SITEMAP_PART_URLS, renderRobotsTxt } from './sitemaps.js'
import { documentKeys, FEED_KEY, feedKeys, PODCAST_KEY, SITE_KEY } from './cache-keys.js'
import { articleKeyFacts, type ArticleKeyFacts, type ArticleVersion } from './article-key-facts.js'
import { changedKeySteps, keyChangeSteps } from './key-changes.js'
import { keyVersions, keyVersionsInTurns, type KeyVersionInput } from './key-versions.js'
import type { Steps } from '../util/event-loop-turns.js'
import { currentFeedDocument, mediaPrefix, podcastFeedDocument, sectionUpdated, shortenedProblem, type ItemSource } from './feed-documents.js'

export type { ItemSource } from './feed-documents.js'

export type SiteConfig = Pick<
  Config,
  'siteUrl' | 'siteName' | 'language' | 'timeZone' | 'feedLimit' | 'archivePageSize' | 'section' | 'websubHub' | 'settings' | 'feedContent'
>

/** What a plan is made from: the articles, asked what is public at a given instant. */
export interface PublishedArticles {
  /** The section's public articles at `now`, newest first. */
  publishedSection(now: Date): Article[]
  /** Those of them that are podcast episodes (isEpisode); by default a filter of publishedSection. */
  publishedEpisodes?(now: Date): Article[]
  /** How many articles of every category are public at `now`. */
  publishedCount(now: Date): number
  /** The public articles of every category at `now`, each the one its page shows, oldest first. */
  publishedPages(now: Date): Article[]
  /** When the next scheduled article goes live after `now`. */
  nextPublication(now: Date): Date | undefined
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
  /** Every public article with its own page, of every category, oldest first: the sitemaps. */
  readonly pages: readonly Article[]
  /** The version of every cache key (key-versions.ts): a key whose version changes is purged. Worked out on first use. */
  readonly keys: ReadonlyMap<string, string>
  /**
   * Works out `keys` with the event loop turning (keyVersionsInTurns), once however often asked. In one go, the first
   * keys of 50,000 articles took 1.2–2 s, every answer waiting (the first edit's CDN purge), and an edit's 50–100 ms.
   */
  warmKeys(): Promise<void>
  /**
   * The keys whose version changed since `previous` (changedKeys of both plans' `keys`), a step at a time: from what
   * differs between them (keyChanges) when both are planSite's with the same facts, which neither's `keys` needs.
   */
  changedSince(previous: SitePlan): Steps<string[]>
}

/** A complete, immutable state of the site: swapped in whole, never changed. */
export interface Site {
  readonly plan: SitePlan
  /** Documents rendered ahead of requests, by path. */
  readonly resources: ReadonlyMap<string, Resource>
  readonly context: PageContext
  /** What the documents rendered ahead could not carry as they are (shortenedProblem), one line each: for the log and /healthz. */
  readonly problems: readonly string[]
}

/** Resolves once every document of `site` rendered ahead, and its browser page, has its gzip and Brotli; never rejects (Resource.compressed). */
export function siteCompressed(site: Pick<Site, 'resources'>): Promise<unknown> {
  return Promise.all([...site.resources.values()].flatMap((resource) => [resource.compressed, resource.browserPage?.compressed]))
}

/**
 * Decides what is public at `now`, and the version of every cache key;
 * `facts` digests what an article's documents show (by default its fields;
 * the store adds its body, and remembers them).
 */
export function planSite(articles: PublishedArticles, now: Date, config: SiteConfig, facts: ArticleKeyFacts = articleKeyFacts(fieldsVersion)): SitePlan {
  const section = articles.publishedSection(now)
  const window = section.slice(0, config.feedLimit)
  const episodes = config.settings.podcast ? (articles.publishedEpisodes?.(now) ?? section.filter(isEpisode)) : []
  const archivePages = archivePageCount(section.length, config.feedLimit, config.archivePageSize)
  const pages = articles.publishedPages(now)
  const input = {
    section, window, episodes, archivePages, published: pages, now, sitemapUrls: SITEMAP_PART_URLS,
    feedLimit: config.feedLimit,
    archivePageSize: config.archivePageSize,
    deskAuthor: config.section.author,
    sectionUpdated: sectionUpdated(window).toISOString(),
    mediaPrefix: mediaPrefix(config.siteUrl),
  }
  let keys: ReadonlyMap<string, string> | undefined
  let warming: Promise<void> | undefined
  const plan: SitePlan = {
    now,
    published: articles.publishedCount(now),
    section,
    window,
    episodes,
    archivePages,
    nextPublication: articles.nextPublication(now),
    pages,
    // Worked out when first asked (a CDN purge compares them), not on every edit: without a CDN nothing asks.
    get keys() {
      keys ??= keyVersions(input, facts)
      return keys
    },
    warmKeys() {
      warming ??= keys ? Promise.resolve() : keyVersionsInTurns(input, facts).then((worked) => void (keys ??= worked))
      return warming
    },
    changedSince(previous) {
      const was = planned.get(previous)
      return was?.facts === facts ? keyChangeSteps(was.input, input, facts) : changedKeySteps(previous.keys, plan.keys)
    },
  }
  planned.set(plan, { input, facts })
  return plan
}

/** What each plan's key versions are made of: changedSince compares two plans by it. */
const planned = new WeakMap<SitePlan, { readonly input: KeyVersionInput; readonly facts: ArticleKeyFacts }>()

/** An article's fields, as JSON: its version when nothing more is known of it. */
const fieldsVersion: ArticleVersion = (article) => JSON.stringify(article)

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

/** Where readers subscribe to plus, and subscribers get a new feed link: site.yaml `plus.subscribe_url`, else SITE_URL/abo. */
export function subscribeUrlOf(config: Pick<SiteConfig, 'settings' | 'siteUrl'>): string {
  return config.settings.plus?.subscribeUrl ?? siteUrlFor(config.siteUrl, '/abo')
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
    logo: images.icon,
    authors: config.settings.authors,
    subscribeUrl: subscribeUrlOf(config),
  }
}


/**
 * Renders the documents that change with content, ahead of requests: the
 * section's three subscription feeds, the podcast feed (both by `renderer`)
 * and the index page. `source` must have the bodies of `plan.window` and
 * `plan.episodes`. `create` makes the resources: the store's swaps a site
 * in once their identity bytes exist (createIdentityFirst). `note` says what
 * a feed document could not carry (Site.problems): the store's also logs
 * when that changes (store/shortened-feeds.ts).
 */
export async function buildSite(
  plan: SitePlan,
  source: ItemSource,
  config: SiteConfig,
  renderer: Renderer = RENDER_IN_THREAD_LATER,
  create: CreateResource = createResource,
  note: (document: FeedDocument) => string | undefined = shortenedProblem,
): Promise<Site> {
  const context = pageContext(config)
  const document = currentFeedDocument(plan, source, config)
  const podcast = podcastFeedDocument(plan, source, config)
  const paths = feedPaths(config.section.slug)
  const html = 'text/html; charset=utf-8'
  const media = mediaPrefix(config.siteUrl)
  const currentKeys = feedKeys([FEED_KEY], plan.window, media)
  const podcastKeys = feedKeys([PODCAST_KEY], plan.episodes, media)
  const entries = await Promise.all([
    ...FEED_FORMATS.map(async (format) => [paths[format], await renderFeedResource(document, format, 'live', currentKeys, plan.now, renderer, context, create)] as const),
    ...(podcast ? [(async () => [podcastPath(config.section.slug), await renderPodcastResource(podcast, context, podcastKeys, plan.now, renderer, create)] as const)()] : []),
    (async () => {
      const listed = plan.window.map((article) => ({ article, summary: summaryOf(article, source.bodyOf(article)) }))
      const lastModified = plan.window.length > 0 ? document.updated : undefined
      return ['/', await create(renderIndexPage(context, listed), { contentType: html, lastModified, now: plan.now, keys: documentKeys([FEED_KEY], plan.window) })] as const
    })(),
  ])
  const problems = [document, ...(podcast ? [podcast] : [])].flatMap((shown) => note(shown) ?? [])
  return { plan, resources: new Map(entries), context, problems }
}

/**
 * The documents that depend on configuration only: the stylesheets, the
 * OPML list and robots.txt. Rendered once at start (`now`).
 */
export async function buildAssets(config: SiteConfig, now: Date): Promise<Map<string, Resource>> {
  const context = pageContext(config)
  const title = `${config.section.title} – ${config.siteName}`
  // One outline per distinct feed, in the format every reader reads: listing
  // the section as RSS, Atom and JSON Feed made readers subscribe three times
  // (rss2email mailed each article twice and failed on JSON Feed). The pages
  // still link all three formats. The podcast is a feed of its own.
  const opml = renderOpml(title, [
    { text: title, xmlUrl: context.feeds.rss, htmlUrl: config.siteUrl, language: config.language },
    ...(context.podcast ? [{ text: `${context.podcast.title} (Podcast)`, xmlUrl: context.podcast.url, htmlUrl: config.siteUrl, language: config.language }] : []),
  ])
  const xsl = renderFeedXsl({ siteCss: siteUrlFor(config.siteUrl, STYLESHEET_PATH), siteName: config.siteName })
  return new Map(
    await Promise.all([
      staticResource(STYLESHEET_PATH, SITE_CSS, 'text/css; charset=utf-8', now),
      staticResource(FEED_CSS_PATH, FEED_CSS, 'text/css; charset=utf-8', now),
      staticResource(FEED_XSL_PATH, xsl, 'text/xsl; charset=utf-8', now),
      staticResource(OPML_PATH, opml, 'text/x-opml; charset=utf-8', now),
      staticResource(ROBOTS_PATH, renderRobotsTxt([SITEMAP_PATH, NEWS_SITEMAP_PATH].map((path) => siteUrlFor(config.siteUrl, path))), 'text/plain; charset=utf-8', now),
    ]),
  )
}

async function staticResource(path: string, text: string, contentType: string, now: Date): Promise<readonly [string, Resource]> {
  // They change with a deploy only, as the site settings do.
  return [path, await createResource(text, { contentType, now, cache: 'asset', brotliQuality: 11, keys: [SITE_KEY] })] as const
}
