/**
 * Runs that have the floor alone beside other work (ChangeQueue: a load of
 * every file beside the change batches). A run waits for the runs before it
 * and for the work under way (`busy`); the work asks `waiting` and holds off
 * until the run is over.
 */
export class RunsAlone {
  #under: Promise<void> | undefined

  /** Undefined when no run is under way or waiting; else resolves once it is over (as soon as its `failed` has run). */
  get waiting(): Promise<void> | undefined {
    return this.#under
  }

  /** Undefined when no run is under way or waiting; else resolves once none is. */
  over(): Promise<void> | undefined {
    return this.#under && (async () => { while (this.#under) await this.#under })()
  }

  /** Runs `task` once the runs before it are over and `busy()` is undefined; when it throws, `failed` runs before anything waiting goes on. */
  async run<T>(task: () => Promise<T>, busy: () => Promise<unknown> | undefined, failed: () => void): Promise<T> {
    let done = () => {}
    const under = new Promise<void>((resolve) => (done = resolve))
    const previous = this.#under
    this.#under = under
    try {
      await previous
      for (let running = busy(); running; running = busy()) await running.catch(() => {})
      return await task()
    } catch (error) {
      failed()
      throw error
    } finally {
      if (this.#under === under) this.#under = undefined
      done()
    }
  }
}
