import { describe, expect, it } from 'vitest'
import { ConcurrencyLimit } from '../../src/util/concurrency-limit.js'

/** A task that ends when told to, recording when it started. */
function gate(log: string[], name: string): { task: () => Promise<string>; open: () => void } {
  let open: () => void = () => {}
  const opened = new Promise<void>((resolve) => (open = resolve))
  return {
    task: async () => {
      log.push(`start ${name}`)
      await opened
      return name
    },
    open: () => open(),
  }
}

describe('ConcurrencyLimit', () => {
  it('runs at most `max` tasks at once and starts the others in the order they came, as places free up', async () => {
    const limit = new ConcurrencyLimit(2)
    const log: string[] = []
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => gate(log, name)) as [ReturnType<typeof gate>, ReturnType<typeof gate>, ReturnType<typeof gate>, ReturnType<typeof gate>]
    const results = [a, b, c, d].map((g) => limit.run(g.task))
    await Promise.resolve()
    expect(log).toEqual(['start a', 'start b'])
    expect(limit.pending).toBe(4)
    b.open()
    await results[1]
    await new Promise((resolve) => setImmediate(resolve))
    expect(log).toEqual(['start a', 'start b', 'start c'])
    a.open()
    c.open()
    d.open()
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd'])
    expect(log).toEqual(['start a', 'start b', 'start c', 'start d'])
    expect(limit.pending).toBe(0)
  })

  it('frees the place of a task that fails', async () => {
    const limit = new ConcurrencyLimit(1)
    await expect(limit.run(async () => Promise.reject(new Error('kaputt')))).rejects.toThrow('kaputt')
    expect(await limit.run(async () => 'weiter')).toBe('weiter')
    expect(limit.pending).toBe(0)
  })
})
