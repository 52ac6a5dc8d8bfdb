import { describe, expect, it } from 'vitest'
import { LiveHealth } from '../../src/store/live-health.js'
import { RescanBaseline } from '../../src/store/rescan-baseline.js'

function setUp(rescanIntervalMs = 60_000) {
  const lines: string[] = []
  const health = new LiveHealth({ folder: '/srv/artikel', rescanIntervalMs, logger: { info: (line) => lines.push(line), warn: (line) => lines.push(line) } })
  return { health, lines }
}

const enospc = new Error('ENOSPC: System limit for number of file watchers reached')

describe('LiveHealth', () => {
  it('has nothing to say while all is well', () => {
    expect(setUp().health.problems()).toEqual([])
  })

  it('says only that the folder is missing while it is, logging it once', () => {
    const { health, lines } = setUp()
    health.rescanDone(new Error('kaputt'))
    health.setRootGone(true)
    health.setRootGone(true)
    expect(health.problems()).toEqual(['/srv/artikel is missing; the last good content stays published until it is back'])
    expect(lines).toEqual(['/srv/artikel is missing; the last good content stays published until it is back'])
    health.setRootGone(false)
    expect(health.problems()).toEqual(['the last rescan of /srv/artikel failed: kaputt; the next one is in 60 s'])
  })

  it('lists a failing reload, the watch, the rescan and an empty folder together, in that order', () => {
    const { health } = setUp(0)
    health.reloads.failed(Object.assign(new Error('denied'), { code: 'EACCES', path: '/srv/artikel' }))
    health.watchPlacing()
    health.watchFailed(enospc)
    health.rescanDone(Object.assign(new Error('io'), { code: 'EIO', path: '/srv/artikel/2025' }))
    health.articlesKnown(0, 0, 0)
    expect(health.problems()).toEqual([
      'reload of /srv/artikel failed: /srv/artikel cannot be read (EACCES); retrying in 1 s',
      'the watch on /srv/artikel failed (ENOSPC: System limit for number of file watchers reached); changes are not seen until it is placed again, in 1 s',
      'the last rescan of /srv/artikel failed: /srv/artikel/2025 cannot be read (EIO); the next one is in 0 s',
      '/srv/artikel holds no article files; the feeds are empty until there are',
    ])
  })

  it('places a failed watch again after 1, 2, 4 … root checks, counting one failure per attempt', () => {
    const { health, lines } = setUp()
    const dueAfter = (): number => {
      let checks = 1
      while (!health.watchDue()) checks++
      return checks
    }
    health.watchPlacing()
    health.watchFailed(enospc)
    health.watchFailed(enospc)
    expect(dueAfter()).toBe(1)
    health.watchPlacing()
    health.watchFailed(enospc)
    health.watchPlaced()
    expect(health.problems()).toEqual([
      'the watch on /srv/artikel failed (ENOSPC: System limit for number of file watchers reached); changes are found by the rescan every 60 s until it is placed again, in 2 s',
    ])
    expect(dueAfter()).toBe(2)
    health.watchPlacing()
    health.watchPlaced()
    expect(health.problems()).toEqual([])
    expect(health.watchDue()).toBe(false)
    expect(lines).toEqual(['the watch on /srv/artikel is placed again; changes are applied as they happen'])
  })

  it('says once that no article file is left, and forgets it when one is there', () => {
    const { health, lines } = setUp()
    health.articlesKnown(0, 0, 0)
    health.articlesKnown(0, 0, 0)
    expect(lines).toEqual(['/srv/artikel holds no article files; the feeds are empty until there are'])
    health.articlesKnown(3, 3, 0)
    expect(health.problems()).toEqual([])
  })

  it('says once that files are there but none is published, with how many are refused, and forgets it when one is published', () => {
    const { health, lines } = setUp()
    health.articlesKnown(2, 0, 2)
    health.articlesKnown(2, 0, 2)
    const nothing = '/srv/artikel publishes no article (2 of 2 article file(s) refused); the feeds are empty until one is published'
    expect(health.problems()).toEqual([nothing])
    expect(lines).toEqual([nothing])
    health.articlesKnown(3, 1, 2)
    expect(health.problems()).toEqual([])
  })
})

describe('RescanBaseline', () => {
  it('applies files whose stamp changed, files gone (not those in an unreadable folder), and folders that turned unreadable or readable', () => {
    const baseline = new RescanBaseline()
    const read = new Map([['a.md', '1'], ['b.md', '1'], ['alt/c.md', '1']])
    const first = baseline.changes(new Map([['a.md', '2'], ['neu.md', '1']]), ['alt'], (file) => read.get(file), [...read.keys()])
    expect([[...first.files].sort(), first.folders]).toEqual([['a.md', 'b.md', 'neu.md'], ['alt']])
    // neu.md was never read for the index: the stamp seen last stands for it.
    const second = baseline.changes(new Map([['a.md', '2'], ['neu.md', '1'], ['alt/c.md', '1']]), [], (file) => (file === 'a.md' ? '2' : read.get(file)), ['a.md', 'alt/c.md'])
    expect([[...second.files], second.folders]).toEqual([[], ['alt']])
    // Unreadable again, then a reload read everything: the next scan does not call the folder readable again.
    expect(baseline.changes(new Map(), ['alt'], () => '1', ['alt/c.md']).folders).toEqual(['alt'])
    baseline.reloaded()
    expect(baseline.changes(new Map([['alt/c.md', '1']]), [], () => '1', ['alt/c.md']).folders).toEqual([])
  })

  it('keeps from a rescan only the stamps of files never read for the index, and still applies such a file once it changes', () => {
    const baseline = new RescanBaseline()
    const read = new Map(Array.from({ length: 1000 }, (_, n) => [`${n}.md`, '1']))
    const onDisk = new Map([...read, ['refused.md', '1']])
    expect(baseline.changes(onDisk, [], (file) => read.get(file), [...read.keys(), 'refused.md']).files).toEqual(new Set(['refused.md']))
    expect(baseline.kept).toBe(1)
    expect(baseline.changes(onDisk, [], (file) => read.get(file), [...read.keys(), 'refused.md']).files).toEqual(new Set())
    expect(baseline.changes(new Map([...read, ['refused.md', '2']]), [], (file) => read.get(file), [...read.keys(), 'refused.md']).files).toEqual(new Set(['refused.md']))
  })
})
