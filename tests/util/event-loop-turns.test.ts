import { describe, expect, it } from 'vitest'
import { stepsInTurns, type Steps } from '../../src/util/event-loop-turns.js'
import { inPollPhase, spin, timerTurns } from '../helpers/loop-delay.js'

describe('stepsInTurns', () => {
  // Paused with one setImmediate, work resumed by an I/O callback ran its second slice in the same turn as its
  // first, before any timer and any new request. Each step here is longer than a turn (10 ms), so each is a slice.
  it('lets timers run between any two slices, also when it starts in an I/O callback', async () => {
    const timers = timerTurns()
    const seen: number[] = []
    function* steps(): Steps<string> {
      for (let n = 0; n < 4; n++) {
        spin(15)
        seen.push(timers.count())
        yield
      }
      return 'done'
    }
    try {
      await inPollPhase()
      expect(await stepsInTurns(steps(), 10)).toBe('done')
    } finally {
      timers.stop()
    }
    expect(seen).toHaveLength(4)
    for (let n = 1; n < seen.length; n++) expect(seen[n], `timers ran between slices ${n} and ${n + 1}`).toBeGreaterThan(seen[n - 1] as number)
  })
})
