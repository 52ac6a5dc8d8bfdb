/**
 * How long the event loop could not run a callback: the longest gap between
 * turns of a chain of 1 ms timers, from start() to stop(). (A blocked loop
 * runs the next timer late by as long as it was blocked.)
 */
export function startLoopProbe(): { stop(): number } {
  let last = performance.now()
  let longest = 0
  let timer: NodeJS.Timeout
  const tick = (): void => {
    const now = performance.now()
    longest = Math.max(longest, now - last)
    last = now
    timer = setTimeout(tick, 1)
  }
  timer = setTimeout(tick, 1)
  return {
    stop: () => {
      clearTimeout(timer)
      return Math.max(longest, performance.now() - last)
    },
  }
}
