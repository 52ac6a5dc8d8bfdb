import type { FeedFormat, FormatUrls } from '../feeds/feed-model.js'
import { siteUrlFor } from '../text/urls.js'

/**
 * The site's URL scheme. Feed paths are part of the contract: once
 * published they stay.
 */
export const FEED_FILES: Readonly<Record<FeedFormat, string>> = {
  rss: 'feed.xml',
  atom: 'atom.xml',
  json: 'feed.json',
}

export const FEED_MEDIA_TYPES: Readonly<Record<FeedFormat, string>> = {
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  json: 'application/feed+json',
}

/** `/wirtschaft/feed.xml` and its siblings. */
export function feedPaths(section: string): FormatUrls {
  return {
    rss: `/${section}/${FEED_FILES.rss}`,
    atom: `/${section}/${FEED_FILES.atom}`,
    json: `/${section}/${FEED_FILES.json}`,
  }
}

/** The same paths as absolute URLs under SITE_URL. */
export function absoluteUrls(siteUrl: string, paths: FormatUrls): FormatUrls {
  return {
    rss: siteUrlFor(siteUrl, paths.rss),
    atom: siteUrlFor(siteUrl, paths.atom),
    json: siteUrlFor(siteUrl, paths.json),
  }
}

export const STYLESHEET_PATH = '/assets/site.css'
