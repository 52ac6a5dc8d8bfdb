/** RunsAlone (util/runs-alone.ts): ChangeQueue's gate that lets a load of every file run with no change batch beside it. */
import { describe, expect, it } from 'vitest'
import { RunsAlone } from '../../src/util/runs-alone.js'

/** A promise and what settles it, for steps the test lets go one at a time. */
function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void; fail: (error: Error) => void } {
  let open: (value: T) => void = () => {}
  let fail: (error: Error) => void = () => {}
  const promise = new Promise<T>((resolve, reject) => ((open = resolve), (fail = reject)))
  return { promise, open, fail }
}
const turns = async (count = 5) => {
  for (let n = 0; n < count; n++) await new Promise((resolve) => setImmediate(resolve))
}

describe('RunsAlone', () => {
  it('waits for the work under way and the runs before it, and nothing is waiting once it is over', async () => {
    const runs = new RunsAlone()
    expect([runs.waiting, runs.over()]).toEqual([undefined, undefined])
    const log: string[] = []
    const batch = gate()
    let busy: Promise<void> | undefined = batch.promise.then(() => void (busy = undefined))
    const first = gate()
    const one = runs.run(async () => (log.push('first'), await first.promise, 'one'), () => busy, () => {})
    const two = runs.run(async () => (log.push('second'), 'two'), () => undefined, () => {})
    await turns()
    // The batch under way holds the first; the first holds the second.
    expect(log).toEqual([])
    expect(runs.waiting).toBeInstanceOf(Promise)
    batch.open()
    await turns()
    expect(log).toEqual(['first'])
    first.open()
    expect(await Promise.all([one, two])).toEqual(['one', 'two'])
    expect(log).toEqual(['first', 'second'])
    expect([runs.waiting, runs.over()]).toEqual([undefined, undefined])
  })

  it('calls failed before any work waiting for the run goes on, and rethrows', async () => {
    const runs = new RunsAlone()
    const log: string[] = []
    const load = gate()
    const run = runs.run(() => load.promise, () => undefined, () => void log.push('failed'))
    // Work that arrives during the run waits for it, as ChangeQueue.add does.
    const waiting = (async () => {
      const over = runs.over()
      if (over) await over
      log.push('work')
    })()
    await turns()
    expect(log).toEqual([])
    load.fail(new Error('Ordner nicht lesbar'))
    await expect(run).rejects.toThrow('Ordner nicht lesbar')
    await waiting
    // Dropped changes must be gone before the work that would apply them resumes (ChangeQueue.exclusively).
    expect(log).toEqual(['failed', 'work'])
  })
})
