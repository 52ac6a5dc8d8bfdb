import type { Config } from '../../src/config.js'
import { fileSource, type ArticleSource } from '../../src/content/article-source.js'
import type { Logger } from '../../src/util/logger.js'
import { ContentStore } from '../../src/store/content-store.js'
import { FIRST_RESCAN_MS, LiveUpdates } from '../../src/store/live-updates.js'

/**
 * Waits until the first rescan after the start (FIRST_RESCAN_MS) is past, with a margin: what a test changes after it
 * reaches the store through the watch alone, which the rescan would otherwise make up for.
 */
export const pastFirstRescan = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, FIRST_RESCAN_MS + 500))

/** A store over `source` (by default the files under ARTICLES_DIR), loaded and followed by live updates, as main.ts starts them. */
export async function startLiveStore(
  config: Config,
  logger: Logger,
  source: ArticleSource = fileSource(config.articlesDir, config),
): Promise<{ store: ContentStore; live: LiveUpdates; close(): void }> {
  const store = new ContentStore({ config, source, logger })
  const live = new LiveUpdates({ store, source, config, logger })
  await live.start()
  return {
    store,
    live,
    close: () => {
      live.close()
      store.close()
    },
  }
}
