import type { FeedDocument } from '../feeds/feed-model.js'
import { shortenedProblem } from '../site/feed-documents.js'
import { LruCache } from '../util/lru-cache.js'
import type { Logger } from '../util/logger.js'

/**
 * Shortened documents remembered at most. Archive pages number thousands and
 * filter URLs are the client's to choose: only shortened documents are kept,
 * and these 1,000 names (some 100 KB) bound even a burst of distinct views.
 */
const SHORTENED_KEPT = 1000

/**
 * Which feed documents carry some items' summary only, their budget of HTML
 * spent (shortenedProblem), by name (the RSS URL): a document is rendered
 * again at every edit, a filtered view or archive page at every request after
 * one, and the log is not to repeat itself meanwhile.
 *
 * - A warning when a document starts to be shortened, and again only when the
 *   line would read differently (the count of items shortened, or of items).
 * - One info line when a document remembered carries every item's text again.
 * - Forgotten beyond SHORTENED_KEPT, the least recently rendered first: one
 *   forgotten warns again on its next render, and says nothing when it clears.
 */
export class ShortenedFeeds {
  readonly #logger: Pick<Logger, 'info' | 'warn'>
  readonly #warned: LruCache<string, string>

  constructor(logger: Pick<Logger, 'info' | 'warn'>, kept = SHORTENED_KEPT) {
    this.#logger = logger
    this.#warned = new LruCache(kept)
  }

  /**
   * Notes what `document`, named `name` (by default its RSS URL; never a URL
   * that holds a subscriber's token), carries as rendered now; logs what
   * changed. Returns its problem, for /healthz; undefined when every item is whole.
   */
  note(document: FeedDocument, name = document.links.self.rss): string | undefined {
    const problem = shortenedProblem(document, name)
    const warned = this.#warned.get(name)
    if (problem === undefined) {
      if (warned === undefined) return undefined
      this.#warned.delete(name)
      this.#logger.info(`${name} (and its other formats) carries every item's text again`)
      return undefined
    }
    if (problem !== warned) {
      this.#warned.set(name, problem)
      this.#logger.warn(`warning ${problem}`)
    }
    return problem
  }
}
