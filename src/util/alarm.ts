/** setTimeout cannot wait longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * One timer that is set again and again: setting it replaces the last one.
 * It never keeps the process alive, and waits in steps of at most 24.8 days
 * (longer delays fire early; the callback then finds nothing due and sets it
 * again).
 */
export class Alarm {
  #timer: NodeJS.Timeout | undefined

  /** Calls `callback` at `at` (as seen from `now`), or at once when that has passed; undefined: never. */
  set(at: Date | undefined, now: Date, callback: () => void): void {
    this.clear()
    if (!at) return
    this.#timer = setTimeout(callback, Math.min(Math.max(at.getTime() - now.getTime(), 0), MAX_TIMER_MS))
    this.#timer.unref()
  }

  clear(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }
}
