import { MAX_RETRY_MS, RetryPace } from '../util/retry-pace.js'
import { ROOT_CHECK_MS } from './folder-watch.js'

/** The problem to report after a failed attempt, given the error and the seconds until the next. */
export type DescribeRetry = (error: unknown, waitSeconds: number) => string

/** How a failed reload of `folder` is said: `reload of /srv/artikel failed: …; retrying in 4 s`. */
export const reloadFailed =
  (folder: string): DescribeRetry =>
  (error, seconds) =>
    `reload of ${folder} failed: ${describeFailure(error)}; retrying in ${seconds} s`

/**
 * Reloads of ARTICLES_DIR that failed in a row (the folder swapped in cannot
 * be read yet): the wait before the next attempt, 1 s, 2 s, 4 s … at most
 * RESCAN_INTERVAL (a minute without rescans, and never more), so a fixed
 * folder is published within RESCAN_INTERVAL; and the problem to report
 * until an attempt succeeds. The same rule paces other attempts on the
 * folder (placing its watch again, live-health.ts), each with its own words.
 */
export class ReloadRetries {
  readonly #describe: DescribeRetry
  readonly #pace: RetryPace
  /** The last failure, and when the next attempt is due (Date.now()): the problem counts down to it. */
  #last: { error: unknown; dueAt: number } | undefined

  /** `describe` words the problem (reloadFailed: a reload's); `rescanIntervalMs` (0: none) shortens the longest wait. */
  constructor(describe: DescribeRetry, rescanIntervalMs = 0) {
    this.#describe = describe
    // The longest wait is a minute, or RESCAN_INTERVAL when that is shorter.
    this.#pace = new RetryPace(ROOT_CHECK_MS, rescanIntervalMs > 0 ? Math.min(rescanIntervalMs, MAX_RETRY_MS) : MAX_RETRY_MS)
  }

  /** Whether the last reload failed: the next look at the folder reloads again. */
  get pending(): boolean {
    return this.#pace.failures > 0
  }

  /**
   * `reload of … failed: …; retrying in 4 s`, or undefined when the last reload succeeded. The seconds are those left
   * now (at least 1: the attempt may be under way), not those at the failure: /healthz said `in 60 s` for a minute.
   */
  get problem(): string | undefined {
    if (this.#last === undefined) return undefined
    return this.#describe(this.#last.error, Math.max(1, Math.ceil((this.#last.dueAt - Date.now()) / 1000)))
  }

  /** Notes a failed attempt: the wait before the next one, and the problem (a line to log). */
  failed(error: unknown): { waitMs: number; problem: string } {
    const waitMs = this.#pace.failed()
    this.#last = { error, dueAt: Date.now() + waitMs }
    return { waitMs, problem: this.#describe(error, waitMs / 1000) }
  }

  /** Notes a failure while the next attempt is already due (another change's, failing meanwhile): its error, not a longer wait. */
  failedMeanwhile(error: unknown): string {
    const dueAt = this.#last?.dueAt ?? Date.now()
    this.#last = { error, dueAt }
    return this.problem as string
  }

  /** Notes a successful attempt; returns how many had failed before it. */
  succeeded(): number {
    this.#last = undefined
    return this.#pace.succeeded()
  }
}

/** What made a reload (or a rescan) fail, in a line: the folder and the error code for a file-system error. */
export function describeFailure(error: unknown): string {
  const { code, path } = error as NodeJS.ErrnoException
  if (typeof code === 'string' && typeof path === 'string') return `${path} cannot be read (${code})`
  return error instanceof Error ? error.message : String(error)
}
