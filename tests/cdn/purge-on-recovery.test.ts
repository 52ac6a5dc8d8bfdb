import { describe, expect, it } from 'vitest'
import { purgeOnRecovery } from '../../src/cdn/purge-on-change.js'
import { SITE_KEY } from '../../src/site/cache-keys.js'

describe('purgeOnRecovery', () => {
  it('purges the whole site once render workers are back and the store has rendered again, not before', async () => {
    const listeners: (() => void)[] = []
    const events: string[] = []
    let rendered!: () => void
    const settled = () => new Promise<void>((resolve) => (rendered = () => (events.push('rendered'), resolve())))
    purgeOnRecovery((listener) => listeners.push(listener), settled, async (keys) => void events.push(`purge ${keys.join(' ')}`))
    expect(events).toEqual([])
    for (const listener of listeners) listener()
    await new Promise((resolve) => setImmediate(resolve))
    // The CDN would fetch the plain text again if purged before the store's documents are HTML.
    expect(events).toEqual([])
    rendered()
    await new Promise((resolve) => setImmediate(resolve))
    expect(events).toEqual(['rendered', `purge ${SITE_KEY}`])
  })

  it('waits for the render a listener registered after it starts: the order of the listeners does not matter', async () => {
    const listeners: (() => void)[] = []
    const events: string[] = []
    let rendering: Promise<void> | undefined
    let rendered!: () => void
    // Registered first, before the store's listener (which starts the render that settled() then waits for).
    purgeOnRecovery((listener) => listeners.push(listener), () => rendering ?? Promise.resolve(), async (keys) => void events.push(`purge ${keys.join(' ')}`))
    listeners.push(() => void (rendering = new Promise<void>((resolve) => (rendered = () => (events.push('rendered'), resolve())))))
    for (const listener of listeners) listener()
    await new Promise((resolve) => setImmediate(resolve))
    // Before: settled() was asked in the listener itself, before the store's had begun to render: the purge came at once.
    expect(events).toEqual([])
    rendered()
    await new Promise((resolve) => setImmediate(resolve))
    expect(events).toEqual(['rendered', `purge ${SITE_KEY}`])
  })
})
