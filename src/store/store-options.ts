import type { Config } from '../config.js'
import type { ArticleSource } from '../content/article-source.js'
import type { Site } from '../site/build-site.js'
import type { Renderer } from '../site/render-request.js'
import type { Logger } from '../util/logger.js'
import type { IndexSnapshotOptions } from './index-snapshot.js'

// What a ContentStore is made with, and what it calls back (content-store.ts).

/** Called after every swap of the site, with the site before (undefined at the first load) and the seconds the rebuild took. */
export type ChangeListener = (previous: Site | undefined, current: Site, seconds?: number) => void

export interface ContentStoreOptions {
  readonly config: Config
  /** Article files; by default those under `config.articlesDir`. */
  readonly source?: ArticleSource
  readonly clock?: () => Date
  readonly logger?: Logger
  /** Bytes kept of rendered archive pages, and of views, each (default 48 MiB). */
  readonly cacheBytes?: number
  /** Where bodies and feed documents are rendered: main.ts passes worker threads (render-pool.ts); by default this thread. */
  readonly renderer?: Renderer
  /** Where the index snapshot is kept (index-snapshot.ts): main.ts passes a file under STATE_DIR; by default none. */
  readonly snapshot?: IndexSnapshotOptions
  /** The first load's site is swapped in without its sitemaps, written when asked for (later-sitemaps.ts): main.ts. */
  readonly laterSitemaps?: boolean
  /**
   * Hears the site path of an article whose body, plain text after its render ran out of time, rendered as written
   * in the background, and the rebuild that renders every document holding it again: main.ts purges its key at the
   * CDN once that rebuild is swapped in and compressed (ChangePurges.afterRebuild).
   */
  readonly onBodyRenderedAgain?: (path: string, rebuilt: Promise<Site>) => void
}
