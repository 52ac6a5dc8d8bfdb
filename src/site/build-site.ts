import type { Config } from '../config.js'
import type { Article } from '../content/article.js'
import { buildFeedDocument, toFeedItem, type RenderedBody } from '../feeds/build-feed.js'
import type { FeedDocument } from '../feeds/feed-model.js'
import { renderAtom } from '../feeds/render-atom.js'
import { renderJsonFeed } from '../feeds/render-json-feed.js'
import { renderRss } from '../feeds/render-rss.js'
import { isPublished, nextPublication, publishedIn } from '../feeds/select.js'
import { renderIndexPage, SITE_CSS, type PageContext } from './pages.js'
import { absoluteUrls, feedPaths, FEED_MEDIA_TYPES, STYLESHEET_PATH } from './paths.js'
import { createResource, type Resource } from './resource.js'

export type SiteConfig = Pick<
  Config,
  'siteUrl' | 'siteName' | 'language' | 'timeZone' | 'feedLimit' | 'section'
>

export const GENERATOR = 'wirtschaft-feeds (https://github.com/jpmonette/feed, repaired)'

/** What is public at one instant, and which bodies rendering it needs. */
export interface SitePlan {
  readonly now: Date
  /** Every public article of every category, by page path. */
  readonly pages: ReadonlyMap<string, Article>
  /** The section's public articles, newest first. */
  readonly section: readonly Article[]
  /** The newest of them: the current feeds and the index page. */
  readonly window: readonly Article[]
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

/** Decides what is public at `now`. Pure. */
export function planSite(articles: Iterable<Article>, now: Date, config: SiteConfig): SitePlan {
  const list = [...articles]
  const pages = new Map<string, Article>()
  for (const article of list) if (isPublished(article, now)) pages.set(article.path, article)
  const section = publishedIn(list, config.section.slug, now)
  return {
    now,
    pages,
    section,
    window: section.slice(0, config.feedLimit),
    nextPublication: nextPublication(list, now),
  }
}

export function pageContext(config: SiteConfig): PageContext {
  return {
    siteName: config.siteName,
    siteUrl: config.siteUrl,
    sectionTitle: config.section.title,
    language: config.language,
    timeZone: config.timeZone,
    feeds: absoluteUrls(config.siteUrl, feedPaths(config.section.slug)),
  }
}

/** Summary shown for an article: the front matter's, else the body's excerpt. */
export function summaryOf(article: Article, body: RenderedBody): string {
  return article.summary ?? body.excerpt
}

/**
 * Renders the documents of a plan: the section's three feeds, the index page
 * and the stylesheet. `bodies` must hold every article of `plan.window`.
 */
export function buildSite(plan: SitePlan, bodies: ReadonlyMap<Article, RenderedBody>, config: SiteConfig): Site {
  const context = pageContext(config)
  const bodyOf = (article: Article): RenderedBody => {
    const body = bodies.get(article)
    if (!body) throw new Error(`no rendered body for ${article.file}`)
    return body
  }
  const document = sectionFeed(plan.window, bodyOf, config, context)
  const paths = feedPaths(config.section.slug)
  const modified = plan.window.length > 0 ? document.updated : undefined
  const resources = new Map<string, Resource>([
    [paths.rss, createResource(renderRss(document), `${FEED_MEDIA_TYPES.rss}; charset=utf-8`, modified)],
    [paths.atom, createResource(renderAtom(document), `${FEED_MEDIA_TYPES.atom}; charset=utf-8`, modified)],
    [paths.json, createResource(renderJsonFeed(document), `${FEED_MEDIA_TYPES.json}; charset=utf-8`, modified)],
    [
      '/',
      createResource(
        renderIndexPage(context, plan.window.map((article) => ({ article, summary: summaryOf(article, bodyOf(article)) }))),
        'text/html; charset=utf-8',
        modified,
      ),
    ],
    [STYLESHEET_PATH, createResource(SITE_CSS, 'text/css; charset=utf-8', undefined)],
  ])
  return { plan, resources, context }
}

function sectionFeed(
  articles: readonly Article[],
  bodyOf: (article: Article) => RenderedBody,
  config: SiteConfig,
  context: PageContext,
): FeedDocument {
  const { section } = config
  return buildFeedDocument(
    {
      title: `${section.title} – ${config.siteName}`,
      description: section.description,
      language: config.language,
      homeUrl: config.siteUrl,
      self: context.feeds,
      author: section.author,
      generator: GENERATOR,
    },
    articles.map((article) => toFeedItem(article, bodyOf(article), section.author)),
  )
}
