import fs from 'node:fs'
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

/** Whether process `pid` has a handler for SIGHUP now (/proc/PID/status: SigCgt, bit 0); false once it is gone. */
export function catchesSighup(pid: number): boolean {
  try {
    return (BigInt(`0x${/SigCgt:\s*([0-9a-f]+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '0'}`) & 1n) === 1n
  } catch {
    return false
  }
}
