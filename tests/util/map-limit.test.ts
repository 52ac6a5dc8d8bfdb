import { setImmediate as oneImmediate } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { fullTurn } from '../../src/util/event-loop-turns.js'
import { mapLimit } from '../../src/util/map-limit.js'
import { growing, inPollPhase, slicesSeeingTimers, spin, startLoopProbe } from '../helpers/loop-delay.js'

describe('mapLimit', () => {
  // A chmod -R over 5,000 articles in 1,000 folders re-read them all, and its 64 workers each ran 20 ms in the same
  // turn of the event loop: a feed request waited 1.3-1.5 s. A stall, so the bound is wide (a turn is due every 20 ms).
  it('lets the event loop turn every few tens of milliseconds while its tasks never wait, whatever the number in flight', async () => {
    const probe = startLoopProbe()
    const items = Array.from({ length: 800 }, (_, n) => n)
    const results = await mapLimit(items, async (n) => (spin(1), n * 2))
    const longest = probe.stop()
    expect(results).toEqual(items.map((n) => n * 2))
    expect(longest).toBeLessThan(300)
  })

  // Below, tasks of 25 ms, longer than a turn (20 ms): each is a slice of its own, and timers must run between any two.
  // Paused with one setImmediate, work resumed by an I/O callback ran its second slice in the same turn as its first.
  it('lets timers run between any two slices, also when it starts in an I/O callback', async () => {
    const seen = await slicesSeeingTimers(async (task) => {
      await inPollPhase()
      await mapLimit([1, 2, 3, 4], task, 1)
    })
    expect(seen).toHaveLength(4)
    expect(growing(seen), `timer turns seen by each slice: ${seen.join(', ')}`).toBe(true)
  })

  // A watcher's flush beside a change's reads (10,000 files copied in): each with a budget of its own, both ran a
  // slice in the same turn.
  it('counts one budget over every mapLimit running at once', async () => {
    const seen = await slicesSeeingTimers((task) => Promise.all([mapLimit([1, 2, 3], task, 1), mapLimit([4, 5, 6], task, 1)]))
    expect(seen).toHaveLength(6)
    expect(growing(seen), `timer turns seen by each slice: ${seen.join(', ')}`).toBe(true)
  })

  // A folder's listing, then the reads of the 10,000 files it held: the second call began a budget of its own in the
  // turn the first had used up.
  it('goes on with the budget left when called again in the same turn', async () => {
    const seen = await slicesSeeingTimers(async (task) => {
      await mapLimit([1], task, 1)
      await mapLimit([2, 3], task, 1)
    })
    expect(seen).toHaveLength(3)
    expect(growing(seen), `timer turns seen by each slice: ${seen.join(', ')}`).toBe(true)
  })

  // A task that throws rejects the call while its other workers run on: counted as ended then, they and the next call
  // each ran a budget of their own in the same turn (the next call began one afresh, the others' pause another).
  it('counts the workers of a call that threw while they run on', async () => {
    const seen = await slicesSeeingTimers(async (task) => {
      const failing = mapLimit([0, 1, 2, 3], async (n) => (n === 0 ? Promise.reject(new Error('unreadable')) : task()), 2)
      await expect(failing).rejects.toThrow('unreadable')
      await fullTurn()
      await mapLimit([4, 5, 6], task, 1)
    })
    expect(seen).toHaveLength(6)
    expect(growing(seen), `timer turns seen by each slice: ${seen.join(', ')}`).toBe(true)
  })

  // One setImmediate after a call that ended in the poll phase runs in that turn's check phase: taken for a turn of
  // the event loop, it gave a call begun there (after one setImmediate of its own) a budget afresh in the turn used.
  it('goes on with the budget left when called again in the check phase of the turn another ended in', async () => {
    const seen = await slicesSeeingTimers(async (task) => {
      await inPollPhase()
      await mapLimit([1], task, 1)
      await oneImmediate()
      await mapLimit([2, 3], task, 1)
    })
    expect(seen).toHaveLength(3)
    expect(growing(seen), `timer turns seen by each slice: ${seen.join(', ')}`).toBe(true)
  })
})
