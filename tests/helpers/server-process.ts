import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './free-port.js'

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url))

/** Whether the tests run as root, which reads everything: a test about permissions then runs the service as nobody. */
export const AS_ROOT = process.getuid?.() === 0

/** What `startServer` needs to run the service as an ordinary user: nobody when the tests run as root, else the tests' own. */
export const ORDINARY_USER: { uid?: number; gid?: number } = AS_ROOT ? { uid: 65534, gid: 65534 } : {}

export interface RunningServer {
  readonly child: ChildProcess
  readonly base: string
  output(): string
  /** Sends SIGTERM to this process (only this one) and resolves with its exit code. */
  stop(): Promise<number | null>
}

/**
 * Starts the built service (`dist/main.js`, as `npm start` does) on a free
 * loopback port; `as` runs it as another user (the tests that need an
 * ordinary user, when they run as root) or in another working directory
 * (`cwd`); `main` runs a copy of the bundle.
 */
export async function startServer(env: Record<string, string>, args: string[] = [], as: { uid?: number; gid?: number; cwd?: string } = {}, main = MAIN): Promise<RunningServer> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  // A STATE_DIR of its own unless the test names one: else every test server wrote its index snapshot into the checkout's state/.
  const state = env.STATE_DIR === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), 'server-state-')) : undefined
  if (state && as.uid !== undefined) fs.chownSync(state, as.uid, as.gid ?? as.uid)
  const child = spawn(process.execPath, [main, ...args], {
    // No metrics listener unless a test asks for one: 9464 is one port for every test server.
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', SITE_URL: base, METRICS_PORT: '0', ...(state ? { STATE_DIR: state } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...as,
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      if (state) fs.rmSync(state, { recursive: true, force: true })
      resolve(code)
    }),
  )
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15_000)
    const check = (): void => {
      if (output.includes('serving ')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout?.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}:\n${output}`))
    })
  })
  return {
    child,
    base,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}

/**
 * startServer with a metrics listener of its own: METRICS_PORT a port free a moment before, and the server started
 * again on another when its listener could not take it (a warning; the feeds are served). Another test's server had
 * taken it meanwhile once, and the test read that server's /metrics (tests/plus/log-hygiene.test.ts on Node 24 in CI).
 */
export async function startServerWithMetrics(env: Record<string, string>, ports: () => Promise<number> = freePort): Promise<RunningServer & { readonly metricsPort: number }> {
  for (let attempt = 1; ; attempt++) {
    const metricsPort = await ports()
    const server = await startServer({ ...env, METRICS_PORT: String(metricsPort) })
    const listening = `metrics on http://127.0.0.1:${metricsPort}/metrics`
    const since = Date.now()
    while (!server.output().includes(listening) && !server.output().includes('warning METRICS_PORT') && Date.now() - since < 15_000) await new Promise((resolve) => setTimeout(resolve, 10))
    if (server.output().includes(listening)) return Object.assign(server, { metricsPort })
    await server.stop()
    if (attempt === 3) throw new Error(`no metrics listener in three starts:\n${server.output()}`)
  }
}
