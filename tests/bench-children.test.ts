/**
 * How a bench run waits for a server it started (bench/children.ts): only
 * for that server itself. Hostile review of stop 34: another server held the
 * port freePort had handed out, the service failed to listen on it, and the
 * bench measured the other server, then failed with a misleading error.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { untilServing } from '../bench/children.js'
import { freePort } from './helpers/free-port.js'
import { goneWithin } from './helpers/polled.js'

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
})
