/**
 * How bench/throughput.ts decides a row on a noisy machine: a
 * distribution-free 95 % interval of the median of the rounds' ratios, and
 * a verdict only when that interval lies wholly on one side of the target;
 * CPU time read in nanoseconds from every thread of a process.
 */
import { describe, expect, it } from 'vitest'
import { cpuSeconds, medianInterval, throughputOptions, verdict } from '../bench/throughput.js'

/** 0.01, 0.02, … in a shuffled order: the interval must not depend on the order of the rounds. */
const ratios = (n: number) => Array.from({ length: n }, (_, i) => ((i * 7) % n) + 1).map((k) => k / 100)

describe('bench/throughput.ts', () => {
  it('takes the 4th and the 12th of 15 sorted ratios as the 95 % interval of their median, and none below 6 rounds', () => {
    expect(medianInterval(ratios(15))).toEqual([0.04, 0.12])
    // n = 6: P(X = 0) = 1/64 ≤ 2.5 %, so the smallest and the largest.
    expect(medianInterval(ratios(6))).toEqual([0.01, 0.06])
    expect(medianInterval(ratios(5))).toBeUndefined()
  })

  it('calls a target met or missed only when the whole interval lies on one side of it', () => {
    const rounds = [0.8, 0.82, 0.84, 0.86, 0.87, 0.88, 0.89, 0.9, 0.91, 0.92, 0.93, 0.94, 0.95, 1.2, 3.0]
    // Interval: 0.86–0.94 (4th and 12th).
    expect(verdict(rounds, 0.85)).toBe('✓ met')
    expect(verdict(rounds, 0.86)).toBe('✓ met')
    expect(verdict(rounds, 0.9)).toBe('~ undecided')
    expect(verdict(rounds, 0.95)).toBe('✗ missed')
    expect(verdict([0.9, 1, 1.1], 0.5)).toBe('~ undecided (too few rounds)')
  })

  it('gives no verdict when the control, a second bare server, is told apart from the first: the run cannot resolve it', () => {
    const rounds = [0.8, 0.82, 0.84, 0.86, 0.87, 0.88, 0.89, 0.9, 0.91, 0.92, 0.93, 0.94, 0.95, 1.2, 3.0]
    const apart = rounds.map((r) => r + 0.4)
    const alike = rounds.map((r) => r + 0.12)
    expect(verdict(rounds, 0.85, apart)).toBe('~ unresolved (control 1.30)')
    expect(verdict(rounds, 0.85, alike)).toBe('✓ met')
    expect(verdict(rounds, 0.95, alike)).toBe('✗ missed')
  })

  it('reads a process’s CPU time in nanoseconds from every thread: 50 ms of work shows as Node’s own count of it, not in 10 ms ticks', () => {
    const before = cpuSeconds(process.pid)
    const usage = process.cpuUsage()
    // Work until the process has run 50 ms (wall time would not do: the neighbours may leave it a tenth of a core).
    while (process.cpuUsage(usage).user + process.cpuUsage(usage).system < 50_000) {
      // busy
    }
    const spent = cpuSeconds(process.pid) - before
    const counted = (process.cpuUsage(usage).user + process.cpuUsage(usage).system) / 1e6
    expect(spent).toBeGreaterThanOrEqual(0.045)
    expect(Math.abs(spent - counted)).toBeLessThan(0.02)
    // Not a multiple of a 10 ms tick (a tick count would be): this fails about once in 10 million runs by chance.
    expect(Math.abs(spent * 100 - Math.round(spent * 100))).toBeGreaterThan(1e-6)
  })

  it('runs 15 one-second rounds per row by default, unpinned, with a control and without a base build', () => {
    expect(throughputOptions({})).toMatchObject({ rounds: 15, seconds: 1, connections: [32, 256], pin: false, control: true, base: undefined })
    expect(throughputOptions({ BENCH_CONTROL: '0', BENCH_PIN: '1', BENCH_SECONDS: '2', BENCH_CONNECTIONS: '256' })).toMatchObject({
      seconds: 2,
      connections: [256],
      pin: true,
      control: false,
    })
  })
})
