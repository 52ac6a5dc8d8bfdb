/** The longest wait between two attempts. */
export const MAX_RETRY_MS = 60_000

/**
 * Attempts that failed in a row, and the wait before the next: `firstMs`,
 * twice that, four times … at most `longestMs` (never below `firstMs`).
 * Shared by the store's retries (reload-retries.ts: 1 s, 2 s … a minute) and
 * the worker pool's starts (worker-pool.ts), so that the one rule does not
 * drift between them.
 */
export class RetryPace {
  readonly #firstMs: number
  readonly #longestMs: number
  #failures = 0

  constructor(firstMs: number, longestMs = MAX_RETRY_MS) {
    this.#firstMs = firstMs
    this.#longestMs = longestMs
  }

  /** Attempts that failed since the last success. */
  get failures(): number {
    return this.#failures
  }

  /** Notes a failed attempt; returns the wait before the next. */
  failed(): number {
    this.#failures += 1
    return Math.max(this.#firstMs, Math.min(this.#longestMs, this.#firstMs * 2 ** (this.#failures - 1)))
  }

  /** Notes a successful attempt; returns how many had failed before it. */
  succeeded(): number {
    const failures = this.#failures
    this.#failures = 0
    return failures
  }
}
