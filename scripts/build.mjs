// Compiles src/ into dist/ with tsc, then bundles the service's entries with
// esbuild over tsc's: dist/main.js, dist/export.js, dist/plus-token.js and
// the render workers' dist/render-worker.js (beside main.js, where
// render-pool.ts looks for it) each hold every module they run, so a start
// reads and compiles four files, not hundreds from node_modules (issue 14:
// 1.9 s to the first feed before, most of it the ESM loader). The rest of
// tsc's dist/ stays for the tests and bench/heap-harness.mjs, which import
// single modules. With --if-stale it builds only when a source (or a
// tsconfig, or this script) is newer than the last successful build, so that
// `npm start` after a deploy, a crash or a systemd restart starts the built
// service at once instead of spending seconds in tsc. `npm ci` builds once
// (the `prepare` script); `npm start`, `npm test`, `npm run export` and the
// bench check the stamp and rebuild only what an edit made stale.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const STAMP = join('dist', '.build-stamp')
const SOURCES = ['src', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs']

/** The bundles (dist/<name>.js) and their sources; a project without one of these files has no such bundle. */
const ENTRIES = { main: 'src/main.ts', export: 'src/export.ts', 'plus-token': 'src/plus-token.ts', 'render-worker': 'src/site/render-worker.ts' }

// CommonJS packages in an ES module bundle still call require() for Node's built-in modules.
const REQUIRE = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"

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

/** tsc (which type-checks: a type error fails the build), then the bundles, then the stamp. */
export function build(root) {
  const require = createRequire(import.meta.url)
  const result = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
  const entryPoints = Object.fromEntries(Object.entries(ENTRIES).filter(([, source]) => existsSync(join(root, source))))
  require('esbuild').buildSync({
    absWorkingDir: root,
    entryPoints,
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    banner: { js: REQUIRE },
    // Not minified: no faster to start (measured), and a stack trace keeps the source's names. The maps are
    // read only under `node --enable-source-maps`, which would cost every start ~0.25 s of CPU (measured).
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
  })
  writeFileSync(join(root, STAMP), `${new Date().toISOString()}\n`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = process.cwd()
  if (!process.argv.includes('--if-stale') || isStale(root)) build(root)
}
