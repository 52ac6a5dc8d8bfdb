import path from 'node:path'
import type { HealthCheck } from '../util/health.js'
import type { Logger } from '../util/logger.js'
import { ROOT_CHECK_MS } from './folder-watch.js'
import { describeFailure, ReloadRetries, reloadFailed } from './reload-retries.js'

export interface LiveHealthOptions {
  readonly folder: string
  readonly rescanIntervalMs: number
  readonly logger: Logger
}

/**
 * Whether live updates follow ARTICLES_DIR as they should, and why not: the
 * folder is missing; a reload after a swap failed and is retried; the last
 * rescan failed; the watch failed and is placed again after 1 s, 2 s, 4 s …
 * (ReloadRetries' pace); the folder holds no article file at all, or none
 * of its files is published (all refused). The last two are not held back:
 * the folder is what editors publish, so the empty feeds go out, but an
 * instance that publishes nothing is not reported as ok (a mount that did not
 * come up leaves an empty folder in its place).
 */
export class LiveHealth implements HealthCheck {
  readonly #options: LiveHealthOptions
  readonly #missing: string
  readonly #empty: string
  /** Reloads that failed in a row, and the wait before the next. */
  readonly reloads: ReloadRetries
  readonly #watch: ReloadRetries
  #rootGone = false
  #rescanProblem: string | undefined
  /** Why nothing is published, while nothing is. */
  #nothing: string | undefined
  /** Root checks until the watch is placed again. */
  #watchTicks = 0
  #watchFailedSincePlacing = false

  constructor(options: LiveHealthOptions) {
    const { folder, rescanIntervalMs } = options
    this.#options = options
    this.#missing = `${folder} is missing; the last good content stays published until it is back`
    this.#empty = `${folder} holds no article files; the feeds are empty until there are`
    this.reloads = new ReloadRetries(reloadFailed(folder), rescanIntervalMs)
    const meanwhile = rescanIntervalMs > 0 ? `changes are found by the rescan every ${rescanIntervalMs / 1000} s` : 'changes are not seen'
    this.#watch = new ReloadRetries(
      (error, seconds) => `the watch on ${folder} failed (${error instanceof Error ? error.message : String(error)}); ${meanwhile} until it is placed again, in ${seconds} s`,
      rescanIntervalMs,
    )
  }

  /**
   * `unreadable`: the folders under ARTICLES_DIR that cannot be read, with the error's code. Each hides any number of
   * articles, none counted as refused: after a restart they are simply not published (the log said it once).
   * Not lost+found, which every ext4 volume has at its root, owned by root (mode 700): a volume mounted as ARTICLES_DIR.
   */
  problems(unreadable: readonly (readonly [folder: string, code: string])[] = []): string[] {
    if (this.#rootGone) return [this.#missing]
    const folders = unreadable
      .filter(([folder]) => folder !== 'lost+found')
      .map(([folder, code]) => `${path.join(this.#options.folder, folder)} cannot be read (${code}): no article in it is read; those published from it before stay as they were`)
    return [this.reloads.problem, this.#watch.problem, this.#rescanProblem, ...folders, this.#nothing].filter((p) => p !== undefined)
  }

  get rootGone(): boolean {
    return this.#rootGone
  }

  /** ARTICLES_DIR is gone (said once) or there again. */
  setRootGone(gone: boolean): void {
    if (gone && !this.#rootGone) this.#options.logger.warn(this.#missing)
    this.#rootGone = gone
  }

  rescanDone(error?: unknown): void {
    const next = this.#options.rescanIntervalMs / 1000
    this.#rescanProblem = error === undefined ? undefined : `the last rescan of ${this.#options.folder} failed: ${describeFailure(error)}; the next one is in ${next} s`
  }

  /**
   * After every new site: how many article files the folder holds (published
   * or refused), how many articles are published, how many files are refused.
   */
  articlesKnown(files: number, published: number, refused: number): void {
    const nothing =
      published > 0
        ? undefined
        : files === 0
          ? this.#empty
          : `${this.#options.folder} publishes no article (${refused} of ${files} article file(s) refused); the feeds are empty until one is published`
    if (nothing !== undefined && nothing !== this.#nothing) this.#options.logger.warn(nothing)
    this.#nothing = nothing
  }

  /** A watch is about to be placed. */
  watchPlacing(): void {
    this.#watchFailedSincePlacing = false
  }

  /** The watch reported an error: changes may go unseen until it is placed again. */
  watchFailed(error: unknown): void {
    // One failure per attempt: a walk that fails on several folders does not lengthen the wait several times.
    if (this.#watchFailedSincePlacing) return
    this.#watchFailedSincePlacing = true
    this.#watchTicks = this.#watch.failed(error).waitMs / ROOT_CHECK_MS
  }

  /** The watch is in place: ok again, unless it failed while it was placed. */
  watchPlaced(): void {
    if (this.#watchFailedSincePlacing) return
    if (this.#watch.succeeded() > 0) this.#options.logger.info(`the watch on ${this.#options.folder} is placed again; changes are applied as they happen`)
  }

  /** Called once per root check: whether the failed watch is to be placed again now. */
  watchDue(): boolean {
    if (!this.#watch.pending) return false
    this.#watchTicks -= 1
    return this.#watchTicks <= 0
  }
}
