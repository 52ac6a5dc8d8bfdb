/** Resolves once `promise` settles, or after `ms`, whichever comes first; never rejects. The timer keeps no process alive. */
export function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms)
    timer.unref?.()
  })
  return Promise.race([promise.then(() => {}, () => {}), waited]).finally(() => clearTimeout(timer))
}

/**
 * One wait for `promise` shared by every caller (`of`): ended when it settles
 * or `ms` after its first caller, and none after that (undefined). Each
 * caller of within() adds a reaction to the promise and a timer: for one that
 * never settles (a change whose file read hangs), every request waiting for
 * it added one more, for as long as it hung. The promise is known by a weak
 * reference: one may resolve to a whole site (a rebuild's), which was kept
 * past the next site's swap while it was held here (tests/util/within.test.ts).
 */
export class SharedWait {
  #for: WeakRef<Promise<unknown>> | undefined
  #wait: Promise<void> | undefined
  #until = 0

  constructor(
    private readonly ms: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  of(promise: Promise<unknown> | undefined): Promise<void> | undefined {
    if (promise === undefined) return undefined
    if (promise !== this.#for?.deref()) {
      this.#for = new WeakRef(promise)
      this.#until = this.now() + this.ms
      this.#wait = within(promise, this.ms)
    }
    return this.now() < this.#until ? this.#wait : undefined
  }
}
