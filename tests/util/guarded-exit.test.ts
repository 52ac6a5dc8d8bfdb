/**
 * The service's exit (src/util/guarded-exit.ts): Node's own can hang for good in its platform's shutdown
 * (nodejs/node#54918), seen once at a stop on Node 24; a guard process then ends it. Here a hung exit is an
 * exit function that blocks the main thread, as that join does.
 */
import { spawn, type ChildProcessByStdio, type SpawnOptions } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { catchesSignals, polled } from '../helpers/polled.js'

const ROOT = path.join(import.meta.dirname, '../..')

interface Ended {
  readonly status: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly ms: number
}

/**
 * `script` (an ES module that may import ./src/….ts) started in a node process of its own, standard output and error
 * piped unless `options` say otherwise. A process still there after 20 s (no guard) is ended by SIGTERM, which none
 * of these handles, never by SIGKILL.
 */
function nodeScript(script: string, options: SpawnOptions = {}): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000, killSignal: 'SIGTERM', ...options }) as ChildProcessByStdio<null, Readable, Readable>
}

/**
 * Runs `script` in a node process of its own (nodeScript). Resolves once its standard
 * error is closed by every process holding it: the guard shares it, so a guard left waiting shows as time.
 */
function run(script: string, { unread = false } = {}): Promise<Ended> {
  const started = performance.now()
  const child = nodeScript(script)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  // Unread: its standard error's reader is gone at once, so a write there fails (EPIPE).
  if (unread) child.stderr.destroy()
  else child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<Pick<Ended, 'status' | 'signal'>>((resolve) => child.once('exit', (status, signal) => resolve({ status, signal })))
  const closed = unread ? Promise.resolve() : new Promise<void>((resolve) => child.stderr.once('close', () => resolve()))
  return Promise.all([exited, closed]).then(([ended]) => ({ ...ended, stdout, stderr, ms: performance.now() - started }))
}

/** The pids of `pid`'s children (Linux: /proc/<pid>/task/<pid>/children). */
const childrenOf = (pid: number): number[] =>
  fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number)

const IMPORT = `import { exitGuarded } from './src/util/guarded-exit.ts'\n`
/** Blocks this thread for good, as Node's join of a V8 worker thread waiting for it does. */
const HANG = `() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)`

