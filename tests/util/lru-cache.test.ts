import { describe, expect, it } from 'vitest'
import { LruCache } from '../../src/util/lru-cache.js'

describe('LruCache', () => {
  it('forgets the least recently used entry beyond its capacity', () => {
    const cache = new LruCache<string, number>(2)
    cache.set('a', 1)
    cache.set('b', 2)
    expect(cache.get('a')).toBe(1)
    cache.set('c', 3)
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3])
  })

  it('forgets the least recently used entries beyond its weight, also when a weight arrives later', () => {
    const cache = new LruCache<string, string>(100, 10)
    cache.set('a', 'A', 4)
    cache.set('b', 'B', 4)
    cache.set('c', 'C')
    expect(cache.weight).toBe(8)
    cache.weigh('c', 5, 'C')
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 'B', 'C'])
    expect(cache.weight).toBe(9)
    // A weight for a value that was replaced meanwhile is not applied to its successor.
    cache.set('b', 'B2', 1)
    cache.weigh('b', 50, 'B')
    expect(cache.weight).toBe(6)
    cache.delete('c')
    cache.delete('c')
    expect(cache.weight).toBe(1)
  })
})
