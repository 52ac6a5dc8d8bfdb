import fs from 'node:fs'
import os from 'node:os'
/**
 * What `read` gives once `done` holds for it, or after `limitMs` what it gives then: a test waits for the state it
 * asserts, not a fixed time, which a busy machine outlasts.
 */
export async function polled<T>(read: () => T, done: (value: T) => boolean, limitMs = 5000): Promise<T> {
  for (const started = Date.now(); ; await new Promise((resolve) => setTimeout(resolve, 10))) {
    const value = read()
    if (done(value) || Date.now() - started > limitMs) return value
  }
}

/** `polled` for a value compared as JSON with `expected`. */
export const polledUntil = <T>(read: () => T, expected: T, limitMs?: number): Promise<T> =>
  polled(read, (value) => JSON.stringify(value) === JSON.stringify(expected), limitMs)

/** Whether process `pid` is still there (this user may signal it), polled for up to `limitMs` until it is not. */
export async function goneWithin(pid: number, limitMs: number): Promise<boolean> {
  const alive = (): boolean => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
  return !(await polled(alive, (running) => !running, limitMs))
}

/** Whether process `pid` has a handler for each of `signals` now (/proc/PID/status: SigCgt, bit N-1 for signal N); false once it is gone. */
export function catchesSignals(pid: number, signals: readonly NodeJS.Signals[]): boolean {
  let mask: bigint
  try {
    mask = BigInt(`0x${/SigCgt:\s*([0-9a-f]+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '0'}`)
  } catch {
    return false
  }
  return signals.every((signal) => ((mask >> BigInt(os.constants.signals[signal] - 1)) & 1n) === 1n)
}

/** Whether process `pid` has a handler for SIGHUP now; false once it is gone. */
export const catchesSighup = (pid: number): boolean => catchesSignals(pid, ['SIGHUP'])
