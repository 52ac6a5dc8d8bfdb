/** Resolves once `promise` settles, or after `ms`, whichever comes first; never rejects. The timer keeps no process alive. */
export function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms)
    timer.unref?.()
  })
  return Promise.race([promise.then(() => {}, () => {}), waited]).finally(() => clearTimeout(timer))
}
