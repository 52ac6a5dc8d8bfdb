import { spawn } from 'node:child_process'

/** How long the event loop turns before the exit (ms): V8's background work in flight finishes meanwhile. */
export const EXIT_SETTLE_MS = 50
/** How long the exit itself may take before its guard ends the process (ms): Node's takes a few. */
export const EXIT_GUARD_MS = 3000

export interface GuardedExitOptions {
  readonly settleMs?: number
  readonly graceMs?: number
  /** The exit that may hang; process.exit, but for a test. */
  readonly exit?: (code: number) => void
}

/**
 * Ends the process with `code`, as process.exit does, and makes sure it ends.
 *
 * Node's exit can hang for good: its platform's shutdown joins V8's worker
 * threads while one of them, compiling a function (Maglev), waits for a
 * garbage collection that only the main thread would run, and the main thread
 * is in that join (nodejs/node#54918, #64274; open in Node 24 and 26). Seen
 * here once in about 30 stops of the service at 50,000 articles on Node
 * 24.22: "stopped" logged, then the process asleep until killed, so a
 * supervisor waited out its stop timeout (systemd: 90 s) and a terminal's
 * `npm start` never returned. Two things against it:
 * - the event loop turns for `settleMs` first, so that a compile job asking
 *   for a collection gets it from this thread, idle in the loop;
 * - a guard, a small node process spawned as the exit begins, holds a pipe
 *   from this one. The pipe's end here closes when this process is gone,
 *   and the guard ends quietly; still open after `graceMs`, the guard sends
 *   this process SIGKILL and writes a line to the shared standard error
 *   (its status then: killed, not `code`). As long as the pipe is open this
 *   process exists, so the pid the guard kills is never another process's
 *   (the guard polls the pipe once more before it kills: its timer may come
 *   before the pipe's end is read). In this process's group, the guard
 *   ignores SIGINT, SIGTERM and SIGHUP: a second Ctrl-C, which the stopping
 *   service ignores, would end the guard and leave the exit hanging.
 *   The first process of a PID namespace (a container's without an init,
 *   `docker run` without `--init`) cannot be killed so from inside: there
 *   only the first step helps.
 * A second call while the first settles does nothing.
 */
export function exitGuarded(code: number, options: GuardedExitOptions = {}): void {
  if (exiting) return
  exiting = true
  const settleMs = options.settleMs ?? EXIT_SETTLE_MS
  const graceMs = options.graceMs ?? EXIT_GUARD_MS
  const exit = options.exit ?? ((status: number) => process.exit(status))
  setTimeout(() => {
    guardExit(graceMs)
    exit(code)
  }, settleMs)
}

let exiting = false

/**
 * Starts the guard of an exit that Node is about to make (exitGuarded's second step), for an exit that is not
 * exitGuarded's: a crash, through process.on('uncaughtExceptionMonitor', …), which runs before Node's own handler
 * prints the error and exits 1. At most once.
 */
export function guardExit(graceMs = EXIT_GUARD_MS): void {
  if (guarded) return
  guarded = true
  try {
    // stdin: the pipe; stdout unused; stderr shared, for the guard's one line. Not this process's NODE_OPTIONS (an
    // --inspect port, a --require): the guard is node and its script alone.
    spawn(process.execPath, ['-e', GUARD, String(process.pid), String(graceMs)], { stdio: ['pipe', 'ignore', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } }).on('error', () => {})
  } catch {
    // No process could be made (EAGAIN, ENOMEM): the exit goes unguarded, as before.
  }
}

let guarded = false

/** Whether exitGuarded was called: the process ends within moments, and a stop (a signal meanwhile) must do nothing. */
export function exitUnderWay(): boolean {
  return exiting
}

/** The guard: argv pid and grace; its standard input ends when that process is gone. */
const GUARD = `
const [pid, graceMs] = process.argv.slice(1).map(Number)
// In the service's process group: a second Ctrl-C (SIGINT to the whole terminal job), a terminal closed (SIGHUP) or a
// SIGTERM to the group, which the stopping service ignores, must not end the guard and leave a hung exit unguarded.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => {})
process.stdin.on('data', () => {}).on('end', () => process.exit(0)).on('error', () => process.exit(0))
// The pipe's end may be there unread when the timer comes (after a stop of this guard, SIGSTOP and SIGCONT, or on a
// busy host), and that pid gone, even another process's by now: setImmediate lets the event loop poll once more
// first, so an end there is read ('end': the exit above) before the kill.
setTimeout(() => setImmediate(() => {
  // The kill first: whatever becomes of the line (a standard error nobody reads any more), the process ends.
  try { process.kill(pid, 'SIGKILL') } catch {}
  process.stderr.on('error', () => {})
  process.stderr.write('the exit of process ' + pid + ' hung for ' + graceMs + ' ms (Node\\'s platform shutdown, nodejs/node#54918): sent it SIGKILL\\n', () => process.exit(0))
}), graceMs)
`
