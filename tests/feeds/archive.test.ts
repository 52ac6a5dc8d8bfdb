import { describe, expect, it } from 'vitest'
import { archivePage, archivePageCount } from '../../src/feeds/archive.js'

const newestFirst = (n: number) => Array.from({ length: n }, (_, i) => n - i) // n … 1; 1 is the oldest

describe('archive pages (RFC 5005)', () => {
  it('counts pages behind the current window', () => {
    expect(archivePageCount(50, 50, 50)).toBe(0)
    expect(archivePageCount(51, 50, 50)).toBe(1)
    expect(archivePageCount(150, 50, 50)).toBe(2)
    expect(archivePageCount(151, 50, 50)).toBe(3)
    expect(archivePageCount(7, 3, 2)).toBe(2)
  })

  it('fills pages from the oldest article; only the newest page may be short', () => {
    const items = newestFirst(10) // window 3: 10, 9, 8; archived 7 … 1
    expect(archivePage(items, 3, 3, 1)).toEqual({ number: 1, items: [3, 2, 1], full: true })
    expect(archivePage(items, 3, 3, 2)).toEqual({ number: 2, items: [6, 5, 4], full: true })
    expect(archivePage(items, 3, 3, 3)).toEqual({ number: 3, items: [7], full: false })
    expect(archivePage(items, 3, 3, 4)).toBeUndefined()
    expect(archivePage(items, 3, 3, 0)).toBeUndefined()
  })

  it('keeps a full page unchanged when new articles are published', () => {
    const before = archivePage(newestFirst(10), 3, 3, 2)
    const after = archivePage(newestFirst(14), 3, 3, 2)
    expect(after?.items).toEqual(before?.items)
  })

  it('covers every archived article exactly once', () => {
    const items = newestFirst(123)
    const seen: number[] = []
    for (let page = 1; page <= archivePageCount(123, 50, 20); page++) seen.push(...(archivePage(items, 50, 20, page)?.items ?? []))
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 73 }, (_, i) => i + 1))
  })
})
