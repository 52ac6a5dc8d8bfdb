import type { Config } from '../config.js'
import { FEED_FORMATS } from '../feeds/feed-model.js'
import type { Site } from '../site/build-site.js'
import { absoluteUrls, feedPaths } from '../site/paths.js'

/**
 * The absolute URLs of the subscription feeds whose bytes differ between two
 * sites (all of them when there was no site before): the topics to publish.
 */
export function changedFeedUrls(previous: Site | undefined, current: Site, config: Pick<Config, 'siteUrl' | 'section'>): string[] {
  const paths = feedPaths(config.section.slug)
  const urls = absoluteUrls(config.siteUrl, paths)
  return FEED_FORMATS.filter(
    (format) => previous?.resources.get(paths[format])?.identity.etag !== current.resources.get(paths[format])?.identity.etag,
  ).map((format) => urls[format])
}
