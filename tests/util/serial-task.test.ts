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

  it("runs once more for the calls made during a run that fails, and the chain gives that run's outcome", async () => {
    const outcomes = ['kaputt', 'gut']
    let runs = 0
    let release!: () => void
    const task = new SerialTask(async () => {
      runs += 1
      const outcome = outcomes.shift()
      if (runs === 1) await new Promise<void>((resolve) => (release = resolve))
      if (outcome === 'kaputt') throw new Error('kaputt')
      return outcome
    })
    const first = task.run()
    const during = task.run() // e.g. a SIGHUP while the timer's rescan runs into an unreadable folder
    release()
    expect(await during).toBe('gut')
    expect(await first).toBe('gut')
    expect(runs).toBe(2)
    expect(task.running).toBeUndefined()
  })

  it("rejects with the last run's error when every run fails, and asks for no run nobody called for", async () => {
    let runs = 0
    let release!: () => void
    const task = new SerialTask(async () => {
      runs += 1
      if (runs === 1) await new Promise<void>((resolve) => (release = resolve))
      throw new Error(`kaputt ${runs}`)
    })
    const first = task.run()
    const during = task.run()
    release()
    await expect(first).rejects.toThrow('kaputt 2')
    await expect(during).rejects.toThrow('kaputt 2')
    expect(runs).toBe(2)
    // A later call is one run, not two: nothing of the failed chain is left asking for more.
    await expect(task.run()).rejects.toThrow('kaputt 3')
    expect(runs).toBe(3)
  })
})
