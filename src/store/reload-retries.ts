import { ROOT_CHECK_MS } from './folder-watch.js'

/** The longest wait between two attempts (shorter when RESCAN_INTERVAL is). */
const MAX_RETRY_MS = 60_000

/** The problem to report after a failed attempt, given the error and the seconds until the next. */
export type DescribeRetry = (error: unknown, waitSeconds: number) => string

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
  readonly #longestMs: number
  #failures = 0
  /** The last failure, and when the next attempt is due (Date.now()): the problem counts down to it. */
  #last: { error: unknown; dueAt: number } | undefined

  constructor(folder: string, rescanIntervalMs: number, describe?: DescribeRetry) {
    this.#describe = describe ?? ((error, seconds) => `reload of ${folder} failed: ${describeFailure(error)}; retrying in ${seconds} s`)
    this.#longestMs = rescanIntervalMs > 0 ? Math.min(rescanIntervalMs, MAX_RETRY_MS) : MAX_RETRY_MS
  }

  /** Whether the last reload failed: the next look at the folder reloads again. */
  get pending(): boolean {
    return this.#failures > 0
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
    this.#failures += 1
    const waitMs = Math.max(ROOT_CHECK_MS, Math.min(this.#longestMs, ROOT_CHECK_MS * 2 ** (this.#failures - 1)))
    this.#last = { error, dueAt: Date.now() + waitMs }
    return { waitMs, problem: this.#describe(error, waitMs / 1000) }
  }

  /** Notes a successful attempt; returns how many had failed before it. */
  succeeded(): number {
    const failures = this.#failures
    this.#failures = 0
    this.#last = undefined
    return failures
  }
}

/** What made a reload (or a rescan) fail, in a line: the folder and the error code for a file-system error. */
export function describeFailure(error: unknown): string {
  const { code, path } = error as NodeJS.ErrnoException
  if (typeof code === 'string' && typeof path === 'string') return `${path} cannot be read (${code})`
  return error instanceof Error ? error.message : String(error)
}
