import { describe, expect, it } from 'vitest'
import { purgeOnRecovery } from '../../src/cdn/purge-on-change.js'
import { SITE_KEY } from '../../src/site/cache-keys.js'

describe('purgeOnRecovery', () => {
  // Before: with the store's listener registered after it, settled() was asked before the store had begun to render,
  // and the purge came at once.
  it.each(['before', 'after'])('purges the whole site once render workers are back and the store has rendered again, not before (store listener registered %s it)', async (order) => {
    const listeners: (() => void)[] = []
    const events: string[] = []
    let rendering: Promise<void> | undefined
    let rendered!: () => void
    // The store's listener starts the render that settled() then waits for.
    const store = () => void (rendering = new Promise<void>((resolve) => (rendered = () => (events.push('rendered'), resolve()))))
    if (order === 'before') listeners.push(store)
    purgeOnRecovery((listener) => listeners.push(listener), () => rendering ?? Promise.resolve(), async (keys) => void events.push(`purge ${keys.join(' ')}`))
    if (order === 'after') listeners.push(store)
    expect(events).toEqual([])
    for (const listener of listeners) listener()
    await new Promise((resolve) => setImmediate(resolve))
    // The CDN would fetch the plain text again if purged before the store's documents are HTML.
    expect(events).toEqual([])
    rendered()
    await new Promise((resolve) => setImmediate(resolve))
    expect(events).toEqual(['rendered', `purge ${SITE_KEY}`])
  })

  it("purges the whole site when the store's render after the recovery fails, and leaves no rejection unhandled (Node ends the service on one)", async () => {
    const unhandled: unknown[] = []
    const note = (reason: unknown) => void unhandled.push(reason)
    process.on('unhandledRejection', note)
    try {
      const listeners: (() => void)[] = []
      const purged: string[] = []
      purgeOnRecovery((listener) => listeners.push(listener), () => Promise.reject(new Error('Invalid string length')), async (keys) => void purged.push(keys.join(' ')))
      for (const listener of listeners) listener()
      await new Promise((resolve) => setTimeout(resolve, 50))
      // Before: no purge, and the rejection unhandled.
      expect([unhandled.map(String), purged]).toEqual([[], [SITE_KEY]])
    } finally {
      process.off('unhandledRejection', note)
    }
  })
})
