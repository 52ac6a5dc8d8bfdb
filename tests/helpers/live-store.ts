import type { Config } from '../../src/config.js'
import { fileSource, type ArticleSource } from '../../src/content/article-source.js'
import type { Logger } from '../../src/util/logger.js'
import { ContentStore } from '../../src/store/content-store.js'
import { LiveUpdates } from '../../src/store/live-updates.js'

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
