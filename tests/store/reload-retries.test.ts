import { describe, expect, it, vi } from 'vitest'
import { ReloadRetries, reloadFailed } from '../../src/store/reload-retries.js'

const eacces = Object.assign(new Error("EACCES: permission denied, scandir '/srv/artikel'"), { code: 'EACCES', path: '/srv/artikel' })

/** The waits after `n` failures in a row. */
function waits(rescanIntervalMs: number, n: number): number[] {
  const retries = new ReloadRetries(reloadFailed('/srv/artikel'), rescanIntervalMs)
  return Array.from({ length: n }, () => retries.failed(eacces).waitMs)
}

describe('ReloadRetries', () => {
  it('waits 1 s, 2 s, 4 s … at most RESCAN_INTERVAL, and at most a minute', () => {
    expect(waits(10_000, 6)).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000])
    expect(waits(2000, 3)).toEqual([1000, 2000, 2000])
    expect(waits(500, 2)).toEqual([1000, 1000])
    expect(waits(3_600_000, 8)).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000])
    // RESCAN_INTERVAL=0 (no rescans): a minute.
    expect(waits(0, 8).at(-1)).toBe(60_000)
  })

  it('names the folder and the error code of a file-system error, else the message, with the wait', () => {
    const retries = new ReloadRetries(reloadFailed('/srv/artikel'), 60_000)
    expect(retries.failed(eacces).problem).toBe('reload of /srv/artikel failed: /srv/artikel cannot be read (EACCES); retrying in 1 s')
    expect(retries.failed(new Error('content not loaded yet')).problem).toBe('reload of /srv/artikel failed: content not loaded yet; retrying in 2 s')
    expect([retries.pending, retries.problem]).toEqual([true, 'reload of /srv/artikel failed: content not loaded yet; retrying in 2 s'])
  })

  it('forgets the failures once a reload succeeds, and says how many there were', () => {
    const retries = new ReloadRetries(reloadFailed('/srv/artikel'), 60_000)
    retries.failed(eacces)
    retries.failed(eacces)
    expect(retries.succeeded()).toBe(2)
    expect([retries.pending, retries.problem, retries.succeeded()]).toEqual([false, undefined, 0])
    expect(retries.failed(eacces).waitMs).toBe(1000)
  })

  it('counts the seconds down to the next attempt in the problem, not those at the failure', () => {
    vi.useFakeTimers({ now: new Date('2026-12-05T18:00:00Z'), toFake: ['Date'] })
    try {
      const retries = new ReloadRetries(reloadFailed('/srv/artikel'), 3_600_000)
      for (let i = 0; i < 7; i++) retries.failed(eacces)
      expect(retries.problem).toBe('reload of /srv/artikel failed: /srv/artikel cannot be read (EACCES); retrying in 60 s')
      vi.advanceTimersByTime(45_500)
      expect(retries.problem).toBe('reload of /srv/artikel failed: /srv/artikel cannot be read (EACCES); retrying in 15 s')
      // Due, and maybe under way: never `in 0 s` nor a negative count.
      vi.advanceTimersByTime(30_000)
      expect(retries.problem).toBe('reload of /srv/artikel failed: /srv/artikel cannot be read (EACCES); retrying in 1 s')
    } finally {
      vi.useRealTimers()
    }
  })
})
