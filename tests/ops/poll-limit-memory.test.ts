/**
 * What POLL_MIN_INTERVAL's table (ops/poll-limit.ts) holds per client: a
 * key of bounded size, whatever view it asked for. A filtered view's
 * canonical URL is the client's to make (50 tags of 200 characters each),
 * and the table kept it whole: against a running service, 3,000 clients
 * each asking for a view of its own took ~12 KB each, so the 100,000
 * clients the table remembers could hold 1.2 GB. Measured in a process of
 * its own, as tests/store/clash-memory.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { measuredInOwnProcess } from '../helpers/own-process.js'

const MEASURE = `
import { PollLimiter } from './src/ops/poll-limit.ts'
const clock = { now: 0 }
const limiter = new PollLimiter({ intervalMs: 300_000, now: () => clock.now })
const view = (n) => 'https://www.example.de/wirtschaft/feed.xml?' + Array.from({ length: 40 }, (_, k) => 'tag=' + 'T'.repeat(190) + n + 'x' + k).join('&')
const count = 5_000
const before = await settled()
for (let n = 0; n < count; n++) limiter.check(view(n), 'client-' + n)
const perClient = ((await settled()) - before) / count
// Still one client and one view per key: the same again waits, another view or client does not.
clock.now = 1000
const limited = [limiter.check(view(7), 'client-7'), limiter.check(view(8), 'client-7'), limiter.check(view(7), 'client-8')]
console.log(JSON.stringify({ perClient, limited, size: limiter.size }))
`

describe('PollLimiter: memory', () => {
  it('holds a key of bounded size per client and view, however long the view URL, and still tells them apart', () => {
    const { perClient, limited, size } = measuredInOwnProcess<{ perClient: number; limited: (number | undefined)[]; size: number }>(MEASURE)
    expect(limited).toEqual([299, null, null])
    expect(size).toBe(5_002)
    // About 150 bytes with a digest; ~8,000 when the view's URL was kept whole.
    expect(perClient).toBeLessThan(1000)
  })
})
