/**
 * `npm run loadtest`: the bounded load test of bench/load-test.ts against the
 * built service, on a copy of the bundled articles plus 200 generated ones.
 * LOAD_SECONDS (default 30) and LOAD_CONNECTIONS (default 200).
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../tests/helpers/free-port.js'
import { generateCorpus } from './generate-corpus.js'
import { runLoadTest } from './load-test.js'
import { SERVICE_NODE_ENV, serviceArgs } from './service-flags.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

async function main(): Promise<void> {
  const seconds = Number(process.env.LOAD_SECONDS ?? 30)
  const connections = Number(process.env.LOAD_CONNECTIONS ?? 200)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loadtest-'))
  fs.cpSync(path.join(ROOT, 'articles'), path.join(dir, 'articles'), { recursive: true })
  generateCorpus(path.join(dir, 'articles', 'generiert'), 200)
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, serviceArgs(path.join(ROOT, 'dist/main.js')), {
    env: { PATH: process.env.PATH ?? '', ...SERVICE_NODE_ENV, PORT: String(port), SITE_URL: base, ARTICLES_DIR: path.join(dir, 'articles'), MEDIA_DIR: path.join(ROOT, 'media') },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  try {
    for (;;) {
      if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    console.log(`load test: ${connections} connections, ${seconds} s, GET / conditional GET / HEAD over 5 documents, a file added, edited or deleted every 100 ms`)
    const result = await runLoadTest({ base, pid: child.pid as number, articlesDir: path.join(dir, 'articles'), durationMs: seconds * 1000, connections, settleMs: 5000 })
    console.log(`requests ${result.requests} (${result.requestsPerSecond}/s), failures ${result.failures}, statuses ${JSON.stringify(result.byStatus)}, content changes ${result.changes}`)
    console.log(`latency ms: p50 ${result.latencyMs.p50}, p90 ${result.latencyMs.p90}, p99 ${result.latencyMs.p99}, max ${result.latencyMs.max}`)
    console.log(`server RSS MB: before ${result.rssMb.before}, peak ${result.rssMb.peak}, after ${result.rssMb.after} (5 s after the load)`)
    for (const sample of result.failureSamples) console.log(`  failure: ${sample}`)
    if (result.failures > 0) process.exitCode = 1
  } finally {
    child.kill('SIGTERM')
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
