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
})
