import { describe, expect, it } from 'vitest'
import { oneAfterAnother } from '../../src/util/one-after-another.js'

describe('oneAfterAnother', () => {
  it('starts a step only once the one before it settled and the gap passed', async () => {
    const events: string[] = []
    let finishFirst: () => void = () => undefined
    const started = performance.now()
    let secondAt = 0
    const done = oneAfterAnother(
      50,
      () => {
        events.push('first started')
        return new Promise<void>((resolve) => (finishFirst = resolve))
      },
      () => {
        secondAt = performance.now() - started
        events.push('second started')
      },
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(events).toEqual(['first started'])
    const firstDone = performance.now() - started
    finishFirst()
    await done
    expect(events).toEqual(['first started', 'second started'])
    // The gap counts from the first step's end, not from the start.
    expect(secondAt).toBeGreaterThanOrEqual(firstDone + 45)
  })

  it('goes on after a step that throws or rejects', async () => {
    const ran: number[] = []
    await oneAfterAnother(
      1,
      () => {
        ran.push(1)
        throw new Error('sync')
      },
      () => {
        ran.push(2)
        return Promise.reject(new Error('async'))
      },
      () => ran.push(3),
    )
    expect(ran).toEqual([1, 2, 3])
  })
})
