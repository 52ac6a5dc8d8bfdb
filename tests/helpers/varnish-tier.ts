import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './free-port.js'
import { startServer, type RunningServer } from './server-process.js'
import { makeTempDir } from './temp-dir.js'

/** The VCL the repository ships (docs/deployment.md); the test fills in backends.vcl. */
const VCL_DIR = fileURLToPath(new URL('../../ops/varnish/', import.meta.url))
const VARNISHD = process.env.VARNISHD_PATH ?? '/usr/sbin/varnishd'

export interface VarnishTier {
  /** Varnish's base URL, which is also the instances' SITE_URL. */
  readonly url: string
  readonly instances: readonly RunningServer[]
  /** Varnish's output and the instances', for failure messages. */
  output(): string
  /** Sends PURGE with xkey-purge, as the instances do. */
  purge(keys: readonly string[]): Promise<number>
  /** Stops Varnish and the instances, by their ids, and removes the temp folder. */
  stop(): Promise<void>
}

/**
 * Debian's varnishd on a free loopback port, with ops/varnish/default.vcl and
 * a round-robin director over `count` instances of the built service (dist/)
 * on one articles folder; each purges Varnish (PURGE=varnish:…) and tells it
 * CDN_MAX_AGE. varnishd runs in the foreground (-F) as this test's child,
 * without a jail (-j none: these tests may run as root), its working folder
 * (-n) in a temp folder.
 */
export async function startVarnishTier(env: Record<string, string>, count = 2, ports: () => Promise<number> = freePort): Promise<VarnishTier> {
  if (!fs.existsSync(VARNISHD)) throw new Error(`${VARNISHD} is missing: install Debian's varnish and varnish-modules (scripts/ensure-test-tools.sh)`)
  // The port was free when asked, not always when varnishd binds it, a few seconds later (the instances start
  // between): "Could not get socket …: Address already in use" failed CI once (stop 56). The instances' SITE_URL
  // and PURGE name Varnish's port, so the whole tier starts again on another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startTierOn(await ports(), env, count)
    } catch (error) {
      if (attempt === 3 || !String(error).includes('Address already in use')) throw error
    }
  }
}

async function startTierOn(port: number, env: Record<string, string>, count: number): Promise<VarnishTier> {
  const temp = makeTempDir('varnish-tier-')
  const url = `http://127.0.0.1:${port}/`
  const instances: RunningServer[] = []
  let varnish: ChildProcess | undefined
  let varnishOutput = ''
  const stop = async (): Promise<void> => {
    if (varnish && varnish.exitCode === null) {
      const exited = new Promise((resolve) => varnish?.once('exit', resolve))
      varnish.kill('SIGTERM')
      await exited
    }
    await Promise.all(instances.map((instance) => instance.stop()))
    temp.rm()
  }
  try {
    // Both at once (the machine's two cores), each kept for stop() as soon as it is up, even if the other fails.
    const starting = Array.from({ length: count }, () => startServer({ SITE_URL: url, PURGE: `varnish:${url}`, CDN_MAX_AGE: '86400', ...env }))
    const started = await Promise.allSettled(starting)
    for (const result of started) if (result.status === 'fulfilled') instances.push(result.value)
    const failed = started.find((result) => result.status === 'rejected')
    if (failed) throw failed.reason
    const backends = instances.map((instance, index) => {
      const { port: backendPort } = new URL(instance.base)
      return `backend app${index + 1} {\n  .host = "127.0.0.1";\n  .port = "${backendPort}";\n}\n`
    })
    temp.write(
      'backends.vcl',
      `${backends.join('')}\nsub vcl_init {\n  new origin = directors.round_robin();\n${instances.map((_, index) => `  origin.add_backend(app${index + 1});\n`).join('')}}\n`,
    )
    const args = ['-F', '-n', path.join(temp.dir, 'work'), '-a', `127.0.0.1:${port}`, '-f', path.join(VCL_DIR, 'default.vcl')]
    args.push('-p', `vcl_path=${temp.dir}:${VCL_DIR}`, '-s', 'malloc,64m', '-j', 'none', '-T', 'none')
    varnish = spawn(VARNISHD, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    varnish.stdout?.on('data', (chunk: Buffer) => (varnishOutput += chunk.toString()))
    varnish.stderr?.on('data', (chunk: Buffer) => (varnishOutput += chunk.toString()))
    await waitForVarnish(url, varnish, () => varnishOutput)
  } catch (error) {
    await stop()
    throw error
  }
  return {
    url,
    instances,
    output: () => [varnishOutput, ...instances.map((instance) => instance.output())].join('\n---\n'),
    purge: async (keys) => (await fetch(url, { method: 'PURGE', headers: { 'xkey-purge': keys.join(' ') } })).status,
    stop,
  }
}

async function waitForVarnish(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const end = Date.now() + 20_000
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`varnishd exited with ${child.exitCode}:\n${output()}`)
    try {
      // The VCL answers PURGE without a key with 400: Varnish is up and the VCL loaded.
      // Bounded: what holds the port when varnishd could not take it may never answer.
      const response = await fetch(url, { method: 'PURGE', signal: AbortSignal.timeout(1000) })
      await response.arrayBuffer()
      if (response.status === 400) return
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`varnishd did not answer in 20 s:\n${output()}`)
}
