import type { Config } from '../config.js'
import type { ArticleSource } from '../content/article-source.js'
import { createMediaFacts } from '../content/media-info.js'
import type { Site } from '../site/build-site.js'
import type { Renderer } from '../site/render-request.js'
import type { HealthCheck } from '../util/health.js'
import type { Logger } from '../util/logger.js'
import { Revocations } from './revocation.js'
import { SubscriberFeeds } from './subscriber-feeds.js'

/** What main.ts gives the plus room: the store's changes, the raw article files and the renderer. */
export interface StartPlusOptions {
  readonly config: Config
  /** Registers a listener for every new site (ContentStore.onChange). */
  readonly onChange: (listener: (previous: Site | undefined, current: Site) => void) => void
  /** The article files as they are, with full bodies: never the public store's teaser source. */
  readonly source: Pick<ArticleSource, 'readBody'>
  readonly renderer: Renderer
  readonly logger: Logger
}

export interface RunningPlus {
  readonly feeds: SubscriberFeeds
  readonly revocations: Revocations
  readonly health: readonly HealthCheck[]
  close(): void
}

/**
 * Starts the subscriber feeds: the revocation file read (a start refused
 * when it cannot be) and watched, the documents rendered with every new
 * site. Without PLUS_SECRET none, and the log says so once.
 */
export function startPlus({ config, onChange, source, renderer, logger }: StartPlusOptions): RunningPlus | undefined {
  if (!config.plus) {
    logger.info('PLUS_SECRET is not set: plus articles publish as teasers only, and there are no subscriber feeds (docs/plus.md)')
    return undefined
  }
  const revocations = config.plus.revokedFile === undefined ? Revocations.none() : Revocations.start(config.plus.revokedFile, logger)
  const media = createMediaFacts(config.mediaDir, config.siteUrl)
  const feeds = new SubscriberFeeds({ config, source, renderer, media: media.info, logger })
  onChange((_previous, current) => {
    feeds.updateInBackground(current)
  })
  return { feeds, revocations, health: [revocations, feeds], close: () => revocations.close() }
}
