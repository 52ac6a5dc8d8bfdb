import { describe, expect, it } from 'vitest'
import { SerialTask } from '../../src/util/serial-task.js'

describe('SerialTask', () => {
  it('never overlaps runs, and folds every call made during a run into one more run', async () => {
    let running = 0
    let most = 0
    let runs = 0
    const task = new SerialTask(async () => {
      running += 1
      most = Math.max(most, running)
      await new Promise((resolve) => setTimeout(resolve, 10))
      running -= 1
      return ++runs
    })
    const first = task.run()
    const during = [task.run(), task.run(), task.run()]
    expect(during.every((p) => p === first)).toBe(true)
    expect(await first).toBe(2)
    expect(most).toBe(1)
    expect(task.running).toBeUndefined()
    expect(await task.run()).toBe(3)
  })

  it('is idle again after a run fails, and the failure reaches the caller', async () => {
    let fail = true
    const task = new SerialTask(async () => {
      if (fail) throw new Error('kaputt')
      return 'gut'
    })
    await expect(task.run()).rejects.toThrow('kaputt')
    expect(task.running).toBeUndefined()
    fail = false
    expect(await task.run()).toBe('gut')
  })
})
