// Compiles src/ into dist/ with tsc. With --if-stale it compiles only when a
// source (or a tsconfig) is newer than the last successful build, so that
// `npm start` after a deploy, a crash or a systemd restart starts the built
// service at once instead of spending seconds in tsc. `npm ci` builds once
// (the `prepare` script); `npm start`, `npm test`, `npm run export` and the
// bench check the stamp and rebuild only what an edit made stale.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const STAMP = join('dist', '.build-stamp')
const SOURCES = ['src', 'tsconfig.json', 'tsconfig.build.json']

/** The newest modification time (ms) under `path`, or 0 when it is missing. */
export function newestChange(path) {
  let stats
  try {
    stats = statSync(path)
  } catch {
    return 0
  }
  if (!stats.isDirectory()) return stats.mtimeMs
  let newest = stats.mtimeMs // a deleted or renamed file changes its folder
  for (const name of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, name)))
  return newest
}

/** True when dist/ is missing or older than any source under `root`. */
export function isStale(root) {
  let built
  try {
    built = statSync(join(root, STAMP)).mtimeMs
  } catch {
    return true
  }
  return SOURCES.some((source) => newestChange(join(root, source)) > built)
}

function build(root) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
  mkdirSync(join(root, 'dist'), { recursive: true })
  writeFileSync(join(root, STAMP), `${new Date().toISOString()}\n`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = process.cwd()
  if (!process.argv.includes('--if-stale') || isStale(root)) build(root)
}
