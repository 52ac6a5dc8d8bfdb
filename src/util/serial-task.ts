/**
 * An async task whose runs never overlap. A call while it runs asks for one
 * more run after it (however many calls come) and gets the promise of the
 * whole chain, which resolves with the last run's result, or rejects with its
 * error. A run that fails while calls wait is followed by their run all the
 * same, and its error is superseded by that run's outcome.
 */
export class SerialTask<T> {
  readonly #task: () => Promise<T>
  #running: Promise<T> | undefined
  #again = false

  constructor(task: () => Promise<T>) {
    this.#task = task
  }

  /** The chain of runs in progress; undefined when idle. */
  get running(): Promise<T> | undefined {
    return this.#running
  }

  run(): Promise<T> {
    if (this.#running) {
      this.#again = true
      return this.#running
    }
    this.#running = (async () => {
      try {
        for (;;) {
          this.#again = false
          try {
            const result = await this.#task()
            if (!this.#again) return result
          } catch (error) {
            // A run that failed still owes the calls made during it their run: only the last run's failure is the chain's.
            if (!this.#again) throw error
          }
        }
      } finally {
        this.#running = undefined
      }
    })()
    return this.#running
  }
}
