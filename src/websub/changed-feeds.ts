import type { Config } from '../config.js'
import { FEED_FORMATS } from '../feeds/feed-model.js'
import type { Site } from '../site/build-site.js'
import { absoluteUrls, feedPaths, podcastPath } from '../site/paths.js'
import { siteUrlFor } from '../text/urls.js'

/**
 * The absolute URLs of the WebSub topics (the three subscription feeds and
 * the podcast) whose bytes differ between two sites (all of them when there
 * was no site before): what to tell the hub. Only these documents advertise
 * the hub (site/build-site.ts, http/app.ts).
 */
export function changedFeedUrls(previous: Site | undefined, current: Site, config: Pick<Config, 'siteUrl' | 'section'>): string[] {
  const paths = feedPaths(config.section.slug)
  const urls = absoluteUrls(config.siteUrl, paths)
  const topics: [path: string, url: string][] = FEED_FORMATS.map((format) => [paths[format], urls[format]])
  const podcast = podcastPath(config.section.slug)
  topics.push([podcast, siteUrlFor(config.siteUrl, podcast)])
  const etag = (site: Site | undefined, path: string) => site?.resources.get(path)?.identity.etag
  return topics.filter(([path]) => current.resources.has(path) && etag(previous, path) !== etag(current, path)).map(([, url]) => url)
}
