import { stat } from 'node:fs'

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

/** The delay a step must stay under, and how many tries it gets, half a second apart (see bestLoopDelay). */
export const LOOP_LIMIT_MS = 100
const TRIES = 5

/**
 * The longest event-loop delay while `step` runs, the best of up to TRIES tries. On a shared 2-core
 * machine other processes alone cause gaps of 40 ms, so a step is measured up to five times, half a
 * second apart, and the best counts: a real stall shows every time. (Three tries in a row once all met
 * a CI machine's busy spell: 142 ms for a step that takes 45-70 ms on a quiet one; and three tries back
 * to back, 100 ms or more for a look at 400,000 entries that gives 20-24 ms on a quiet one.)
 *
 * Each try does the work afresh: `step` gets the try's number, and `again` (not timed) undoes what the
 * last try left ready (a rendered page), so that a real stall cannot pass on a second try that found
 * the work done. `alsoWithin` is what else a try measures (a feed's answer time, kept by `step`): tried
 * again while it says no too. `before` (not timed) is the test's own work before each try: writing a
 * file of 2 MiB took 13-20 ms of the step.
 */
export async function bestLoopDelay(
  step: (attempt: number) => Promise<unknown>,
  again?: () => Promise<unknown>,
  alsoWithin = () => true,
  before?: (attempt: number) => unknown,
): Promise<number> {
  let best = Number.POSITIVE_INFINITY
  for (let attempt = 0; attempt < TRIES && (best >= LOOP_LIMIT_MS || !alsoWithin()); attempt++) {
    if (attempt > 0) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      await again?.()
    }
    before?.(attempt)
    const probe = startLoopProbe()
    await step(attempt)
    // One more turn, so that a block at the very end is counted.
    await new Promise((resolve) => setTimeout(resolve, 5))
    best = Math.min(best, probe.stop())
  }
  return best
}

/** Keeps the thread busy for `ms`: work as long as it takes at scale. */
export function spin(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until);
}

/** What `count` said at each turn of the event loop while `work` ran: what other work saw of its progress. */
export async function seenAtTurns(count: () => number, work: () => Promise<unknown>): Promise<number[]> {
  const seen: number[] = []
  let running = true
  const watch = (): void => {
    seen.push(count())
    if (running) setImmediate(watch)
  }
  setImmediate(watch)
  try {
    await work()
  } finally {
    running = false
  }
  return seen
}

/**
 * How many times a chain of 0 ms timers has run since start: work that records it at each of its slices shows
 * whether timers (and the poll for I/O after them) ran between two slices, whatever the machine's speed.
 */
export function timerTurns(): { count(): number; stop(): void } {
  let count = 0
  let timer = setTimeout(function tick() {
    count++
    timer = setTimeout(tick, 0)
  }, 0)
  return { count: () => count, stop: () => clearTimeout(timer) }
}

/** Resolves in an I/O callback (the poll phase): work that goes on from there and pauses with one setImmediate runs its next slice in the same turn, before any timer. */
export const inPollPhase = (): Promise<void> => new Promise((resolve) => stat('.', () => resolve()))

/**
 * The timer turns (timerTurns) each call of `task` saw, in order, while `work` ran: `task` keeps the thread busy 25 ms
 * (longer than any slice's budget, so each call is a slice of its own) and records the count.
 */
export async function slicesSeeingTimers(work: (task: () => Promise<number>) => Promise<unknown>): Promise<number[]> {
  const timers = timerTurns()
  const seen: number[] = []
  try {
    await work(async () => (spin(25), seen.push(timers.count())))
  } finally {
    timers.stop()
  }
  return seen
}

/** Whether every slice saw more timer turns than the one before: timers (and the poll after them) ran between any two. */
export const growing = (seen: readonly number[]): boolean => seen.every((count, n) => n === 0 || count > (seen[n - 1] as number))
