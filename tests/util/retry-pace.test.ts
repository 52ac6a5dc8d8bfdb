import { describe, expect, it } from 'vitest'
import { RetryPace } from '../../src/util/retry-pace.js'

describe('RetryPace', () => {
  it('waits the first wait, then twice as long each failure in a row, at most the longest and never below the first', () => {
    const pace = new RetryPace(1000)
    expect(Array.from({ length: 8 }, () => pace.failed())).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000])
    const short = new RetryPace(1000, 500)
    expect([short.failed(), short.failed()]).toEqual([1000, 1000])
  })

  it('starts again from the first wait after a success, and says how many failed before it', () => {
    const pace = new RetryPace(1000, 60_000)
    pace.failed()
    pace.failed()
    expect([pace.failures, pace.succeeded(), pace.failures]).toEqual([2, 2, 0])
    expect(pace.failed()).toBe(1000)
  })

  it('with settleMs, takes up the pace again after a success that did not last that long, and starts afresh after one that did', () => {
    let now = 0
    const pace = new RetryPace(1000, 60_000, 60_000, () => now)
    pace.failed()
    pace.failed()
    expect(pace.succeeded()).toBe(2)
    now += 59_999
    expect([pace.failed(), pace.failures]).toEqual([4000, 3])
    expect(pace.succeeded()).toBe(3)
    now += 60_000
    expect(pace.failed()).toBe(1000)
  })
})
