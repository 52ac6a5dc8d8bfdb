import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/**
 * What `npm start` gives node (package.json's `[NAME=${NAME:-value} …] exec node <flags> scripts/start.mjs`;
 * docs/operations.md): every bench starts the service as `NAME=value node <flags> dist/main.js`, so that it measures
 * the process `npm start` runs. The bare server the throughput bench compares it with runs without them.
 */
const START = (() => {
  const script = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
  const words = script.split(/\s+/)
  const env: Record<string, string> = {}
  // `NAME=${NAME:-value}` or `NAME=value`: the value where the environment has none (the bench's services get PATH alone).
  let assignment: RegExpExecArray | null
  while ((assignment = /^(\w+)=(?:\$\{\1:-([^}]*)\}|(\S*))$/.exec(words[0] ?? '')) !== null) {
    env[assignment[1] as string] = assignment[2] ?? assignment[3] ?? ''
    words.shift()
  }
  // `exec`: the shell npm runs the script in becomes node, so npm's SIGTERM reaches the service.
  if (words[0] === 'exec') words.shift()
  const entry = words.indexOf('scripts/start.mjs')
  if (words[0] !== 'node' || entry === -1) throw new Error(`package.json's start script is not "[NAME=… …] [exec] node [flags] scripts/start.mjs": ${script}`)
  return { env, flags: words.slice(1, entry) }
})()

/** node's flags in `npm start`. */
export const SERVICE_NODE_FLAGS: readonly string[] = START.flags

/** The environment `npm start` sets for node, as it is where the environment sets none of it (`MALLOC_ARENA_MAX`). */
export const SERVICE_NODE_ENV: Readonly<Record<string, string>> = START.env

/** node's arguments for the service whose entry is `main` (a dist/main.js). */
export const serviceArgs = (main: string): string[] => [...SERVICE_NODE_FLAGS, main]

/** How the service is started, for a bench's header: `NAME=value node <flags> <main>`. */
export const serviceCommand = (main: string): string => [...Object.entries(SERVICE_NODE_ENV).map(([name, value]) => `${name}=${value}`), 'node', ...serviceArgs(main)].join(' ')

/**
 * Environment for every service a bench starts, as `KEY=VALUE` words in BENCH_SERVICE_ENV
 * (`MALLOC_ARENA_MAX=1`: docs/operations.md's memory settings; `PURGE=varnish:http://127.0.0.1:1/`: with a CDN).
 */
export const BENCH_SERVICE_ENV: Readonly<Record<string, string>> = Object.fromEntries(
  (process.env.BENCH_SERVICE_ENV ?? '').split(/\s+/).filter(Boolean).map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]),
)
