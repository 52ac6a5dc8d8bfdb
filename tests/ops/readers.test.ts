import { describe, expect, it } from 'vitest'
import { ReaderStats } from '../../src/ops/readers.js'

const FEEDLY = 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 52 subscribers; )'
const DAY = 86_400_000
const START = new Date('2026-12-01T08:00:00Z').getTime()

describe('ReaderStats', () => {
  it('keeps the latest count per aggregator and feed, with the time it was reported', () => {
    const clock = { now: START }
    const stats = new ReaderStats({ now: () => clock.now })
    stats.observe('/wirtschaft/feed.xml', FEEDLY, '203.0.113.5', false)
    clock.now += 60_000
    stats.observe('/wirtschaft/feed.xml', FEEDLY.replace('52', '53'), '203.0.113.6', true)
    stats.observe('/wirtschaft/atom.xml', FEEDLY.replace('52', '7'), '203.0.113.6', true)
    expect(stats.subscribers()).toEqual([
      { aggregator: 'feedly', feed: '/wirtschaft/feed.xml', subscribers: 53, at: START + 60_000 },
      { aggregator: 'feedly', feed: '/wirtschaft/atom.xml', subscribers: 7, at: START + 60_000 },
    ])
    expect(stats.polls()).toEqual([{ kind: 'feedly', polls: 3, conditional: 2 }])
    // Aggregators are not direct pollers.
    expect(stats.pollers()).toEqual([])
  })

  it('counts distinct direct pollers per feed by address and User-Agent, and starts afresh each UTC day', () => {
    const clock = { now: START }
    const stats = new ReaderStats({ now: () => clock.now })
    for (const [address, agent] of [['198.51.100.1', 'newsboat/2.38'], ['198.51.100.1', 'newsboat/2.38'], ['198.51.100.1', 'curl/8.5.0'], ['198.51.100.2', 'newsboat/2.38']]) {
      stats.observe('/wirtschaft/feed.xml', agent, address, false)
    }
    stats.observe('/wirtschaft/atom.xml', 'newsboat/2.38', '198.51.100.1', false)
    expect(stats.pollers()).toEqual([
      { feed: '/wirtschaft/atom.xml', today: 1, yesterday: undefined, capped: false },
      { feed: '/wirtschaft/feed.xml', today: 3, yesterday: undefined, capped: false },
    ])
    const before = stats.clientKey('198.51.100.1', 'newsboat/2.38')
    clock.now += DAY
    expect(stats.pollers()).toEqual([
      { feed: '/wirtschaft/atom.xml', today: 0, yesterday: 1, capped: false },
      { feed: '/wirtschaft/feed.xml', today: 0, yesterday: 3, capped: false },
    ])
    // The salt changed: yesterday's key of the same client is not today's.
    expect(stats.clientKey('198.51.100.1', 'newsboat/2.38')).not.toBe(before)
  })

  it('keeps no address: the client key is a 22-character hash that contains neither address nor User-Agent', () => {
    const stats = new ReaderStats({ now: () => START })
    const key = stats.clientKey('198.51.100.77', 'newsboat/2.38')
    expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(key).not.toContain('198')
    expect(JSON.stringify(stats.pollers())).not.toContain('198.51.100.77')
  })

  it('bounds the memory: beyond maxPollersPerFeed the count stops and says so', () => {
    const stats = new ReaderStats({ now: () => START, maxPollersPerFeed: 10 })
    for (let i = 0; i < 50; i++) stats.observe('/wirtschaft/feed.xml', 'curl/8.5.0', `198.51.100.${i}`, false)
    expect(stats.pollers()).toEqual([{ feed: '/wirtschaft/feed.xml', today: 10, yesterday: undefined, capped: true }])
  })

  it('hashes a keep-alive client once per connection and day, and again when its User-Agent or the day changes', () => {
    const clock = { now: START }
    const stats = new ReaderStats({ now: () => clock.now })
    const socket = {}
    const first = stats.clientKey('198.51.100.1', 'newsboat/2.38', socket)
    expect(stats.clientKey('198.51.100.1', 'newsboat/2.38', socket)).toBe(first)
    expect(stats.clientKey('198.51.100.1', 'newsboat/2.38')).toBe(first)
    expect(stats.clientKey('198.51.100.1', 'curl/8.5.0', socket)).not.toBe(first)
    clock.now += DAY
    expect(stats.clientKey('198.51.100.1', 'newsboat/2.38', socket)).not.toBe(first)
  })

  it('counts polls on keep-alive connections exactly as polls each on a connection of its own: kinds, conditionals, pollers, subscribers, across a day', () => {
    const clock = { now: START }
    const reused = new ReaderStats({ now: () => clock.now })
    const fresh = new ReaderStats({ now: () => clock.now })
    const sockets = [{}, {}, {}]
    const polls: [number, string, string, string, boolean][] = [
      [0, '/wirtschaft/feed.xml', 'newsboat/2.38', '198.51.100.1', false],
      [0, '/wirtschaft/feed.xml', 'newsboat/2.38', '198.51.100.1', true],
      [0, '/wirtschaft/atom.xml', 'newsboat/2.38', '198.51.100.1', true],
      [0, '/wirtschaft/feed.xml', 'curl/8.5.0', '198.51.100.1', false],
      [1, '/wirtschaft/feed.xml', FEEDLY, '203.0.113.5', true],
      [1, '/wirtschaft/feed.xml', FEEDLY.replace('52', '60'), '203.0.113.5', true],
      [2, '/wirtschaft/feed.xml', 'newsboat/2.38', '198.51.100.2', false],
      [2, '/wirtschaft/feed.xml', 'newsboat/2.38', '198.51.100.2', true],
    ]
    const both = () => {
      for (const [socket, feed, agent, address, conditional] of polls) {
        reused.observe(feed, agent, address, conditional, sockets[socket])
        fresh.observe(feed, agent, address, conditional, {})
      }
    }
    both()
    expect(reused.polls()).toEqual([
      { kind: 'direct', polls: 6, conditional: 3 },
      { kind: 'feedly', polls: 2, conditional: 2 },
    ])
    expect(reused.pollers()).toEqual([
      { feed: '/wirtschaft/atom.xml', today: 1, yesterday: undefined, capped: false },
      { feed: '/wirtschaft/feed.xml', today: 3, yesterday: undefined, capped: false },
    ])
    clock.now += DAY
    both()
    for (const read of ['polls', 'pollers', 'subscribers'] as const) expect(reused[read](), read).toEqual(fresh[read]())
    expect(reused.pollers()).toEqual([
      { feed: '/wirtschaft/atom.xml', today: 1, yesterday: 1, capped: false },
      { feed: '/wirtschaft/feed.xml', today: 3, yesterday: 3, capped: false },
    ])
    expect(reused.subscribers()).toEqual([{ aggregator: 'feedly', feed: '/wirtschaft/feed.xml', subscribers: 60, at: START + DAY }])
  })
})
