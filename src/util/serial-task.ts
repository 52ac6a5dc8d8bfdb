/**
 * An async task whose runs never overlap. A call while it runs asks for one
 * more run after it (however many calls come) and gets the promise of the
 * whole chain, which resolves with the last run's result.
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
        let result = await this.#task()
        while (this.#again) {
          this.#again = false
          result = await this.#task()
        }
        return result
      } finally {
        this.#running = undefined
      }
    })()
    return this.#running
  }
}
