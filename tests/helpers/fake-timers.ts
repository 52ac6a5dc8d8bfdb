import type { Timers } from '../../src/store/live-updates.js'

/** Timers (LiveUpdates') that run only when the test advances the clock. */
export function fakeTimers(): Timers & { advance(ms: number): Promise<void>; pending(): number } {
  let now = 0
  let next = 0
  const timers = new Map<number, { at: number; callback: () => void }>()
  return {
    setTimeout: (callback, ms) => {
      const id = ++next
      timers.set(id, { at: now + ms, callback })
      return id
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    pending: () => timers.size,
    async advance(ms) {
      const until = now + ms
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0]
        if (!due) break
        timers.delete(due[0])
        now = due[1].at
        due[1].callback()
        // Let the callback's promises (reads, rebuilds) run before the next timer.
        for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve))
      }
      now = until
    },
  }
}

/** Waits (in real time, at most 5 s) until `check` holds: the callbacks a timer started are asynchronous. */
export async function eventually(check: () => boolean): Promise<void> {
  const started = Date.now()
  while (!check() && Date.now() - started < 5000) await new Promise((resolve) => setTimeout(resolve, 5))
}
