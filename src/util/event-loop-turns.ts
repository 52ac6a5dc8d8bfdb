import { setImmediate } from 'node:timers/promises'

/**
 * Resolves once the event loop has gone all the way round: its timers, its
 * I/O (requests) and its immediates. One setImmediate is not that when it is
 * asked for in the poll phase (work resumed by an I/O callback: a file read,
 * a worker's message): it runs in that same turn's check phase, before any
 * timer and the next poll, so a loop that paused so ran two slices back to
 * back (a bulk import's 20 ms slices held requests 40-60 ms). The second
 * comes in the next turn's check phase, after its timers and its poll.
 */
export const fullTurn = (): Promise<void> => setImmediate().then(() => setImmediate())

/**
 * The chances a long loop of synchronous work gives the event loop to turn
 * (requests, timers, a signal): `due()` is a promise to await once `turnMs`
 * have passed since the last turn, else undefined, so the loop awaits nothing
 * most of the time (an await per item cost more than the item, at 50,000);
 * it looks at the clock every `look` calls. `turned()`: the loop let it turn
 * otherwise (an await on I/O), the time counts from now.
 */
export function eventLoopTurns(turnMs: number, look = 1): { due(): Promise<void> | undefined; turned(): void } {
  let calls = 0
  let turn = performance.now()
  return {
    due: () => {
      if (++calls % look !== 0 || performance.now() - turn <= turnMs) return undefined
      return fullTurn().then(() => void (turn = performance.now()))
    },
    turned: () => void (turn = performance.now()),
  }
}

/**
 * Work written as a generator's steps (each `yield` a place where the event
 * loop may turn), for code that needs it both ways: in one go (a stop), or
 * with the event loop turning (stepsInTurns).
 */
export type Steps<T> = Generator<void, T, undefined>

/** Runs every step of `steps` in one go; what they return. */
export function allSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
  }
}

/** Runs `steps`, letting the event loop turn once `turnMs` have passed since the last turn (eventLoopTurns). */
export async function stepsInTurns<T>(steps: Steps<T>, turnMs: number): Promise<T> {
  const turns = eventLoopTurns(turnMs)
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
    await turns.due()
  }
}
