import { describe, expect, it } from 'vitest'
import { mapLimit } from '../../src/util/map-limit.js'
import { startLoopProbe } from '../helpers/loop-delay.js'

describe('mapLimit', () => {
  // A chmod -R over 5,000 articles in 1,000 folders re-read them all, and its 64 workers each ran 20 ms in the same
  // turn of the event loop: a feed request waited 1.3-1.5 s. A stall, so the bound is wide (a turn is due every 20 ms).
  it('lets the event loop turn every few tens of milliseconds while its tasks never wait, whatever the number in flight', async () => {
    const busy = (ms: number) => {
      const until = performance.now() + ms
      while (performance.now() < until);
    }
    const probe = startLoopProbe()
    const items = Array.from({ length: 800 }, (_, n) => n)
    const results = await mapLimit(items, async (n) => (busy(1), n * 2))
    const longest = probe.stop()
    expect(results).toEqual(items.map((n) => n * 2))
    expect(longest).toBeLessThan(300)
  })
})
