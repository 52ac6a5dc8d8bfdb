import { fullTurn } from './event-loop-turns.js'

/** Tasks in flight in mapLimit, unless its caller says. */
const DEFAULT_LIMIT = 64

/** Milliseconds mapLimit runs tasks before it lets the event loop turn (signals, timers, sockets). */
const TURN_MS = 20

// One budget for every mapLimit running at once: each with its own let each run TURN_MS in the same turn (a
// watcher's flush beside a change's reads, with 10,000 files copied in). And one pause that every worker waits on:
// each waiting on its own let each run TURN_MS in the same turn, and 64 workers held requests for 1.3-1.5 s (a
// chmod -R over 5,000 articles in 1,000 folders re-read them all).
let running = 0
let turn = 0
let pause: Promise<void> | undefined
// Whether the event loop turned since the last mapLimit ended: one called in that same turn (a folder's listing, then
// the reads of what it holds) goes on with the budget left, not a new one. Turned: a full turn went by (fullTurn says
// why one setImmediate is not that); an earlier end's turn says nothing of a later end's (`ends`).
let turnedSinceEnd = true
let ends = 0
const ended = (): void => {
  const end = ++ends
  turnedSinceEnd = false
  void fullTurn().then(() => void (end === ends && (turnedSinceEnd = true)))
}

/**
 * Runs `task` over `items` with at most `limit` in flight; results keep the
 * input order. Tasks that never wait on I/O (a file read and parsed
 * synchronously, an entry of the index snapshot) would run the whole load
 * as one turn of the event loop: it is let go every TURN_MS, counted over
 * every mapLimit running. What a task does before its first await counts;
 * what it does after one runs outside the count, for every task in flight
 * (64 file reads after an await held requests 30-60 ms a turn).
 */
export async function mapLimit<T, R>(items: readonly T[], task: (item: T) => Promise<R>, limit = DEFAULT_LIMIT): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  if (running++ === 0 && turnedSinceEnd) turn = performance.now()
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      if (performance.now() - turn > TURN_MS) {
        await (pause ??= fullTurn().then(() => {
          pause = undefined
          turn = performance.now()
        }))
        continue // another worker may have taken the last item meanwhile
      }
      const index = next++
      results[index] = await task(items[index] as T)
    }
  }
  const workers = Array.from({ length: Math.min(limit, items.length) }, worker)
  // Counted until its last worker ends: a task that throws rejects the call while the other workers run on, and
  // counted as ended then, they and the next call each ran a budget of their own in the same turn.
  void Promise.allSettled(workers).then(() => {
    if (--running === 0) ended()
  })
  await Promise.all(workers)
  return results
}
