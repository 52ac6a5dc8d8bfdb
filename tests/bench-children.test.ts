/**
 * How a bench run waits for a server it started (bench/children.ts): only
 * for that server itself. Hostile review of stop 34: another server held the
 * port freePort had handed out, the service failed to listen on it, and the
 * bench measured the other server, then failed with a misleading error.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { untilServing } from '../bench/children.js'
import { freePort } from './helpers/free-port.js'
import { goneWithin, polled } from './helpers/polled.js'

describe('bench/children.ts untilServing', () => {
  it('does not take an answer from another server on the port for its child: the child exited, and it says so', async () => {
    const other = http.createServer((_, response) => response.end('ok')).listen(0, '127.0.0.1')
    await new Promise((resolve) => other.once('listening', resolve))
    const { port } = other.address() as AddressInfo
    try {
      // What the service does when the port is taken: it says so and exits 1, after a moment.
      const child = spawn(process.execPath, ['-e', 'setTimeout(() => { console.error("cannot listen"); process.exit(1) }, 300)'], { stdio: ['ignore', 'pipe', 'ignore'] })
      await expect(untilServing(child, `http://127.0.0.1:${port}/wirtschaft/feed.xml`, 'serving ', 'the service')).rejects.toThrow('the service exited (1) before it served')
    } finally {
      other.close()
    }
  })

  it('returns once its child has said it listens and the URL answers', async () => {
    const port = await freePort()
    const child = spawn(process.execPath, ['-e', `require('http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1', () => console.log('ready'))`], { stdio: ['ignore', 'pipe', 'ignore'] })
    try {
      await untilServing(child, `http://127.0.0.1:${port}/`, 'ready', 'the bare server')
      expect(child.exitCode).toBe(null)
    } finally {
      child.kill()
    }
  })
  // Hostile review of stop 34: SIGTERM to a bench run left the service and both bare servers running, and its folders.
  it('stops what a run started and removes its folders when the run is told to stop (SIGTERM)', async () => {
    const script = `import { spawn } from 'node:child_process'
import { owned, tempFolder } from ${JSON.stringify(path.join(import.meta.dirname, '../bench/children.ts'))}
const child = owned(spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }))
console.log(JSON.stringify({ pid: child.pid, dir: tempFolder('bench-children-test-') }))
setInterval(() => {}, 1000)`
    const run = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: path.join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] })
    const { pid, dir } = await new Promise<{ pid: number; dir: string }>((resolve) => run.stdout.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()))))
    expect(fs.existsSync(dir)).toBe(true)
    const exited = new Promise<number | null>((resolve) => run.once('exit', resolve))
    run.kill('SIGTERM')
    expect(await exited).toBe(143)
    expect([await goneWithin(pid, 3000), fs.existsSync(dir)]).toEqual([true, false])
  })
  // Review of the fix above: under `npm run bench` the bench ran below tsx's CLI, which kills its child 30 ms after
  // passing on a SIGTERM; a bench blocked in wrk (spawnSync) never got to clean up, and the servers stayed.
  it('cleans up under npm run bench when npm is told to stop while wrk runs', async () => {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-npm-term-'))
    const started = path.join(temp, 'wrk-started')
    // A wrk that takes 4 s and says what wrk says: the bench waits in spawnSync meanwhile.
    fs.mkdirSync(path.join(temp, 'bin'))
    fs.writeFileSync(path.join(temp, 'bin/wrk'), `#!/bin/sh\n[ "$1" = --version ] && exit 0\ntouch '${started}'\nsleep 4\necho '  4000 requests in 4.00s, 1.00MB read'\necho 'Requests/sec:   1000.00'\n`, { mode: 0o755 })
    const tmp = path.join(temp, 'tmp')
    fs.mkdirSync(tmp)
    const npm = spawn('npm', ['run', '-s', 'bench'], {
      cwd: path.join(import.meta.dirname, '..'),
      env: {
        PATH: `${path.join(temp, 'bin')}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '', TMPDIR: tmp,
        BENCH_SIZES: '', BENCH_ROUNDS: '1', BENCH_SECONDS: '1', BENCH_START_ROUNDS: '0', BENCH_EXPORT_SIZES: '', BENCH_CONNECTIONS: '32', BENCH_CONTROL: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    // What the run said, for the message of a failure (once it waited 60 s for its wrk in CI, and said nothing).
    let said = ''
    const hear = (chunk: Buffer) => (said = (said + chunk.toString()).slice(-4096))
    npm.stdout?.on('data', hear)
    npm.stderr?.on('data', hear)
    const exited = new Promise((resolve) => npm.once('exit', resolve))
    /** Processes that name the run's temporary folder in their command line or environment: what the run started. */
    const runs = (): string[] =>
      fs.readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && Number(pid) !== process.pid).filter((pid) => {
        try {
          return [`/proc/${pid}/cmdline`, `/proc/${pid}/environ`].some((file) => fs.readFileSync(file, 'latin1').includes(tmp))
        } catch {
          return false
        }
      })
    /** The bench's own folders (tsx keeps its cache beside them). */
    const folders = () => fs.readdirSync(tmp).filter((name) => name.startsWith('bench-'))
    try {
      expect(await polled(() => fs.existsSync(started), (yes) => yes, 60_000)).toBe(true)
      expect(runs().length).toBeGreaterThan(0)
      npm.kill('SIGTERM')
      // Within the wrk run it met (4 s) and a little: not once the whole part is done.
      expect(await Promise.race([exited.then(() => 'stopped'), new Promise((resolve) => setTimeout(() => resolve('still running after 8 s'), 8000))])).toBe('stopped')
      const left = await polled(() => [...runs(), ...folders()], (names) => names.length === 0, 10_000)
      expect(left).toEqual([])
    } finally {
      for (const pid of runs()) process.kill(Number(pid), 'SIGKILL')
      if (npm.exitCode === null) npm.kill('SIGKILL')
      fs.rmSync(temp, { recursive: true, force: true })
    }
  }, 90_000)
})
