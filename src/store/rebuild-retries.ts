import type { HealthCheck } from '../util/health.js'
import type { Logger } from '../util/logger.js'
import { describeFailure, ReloadRetries } from './reload-retries.js'

/**
 * The store's rebuilds that failed in a row, and the next attempt. A change
 * is in the catalog once its files are read, their stamps noted, before the
 * site is rebuilt from it; a rebuild that failed (no render worker could
 * start, a feed too long for a string) left the change in no feed, and
 * nothing brought it there: a rescan or SIGHUP found the files as they were
 * read, its article page answered 200 meanwhile, and /healthz said ok (a
 * hostile review). A failed rebuild is now tried again after 1 s, 2 s, 4 s
 * … at most a minute apart (ReloadRetries' pace), with one log line each,
 * and reported (problems(): /healthz) until one succeeds; the last good
 * feeds are served meanwhile.
 */
export class RebuildRetries implements HealthCheck {
  readonly #logger: Logger
  readonly #retries = new ReloadRetries('', 0, (error, seconds) => `publishing the articles failed: ${describeFailure(error)}; the last good feeds stay published; retrying in ${seconds} s`)
  #timer: NodeJS.Timeout | undefined
  #closed = false

  constructor(logger: Logger) {
    this.#logger = logger
  }

  /** One rebuild (`rebuild`); when it fails, `again` in a while, and the error rethrown for the caller. */
  async attempt<T>(rebuild: () => Promise<T>, again: () => Promise<unknown>): Promise<T> {
    // This attempt is the one the timer would have made.
    clearTimeout(this.#timer)
    try {
      const result = await rebuild()
      const failures = this.#retries.succeeded()
      if (failures > 0) this.#logger.info(`published the articles after ${failures} failed attempt(s); the feeds are current again`)
      return result
    } catch (error) {
      const { waitMs, problem } = this.#retries.failed(error)
      this.#logger.warn(problem)
      if (!this.#closed) this.#timer = setTimeout(() => void again().catch(() => {}), waitMs).unref()
      throw error
    }
  }

  problems(): string[] {
    const problem = this.#retries.problem
    return problem === undefined ? [] : [problem]
  }

  /** No attempt from now on (the store stops). */
  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
  }
}
