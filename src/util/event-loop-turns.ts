import { setImmediate as nextTurn } from 'node:timers/promises'

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
      return nextTurn().then(() => void (turn = performance.now()))
    },
    turned: () => void (turn = performance.now()),
  }
}
