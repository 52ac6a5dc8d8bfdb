/** The longest wait between two attempts. */
export const MAX_RETRY_MS = 60_000

/**
 * Attempts that failed in a row, and the wait before the next: `firstMs`,
 * twice that, four times … at most `longestMs` (never below `firstMs`).
 * Shared by the store's retries (reload-retries.ts: 1 s, 2 s … a minute) and
 * the worker pool's starts (worker-pool.ts), so that the one rule does not
 * drift between them.
 *
 * With `settleMs`, a success counts in full only once it has lasted that
 * long: a failure sooner takes up the pace where the success left it, so a
 * flapping thing (a worker pool whose starts fail every other time) is not
 * tried, and recovered from, at the first wait again and again.
 */
export class RetryPace {
  readonly #firstMs: number
  readonly #longestMs: number
  readonly #settleMs: number
  readonly #now: () => number
  #failures = 0
  /** The failures before the last success, and when it was (`now`): taken up again by a failure within settleMs. */
  #beforeSuccess = 0
  #succeededAt = 0

  /** `now`: milliseconds of a monotonic clock, for `settleMs`. */
  constructor(firstMs: number, longestMs = MAX_RETRY_MS, settleMs = 0, now: () => number = () => performance.now()) {
    this.#firstMs = firstMs
    this.#longestMs = longestMs
    this.#settleMs = settleMs
    this.#now = now
  }

  /** Attempts that failed since the last success. */
  get failures(): number {
    return this.#failures
  }

  /** Notes a failed attempt; returns the wait before the next. */
  failed(): number {
    if (this.#failures === 0 && this.#now() - this.#succeededAt < this.#settleMs) this.#failures = this.#beforeSuccess
    this.#failures += 1
    return Math.max(this.#firstMs, Math.min(this.#longestMs, this.#firstMs * 2 ** (this.#failures - 1)))
  }

  /** Notes a successful attempt; returns how many had failed before it. */
  succeeded(): number {
    const failures = this.#failures
    if (failures > 0) [this.#beforeSuccess, this.#succeededAt] = [failures, this.#now()]
    this.#failures = 0
    return failures
  }
}