describe('exitGuarded', () => {
  it('ends the process with its status, after letting the event loop turn, and its guard goes quietly with it', async () => {
    // A guard that missed the exit would hold standard error open for its 20 s.
    const ended = await run(`${IMPORT}
      exitGuarded(3, { graceMs: 20_000 })
      exitGuarded(4)
      setTimeout(() => console.log('the loop turned'), 5)`)
    expect(ended).toMatchObject({ status: 3, signal: null, stdout: 'the loop turned\n', stderr: '' })
    expect(ended.ms).toBeLessThan(10_000)
  }, 30_000)

  it('ends a process whose exit hangs, with SIGKILL once the grace is out, and says so', async () => {
    const ended = await run(`${IMPORT}
      console.log(process.pid)
      exitGuarded(0, { graceMs: 500, exit: ${HANG} })`)
    const pid = Number(ended.stdout.trim())
    expect(ended.status).toBe(null)
    expect(ended.signal).toBe('SIGKILL')
    expect(ended.stderr).toBe(`the exit of process ${pid} hung for 500 ms (Node's platform shutdown, nodejs/node#54918): sent it SIGKILL\n`)
    expect(ended.ms).toBeGreaterThanOrEqual(500)
    expect(ended.ms).toBeLessThan(15_000)
  }, 30_000)

  it('ends it too when nobody reads standard error any more, where the guard’s line cannot go', async () => {
    const ended = await run(`${IMPORT}
      exitGuarded(0, { graceMs: 500, exit: ${HANG} })`, { unread: true })
    expect(ended.signal).toBe('SIGKILL')
    expect(ended.ms).toBeLessThan(15_000)
  }, 30_000)

  it('ends a crash whose exit hangs too: runMain starts the guard before Node prints the error and exits 1', async () => {
    // Node's own exit, hung: an 'exit' listener that blocks, as the platform's shutdown did after it.
    const ended = await run(`import { runMain } from './src/errors/run-main.ts'
      process.on('exit', ${HANG})
      runMain(async () => void setTimeout(() => { throw new Error('a crash nothing caught') }, 10))`)
    // (Node prints the error after its 'exit' listeners: this hung one keeps it from coming, the platform's did not.)
    expect(ended.signal).toBe('SIGKILL')
    expect(ended.stderr).toMatch(/the exit of process \d+ hung for 3000 ms \(Node's platform shutdown, nodejs\/node#54918\): sent it SIGKILL\n$/)
  }, 30_000)

  it('leaves alone a process whose exception a handler takes: it goes on, and ends as it will', async () => {
    const ended = await run(`import { runMain } from './src/errors/run-main.ts'
      process.on('uncaughtException', (error) => console.log('taken: ' + error.message))
      runMain(async () => void setTimeout(() => { throw new Error('a handled one') }, 10))
      setTimeout(() => console.log('still here'), 4000)`)
    expect(ended).toMatchObject({ status: 0, signal: null, stdout: 'taken: a handled one\nstill here\n', stderr: '' })
  }, 30_000)

  it('is not ended by a second Ctrl-C (SIGINT to the whole process group), which the stopping service ignores', async () => {
    // Detached: a process group of its own, as a terminal's foreground job (npm, the service, its guard) is.
    const child = nodeScript(`${IMPORT}
      process.on('SIGINT', () => {})
      console.log('ready')
      exitGuarded(0, { graceMs: 3000, exit: ${HANG} })`, { detached: true })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_status, signal) => resolve(signal)))
    // The guard started and its handlers placed, then the user presses Ctrl-C again. Not after a fixed time: under a
    // loaded CI the script's own start (tsx) once took longer than 1.5 s, and the SIGINT came before its handler.
    const pid = child.pid as number
    expect(await polled(() => stdout, (said) => said === 'ready\n', 15_000)).toBe('ready\n')
    const guard = await polled(() => childrenOf(pid)[0], (found) => found !== undefined, 15_000)
    expect(await polled(() => guard !== undefined && catchesSignals(guard, ['SIGINT', 'SIGTERM', 'SIGHUP']), Boolean, 15_000)).toBe(true)
    process.kill(-pid, 'SIGINT')
    expect(await exited).toBe('SIGKILL')
    expect(stderr).toContain('sent it SIGKILL')
  }, 30_000)

  it('kills nothing once this process is gone, even when its timer comes before it reads the pipe’s end (stopped, SIGSTOP, and continued)', async () => {
    // The exit waits until the guard runs, stops it, and exits; the guard is continued after its grace is out.
    const child = nodeScript(`${IMPORT}
      import fs from 'node:fs'
      exitGuarded(0, { graceMs: 1000, exit: (code) => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 700)
        const guard = Number(fs.readFileSync('/proc/' + process.pid + '/task/' + process.pid + '/children', 'utf8').trim())
        process.kill(guard, 'SIGSTOP')
        console.log(guard)
        process.exit(code)
      } })`)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const status = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    expect(status).toBe(0)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const guard = Number(stdout.trim())
    // The guard holds the shared standard error until it ends: while it is open, its pid is still the guard's.
    let guardEnded = false
    const closed = new Promise<void>((resolve) => child.stderr.once('close', () => resolve((guardEnded = true) && undefined)))
    try {
      process.kill(guard, 'SIGCONT')
      await closed
    } finally {
      // Never a guard left stopped by a test that failed.
      if (!guardEnded && guard > 0) for (const signal of ['SIGCONT', 'SIGKILL'] as const) try { process.kill(guard, signal) } catch {}
    }
    expect(stderr).toBe('')
  }, 30_000)
})
