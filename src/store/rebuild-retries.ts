import type { HealthCheck } from '../util/health.js'
import type { Logger } from '../util/logger.js'
import { describeFailure, ReloadRetries } from './reload-retries.js'

/**
 * The store's rebuilds that failed in a row, and the next attempt: a rebuild
 * that failed (no render worker could start, a feed too long for a string)
 * left what it was to publish unpublished, and /healthz said ok. A failed
 * rebuild is tried again after 1 s, 2 s, 4 s … at most a minute apart
 * (ReloadRetries' pace), with one log line each, and reported (problems():
 * /healthz) until one succeeds; the last good feeds are served meanwhile.
 * The rebuilds retried here are those of no change to ARTICLES_DIR (the
 * first load, an article going live, a media file); a change whose rebuild
 * fails is put back and tried again by change-queue.ts (a hostile review:
 * its stamps were noted, so no rescan or SIGHUP found it again), a reload's
 * by live updates (content-store.ts puts the catalog back).
 */
export class RebuildRetries implements HealthCheck {
  readonly #logger: Logger
  readonly #retries = new ReloadRetries((error, seconds) => `publishing the articles failed: ${describeFailure(error)}; the last good feeds stay published; retrying in ${seconds} s`)
  #timer: NodeJS.Timeout | undefined
  #closed = false

  constructor(logger: Logger) {
    this.#logger = logger
  }

  /**
   * One rebuild (`rebuild`); when it fails, `again` in a while, and the error rethrown for the caller. Not when the
   * caller retries it itself (`callerRetries`: a change's, or a reload's), and says so. One that a stop overtook
   * (`overtaken`: its state not swapped in) published nothing: the failures stand, and no line says otherwise.
   */
  async attempt<T>(rebuild: () => Promise<T>, again: () => Promise<unknown>, callerRetries: () => boolean = () => false, overtaken: () => boolean = () => false): Promise<T> {
    // This attempt is the one the timer would have made.
    clearTimeout(this.#timer)
    try {
      const result = await rebuild()
      if (overtaken()) return result
      const failures = this.#retries.succeeded()
      if (failures > 0) this.#logger.info(`published the articles after ${failures} failed attempt(s); the feeds are current again`)
      return result
    } catch (error) {
      if (callerRetries()) throw error
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
