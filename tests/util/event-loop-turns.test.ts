import { describe, expect, it } from 'vitest'
import { stepsInTurns, type Steps } from '../../src/util/event-loop-turns.js'
import { growing, inPollPhase, slicesSeeingTimers } from '../helpers/loop-delay.js'

describe('stepsInTurns', () => {
  // Paused with one setImmediate, work resumed by an I/O callback ran its second slice in the same turn as its
  // first, before any timer and any new request. Each step here (25 ms) is longer than a turn (10 ms), so each is a slice.
  it('lets timers run between any two slices, also when it starts in an I/O callback', async () => {
    let result: string | undefined
    const seen = await slicesSeeingTimers(async (task) => {
      function* steps(): Steps<string> {
        for (let n = 0; n < 4; n++) {
          void task()
          yield
        }
        return 'done'
      }
      await inPollPhase()
      result = await stepsInTurns(steps(), 10)
    })
    expect(result).toBe('done')
    expect(seen).toHaveLength(4)
    expect(growing(seen), `timer turns seen by each slice: ${seen.join(', ')}`).toBe(true)
  })
})
