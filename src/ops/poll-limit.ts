import { createHash } from 'node:crypto'

export interface PollLimiterOptions {
  /** Milliseconds an unconditional fetch of the same feed by the same client must wait after the last. */
  readonly intervalMs: number
  /** Clients remembered at most; the least recently seen are forgotten first (memory stays bounded). */
  readonly maxClients?: number
  readonly now: () => number
}

/**
 * POLL_MIN_INTERVAL: a client (by its hashed address and User-Agent) that
 * would get the full body of the same feed or view again sooner than the
 * interval after the last one it got gets 429 (RFC 6585 §4) with the seconds
 * left in Retry-After (RFC 9110 §10.2.3). Only full bodies come here (a 304
 * and HEAD never do, nor documented clients: observe.ts and Operations
 * decide); a refused fetch does not restart the wait.
 */
export class PollLimiter {
  readonly #intervalMs: number
  readonly #maxClients: number
  readonly #now: () => number
  /** Last full body per feed and client; a Map iterates oldest first. */
  readonly #last = new Map<string, number>()

  constructor(options: PollLimiterOptions) {
    this.#intervalMs = options.intervalMs
    this.#maxClients = options.maxClients ?? 100_000
    this.#now = options.now
  }

  /** Seconds the client must still wait (a whole number, at least 1), or undefined when the fetch may go ahead (and is recorded). */
  check(feed: string, client: string): number | undefined {
    const key = keyOf(feed, client)
    const now = this.#now()
    const last = this.#last.get(key)
    if (last !== undefined && now - last < this.#intervalMs) return Math.max(1, Math.ceil((last + this.#intervalMs - now) / 1000))
    this.#last.delete(key)
    this.#last.set(key, now)
    if (this.#last.size > this.#maxClients) this.#last.delete(this.#last.keys().next().value as string)
    return undefined
  }

  /**
   * Forgets the full body check() last recorded for the client: it did not go out (the server failed it). Any
   * earlier one was at least the interval before, so it would limit nothing either.
   */
  release(feed: string, client: string): void {
    this.#last.delete(keyOf(feed, client))
  }

  /** Clients remembered (tests, /metrics). */
  get size(): number {
    return this.#last.size
  }
}

/** Keys up to this long are kept as they are (the feeds and short views: no hash per poll). */
const PLAIN_KEY = 256

/**
 * A feed's or view's URL and a client, as one key of bounded size: a view's canonical URL is the client's to make
 * (50 tags of 200 characters), and 100,000 clients each asking for a view of its own held ~12 KB each (1.2 GB).
 * A digest has no line feed, so it is never a plain key.
 */
function keyOf(feed: string, client: string): string {
  const key = `${feed}\n${client}`
  return key.length <= PLAIN_KEY ? key : createHash('sha256').update(key).digest('base64url')
}
