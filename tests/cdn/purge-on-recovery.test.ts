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
})
