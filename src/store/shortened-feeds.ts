import { createHash } from 'node:crypto'
import type { FeedDocument } from '../feeds/feed-model.js'
import { shortenedProblem } from '../site/feed-documents.js'
import { LruCache } from '../util/lru-cache.js'
import type { Logger } from '../util/logger.js'

/**
 * Shortened documents remembered at most. Archive pages number thousands and
 * filter URLs are the client's to choose: only shortened documents are kept,
 * and these 1,000 names of at most NAME_CHARS bound even a burst of distinct views.
 */
const SHORTENED_KEPT = 1000
/**
 * The longest name kept and logged, cut beyond: a view's query is the client's, up to the 16 KB of a request's head
 * (a review: 16 MB held). A cut name ends in the first 8 hex digits of the whole one's SHA-256, so two views that
 * start alike are two streaks, and two lines that tell them apart.
 */
const NAME_CHARS = 200

const shownName = (name: string): string =>
  name.length > NAME_CHARS ? `${name.slice(0, NAME_CHARS)}…[${createHash('sha256').update(name).digest('hex').slice(0, 8)}]` : name

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
  /** By name: the counts last warned of (shortened and items), which a new warning must differ in. */
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
    const shown = shownName(name)
    const problem = shortenedProblem(document, shown)
    const warned = this.#warned.get(shown)
    if (problem === undefined) {
      if (warned === undefined) return undefined
      this.#warned.delete(shown)
      this.#logger.info(`${shown} (and its other formats) carries every item's text again`)
      return undefined
    }
    const counts = `${document.shortened} ${document.items.length}`
    if (counts !== warned) {
      this.#warned.set(shown, counts)
      this.#logger.warn(`warning ${problem}`)
    }
    return problem
  }
}
