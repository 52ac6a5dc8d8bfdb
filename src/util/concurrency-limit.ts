/**
 * Runs at most `max` tasks at once; the others wait, in the order they came.
 * A burst of expensive work then takes its turns instead of all running at
 * once, holding memory and the event loop together.
 */
export class ConcurrencyLimit {
  readonly #max: number
  #running = 0
  readonly #waiting: (() => void)[] = []

  constructor(max: number) {
    this.#max = max
  }

  /** Tasks running and waiting. */
  get pending(): number {
    return this.#running + this.#waiting.length
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running < this.#max) this.#running += 1
    // A task that ends hands its place to the first one waiting.
    else await new Promise<void>((resolve) => this.#waiting.push(resolve))
    try {
      return await task()
    } finally {
      const next = this.#waiting.shift()
      if (next) next()
      else this.#running -= 1
    }
  }
}
