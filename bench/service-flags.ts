import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/**
 * The flags `npm start` gives node (package.json's `exec node <flags> scripts/start.mjs`; docs/operations.md): every bench
 * starts the service as `node <flags> dist/main.js`, so that it measures the process `npm start` runs. The bare server
 * the throughput bench compares it with runs without them.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = (() => {
  // `exec` first: the shell npm runs the script in becomes node, so npm's SIGTERM reaches the service.
  const words = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.replace(/^exec\s+/, '').split(/\s+/)
  const script = words.indexOf('scripts/start.mjs')
  if (words[0] !== 'node' || script === -1) throw new Error(`package.json's start script is not "[exec] node [flags] scripts/start.mjs": ${words.join(' ')}`)
  return words.slice(1, script)
})()

/** node's arguments for the service whose entry is `main` (a dist/main.js). */
export const serviceArgs = (main: string): string[] => [...SERVICE_NODE_FLAGS, main]
