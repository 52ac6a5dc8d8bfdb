import type { Config } from '../config.js'
import type { Site } from '../site/build-site.js'
import { websubTopics } from '../site/paths.js'

/**
 * The absolute URLs of the WebSub topics (the three subscription feeds and
 * the podcast) whose bytes differ between two sites (all of them when there
 * was no site before): what to tell the hub. Only these documents advertise
 * the hub (websubTopics in site/paths.ts).
 */
export function changedFeedUrls(previous: Site | undefined, current: Site, config: Pick<Config, 'siteUrl' | 'section'>): string[] {
  const topics = [...websubTopics(config.siteUrl, config.section.slug)]
  const etag = (site: Site | undefined, path: string) => site?.resources.get(path)?.identity.etag
  return topics.filter(([path]) => current.resources.has(path) && etag(previous, path) !== etag(current, path)).map(([, url]) => url)
}
