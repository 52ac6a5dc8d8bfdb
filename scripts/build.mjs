// Compiles src/ into dist/ with tsc, then bundles the service's entries with
// esbuild over tsc's: dist/main.js, dist/export.js, dist/plus-token.js and
// the render workers' dist/render-worker.js (beside main.js, where
// render-pool.ts looks for it; dist/stamp-worker.js and dist/parse-worker.js
// likewise for content/file-stamps.ts and content/read-ahead.ts) hold every module they run, so a start
// reads and compiles a few files, not hundreds from node_modules (issue 14:
// 1.9 s to the first feed before, most of it the ESM loader); dist/main.js
// is split into parts (dist/part-*.js) that it loads after the first feed. The rest of
// tsc's dist/ stays for the tests and bench/heap-harness.mjs, which import
// single modules. With --if-stale it builds only when a source (or a
// tsconfig, or this script) is newer than the last successful build, so that
// `npm start` after a deploy, a crash or a systemd restart starts the built
// service at once instead of spending seconds in tsc. `npm ci` builds once
// (the `prepare` script); `npm start`, `npm test`, `npm run export` and the
// bench check the stamp and rebuild only what an edit made stale. The
// service's bundle carries the parse identity (parseIdentity, below): a
// restart takes its articles from the index snapshot when its parsing code
// is the one that wrote it.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const STAMP = join('dist', '.build-stamp')
const SOURCES = ['src', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs']

/**
 * The bundles (dist/<name>.js) and their sources, the first that exists; a project without any has no such bundle.
 * dist/main.js is src/launch.ts, which starts the render workers and then loads src/main.ts (the service).
 */
const ENTRIES = { main: ['src/launch.ts', 'src/main.ts'], export: ['src/export.ts'], 'plus-token': ['src/plus-token.ts'], 'render-worker': ['src/site/render-worker.ts'], 'stamp-worker': ['src/content/stamp-worker.ts'], 'parse-worker': ['src/content/parse-worker.ts'] }

/**
 * The build's own dependencies (esbuild, tsc, the source map codec), loaded when a build runs: scripts/start.mjs
 * imports this file where dev dependencies may be missing (a production install with a built dist/).
 */
const devRequire = createRequire(import.meta.url)

// CommonJS packages in an ES module bundle still call require() for Node's built-in modules. Only those: every other
// module is in the bundle, so a bundle run from a `data:` URL (src/util/held-module.ts), which createRequire refuses,
// requires from the root.
const REQUIRE = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url.startsWith('file:') ? import.meta.url : 'file:///');"

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

/** dist/package.json: `"type": "module"` for the bundles wherever dist/ is copied (build() says why). */
const DIST_PACKAGE = `${JSON.stringify({ type: 'module' })}\n`
const distPackageIsCurrent = (root) => {
  try {
    return readFileSync(join(root, 'dist', 'package.json'), 'utf8') === DIST_PACKAGE
  } catch {
    return false
  }
}

/**
 * True when dist/ is missing or older than any source under `root`, or its package.json is not the one build() writes
 * (a dist/ built before the build wrote one, in a tree unpacked with times older than its stamp).
 */
export function isStale(root) {
  let built
  try {
    built = statSync(join(root, STAMP)).mtimeMs
  } catch {
    return true
  }
  if (!distPackageIsCurrent(root)) return true
  return SOURCES.some((source) => newestChange(join(root, source)) > built)
}

/** Parts of dist/main.js, loaded by it (a part's name says which modules it holds). */
const PART = /^part-[\w-]+-[A-Z0-9]{8}\.js(\.map)?$/

/**
 * gray-matter's own YAML engine (js-yaml 3), in its place: content/front-matter.ts gives gray-matter
 * its engines, so this one never parses, but loading it cost every start its evaluation and a
 * require() of esprima from node_modules (issue 14). It throws should that ever change.
 */
const GRAY_MATTER_YAML = `const refuse = () => { throw new Error("gray-matter's default YAML engine is not bundled: pass engines (content/front-matter.ts)") }
module.exports = { safeLoad: refuse, safeDump: refuse, load: refuse, dump: refuse }`

/** @type {import('esbuild').Plugin} */
const grayMatterYaml = {
  name: 'gray-matter-yaml',
  setup(build) {
    build.onResolve({ filter: /^js-yaml$/ }, (args) => (/[\\/]gray-matter[\\/]lib[\\/]/.test(args.importer) ? { path: 'gray-matter-yaml', namespace: 'gray-matter-yaml' } : undefined))
    build.onLoad({ filter: /.*/, namespace: 'gray-matter-yaml' }, () => ({ contents: GRAY_MATTER_YAML, loader: 'js' }))
  },
}

/**
 * zod's messages in English only: `z` holds every language zod has (z.locales), 360 KB that every start
 * compiled; the service uses zod's English default and words its own messages (errors/describe-issue.ts).
 */
/** @type {import('esbuild').Plugin} */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir)
        ? { path: 'zod/v4/locales/index.js', namespace: 'zod-english-only', pluginData: join(args.resolveDir, '../locales') }
        : undefined,
    )
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({ contents: 'export { default as en } from "./en.js"\n', resolveDir: args.pluginData, loader: 'js' }))
  },
}

/**
 * `code` (a bundle) with every character above U+007F written as `\uXXXX`. One such character makes V8 hold the
 * whole source (which it keeps for lazy compiling) as UTF-16 rather than one byte a character: 2.6 MB instead of
 * 1.3 MB for main.js's main part, 2.2 instead of 1.1 for the renderer part and for each render worker's bundle, 4-5
 * MB of a 50,000-article service's resident memory (issue 14). Node 20 keeps a source of Latin-1 characters (ä, §)
 * in one byte each; Node 24 does so only up to 1 MiB: the renderer part, with six § in its comments, took 2.2 MB.
 * esbuild escapes them in strings and names (its charset is ASCII) but not in comments (this project's and its
 * dependencies' „“, –, →, §) nor in regular expressions (markdown-it's /([?!])…/ and the project's quote classes),
 * where `\uXXXX` means the same character, with or without the u flag.
 * What shows the text as written shows the escape instead (a function's toString(), a regular expression's source).
 * Throws unless every one escaped is in a comment or a regular expression: in a tagged template (whose raw text a
 * tag may read) or after a backslash the escape would change what the code does.
 */
export function asciiOnly(code, name = 'a bundle') {
  const escaped = escapeNonAscii(code)
  if (escaped === code) return code
  const inCode = shown(code)
  const fails = [
    count(inCode) !== count(shown(code, { lowered: true })) && 'in a tagged template',
    // After a backslash that is itself escaped (`/[\\ä]/`) the character means itself.
    /(^|[^\\])(\\\\)*\\[^\0-\x7f]/.test(inCode) && 'after a backslash',
    shown(escaped) !== escapeNonAscii(inCode) && 'where its escape changes the code',
  ].filter(Boolean)
  if (fails.length > 0) {
    throw new Error(
      `build: ${name} holds a character above U+007F ${fails.join(', ')}: it cannot be escaped; write it as \\uXXXX in the source (a dependency's: tell its authors)`,
    )
  }
  return escaped
}

/**
 * `source` without comments; `lowered`, with its template literals as calls and strings, which charset ascii escapes:
 * what that still holds above U+007F is in regular expressions.
 */
const shown = (source, { lowered = false } = {}) =>
  devRequire('esbuild').transformSync(source, { minifyWhitespace: true, legalComments: 'none', format: 'esm', charset: 'ascii', ...(lowered && { supported: { 'template-literal': false } }) }).code
const count = (text) => text.match(NON_ASCII)?.length ?? 0

const NON_ASCII = /[^\0-\x7f]/g
/** `text` with every UTF-16 unit above U+007F written as `\uXXXX`. */
export const escapeNonAscii = (text) => text.replace(NON_ASCII, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)

/**
 * The text of a tagged template is not asciiOnly's to escape: its tag may read the raw text. The pages' German (ä,
 * ü, ·) is in hono's `html` templates, so a source file of the project that holds such a character in a tagged
 * template has its template literals lowered by esbuild before it is bundled: a tagged one to a call of its tag
 * with the cooked and raw strings as string literals, which charset ascii escapes with their values unchanged, an
 * untagged one to "".concat(...), as the language defines it. Only those files (src/site/pages.ts and
 * feed-pages.ts, whose pages are rendered once per change): every other keeps its template literals. Each file is
 * compiled as the build compiles it (its tsconfig.json, `extends` and all); one that does not compile is left to
 * the build, which names it. A plugin for one build() (its checks are kept for the second esbuild run).
 */
function asciiTemplates() {
  const lowered = new Map()
  /** @type {import('esbuild').Plugin} */
  return {
    name: 'ascii-templates',
    setup(build) {
      const root = build.initialOptions.absWorkingDir ?? process.cwd()
      const compile = (file, options) =>
        devRequire('esbuild').buildSync({ absWorkingDir: root, entryPoints: [file], bundle: false, write: false, format: 'esm', logLevel: 'silent', ...options }).outputFiles[0].text
      const lower = (file) => {
        const source = readFileSync(file, 'utf8')
        if (!/[^\0-\x7f]/.test(source) || !source.includes('`')) return undefined
        try {
          const plain = { minifyWhitespace: true, legalComments: 'none', charset: 'ascii' }
          if (count(compile(file, plain)) === count(compile(file, { ...plain, supported: { 'template-literal': false } }))) return undefined
          return compile(file, { sourcemap: 'inline', supported: { 'template-literal': false } })
        } catch {
          return undefined
        }
      }
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (/[\\/]node_modules[\\/]/.test(args.path)) return undefined
        if (!lowered.has(args.path)) lowered.set(args.path, lower(args.path))
        const contents = lowered.get(args.path)
        return contents === undefined ? undefined : { contents, loader: 'js' }
      })
    },
  }
}

/**
 * The source map of `code` (its JSON text) for `code` escaped by asciiOnly: each escape is five characters longer
 * than the character it stands for, so every column after it on its line moves (a stack trace under
 * --enable-source-maps would point beside the code).
 */
export function asciiMap(map, code) {
  if (!/[^\0-\x7f]/.test(code)) return map // no escape: the map stands
  const lines = code.split('\n')
  const { decode, encode } = devRequire('@jridgewell/sourcemap-codec')
  const json = JSON.parse(map)
  const mappings = decode(json.mappings).map((segments, index) => {
    const before = [...(lines[index] ?? '').matchAll(NON_ASCII)].map((match) => match.index)
    if (before.length === 0) return segments
    return segments.map(([column, ...rest]) => [column + 5 * before.filter((at) => at < column).length, ...rest])
  })
  return JSON.stringify({ ...json, mappings: encode(mappings) })
}

/**
 * Writes `file` whole: into `file.tmp`, renamed over it, so that a reader (a worker a running service starts) finds
 * the old or the new, never half of one; a write that fails (a full disk) leaves no `.tmp` behind.
 */
function replaceFile(file, contents) {
  try {
    writeFileSync(`${file}.tmp`, contents)
    renameSync(`${file}.tmp`, file)
  } catch (error) {
    rmSync(`${file}.tmp`, { force: true })
    throw error
  }
}

/**
 * What decides the rows of the index snapshot (store/index-snapshot.ts): the modules that read a file, parse it, hold
 * the article and write and read the rows, and every source wrapped around the file source before the snapshot
 * (ops/timed-source.ts). Their bundle (with everything it imports, dependencies included, made with the service's
 * own esbuild options) is the parse identity, which the service's bundle carries (content/build-identity.ts): a
 * build whose code here is the same (the same source built again, a change to feeds, pages or HTTP) keeps the
 * snapshot a restart takes its articles from, where another would read every file again (7-11 s at 50,000, issue
 * 14). Code that changes what a source gives the snapshot belongs in one of these modules. PARSE_COMPOSITION are
 * hashed as text: the files that put the chain together (main.ts, content-store.ts) and this script, which decides
 * how all of it is built.
 */
export const PARSE_ROOTS = [
  'src/store/index-snapshot.ts',
  'src/content/article-source.ts',
  'src/store/compact-articles.ts',
  'src/content/body-digest.ts',
  'src/content/stamp-worker.ts',
  'src/content/parse-worker.ts',
  'src/ops/timed-source.ts',
  'src/ops/state-file.ts',
]
const PARSE_COMPOSITION = ['src/main.ts', 'src/store/content-store.ts', 'scripts/build.mjs']

/**
 * The parse identity of the source under `root`, and the files it is made of (PARSE_ROOTS and what they import;
 * PARSE_COMPOSITION). `options`: the bundles' esbuild options (build()). A project that lacks one of them (renamed)
 * is refused: its identity would leave out what the missing one holds or imports.
 */
export async function parseIdentity(root, options = bundleOptions(root)) {
  const roots = PARSE_ROOTS.filter((file) => existsSync(join(root, file)))
  const composition = PARSE_COMPOSITION.filter((file) => existsSync(join(root, file)))
  // A project of the service (it has a store) has them all; the build's own tests build projects of a file or two.
  const service = existsSync(join(root, 'src/store')) || roots.length > 0
  const missing = service ? [...PARSE_ROOTS, ...PARSE_COMPOSITION].filter((file) => !roots.includes(file) && !composition.includes(file)) : []
  if (missing.length > 0) throw new Error(`scripts/build.mjs: PARSE_ROOTS and PARSE_COMPOSITION name ${missing.join(', ')}, which is not there: name what took its place`)
  const hash = createHash('sha256')
  let inputs = []
  if (roots.length > 0) {
    const result = await devRequire('esbuild').build({ ...options, entryPoints: roots, sourcemap: false, metafile: true, outdir: 'dist/.parse-identity-bundle' })
    inputs = Object.keys(result.metafile.inputs).sort()
    const wherever = modulesWherever(root)
    for (const file of [...result.outputFiles].sort((a, b) => (a.path < b.path ? -1 : 1))) hash.update(`${relative(root, file.path)}\n${wherever(file.text)}\n`)
  }
  for (const file of composition) hash.update(`${file}\n${readFileSync(join(root, file), 'utf8')}\n`)
  return { identity: hash.digest('base64url'), inputs: [...inputs, ...composition] }
}

/**
 * A bundle's text as if node_modules lay in the project: esbuild names each module by its real path relative to
 * the project, so a node_modules linked from elsewhere (a deploy's shared one) would give the same code another
 * identity, and every restart after such a deploy would read every file. Only that exact path is replaced.
 */
function modulesWherever(root) {
  let real
  try {
    real = relative(root, realpathSync(join(root, 'node_modules'))).split(sep).join('/')
  } catch {
    return (text) => text
  }
  return real === 'node_modules' ? (text) => text : (text) => text.replaceAll(`${real}/`, 'node_modules/')
}

/** esbuild's options for the bundles (build()) and the parse identity. */
function bundleOptions(root) {
  return {
    absWorkingDir: root,
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    banner: { js: REQUIRE },
    plugins: [grayMatterYaml, zodEnglishOnly, asciiTemplates()],
    // Not minified: no faster to start (measured), and a stack trace keeps the source's names. The maps are
    // read only under `node --enable-source-maps`, which would cost every start ~0.25 s of CPU (measured).
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
    // Written below, each file with what it holds above U+007F escaped (asciiOnly).
    write: false,
  }
}

/** The bundles, in memory, escaped; then tsc (which type-checks: a type error fails the build); then the bundles are written, then the stamp. */
export async function build(root) {
  const entries = Object.entries(ENTRIES).flatMap(([name, sources]) => sources.filter((source) => existsSync(join(root, source))).slice(0, 1).map((source) => [name, source]))
  const started = Date.now()
  const options = bundleOptions(root)
  const esbuild = devRequire('esbuild')
  // The parse identity first: the bundles carry it (content/build-identity.ts), so no code runs under another's.
  const parse = await parseIdentity(root, options)
  const identified = { ...options, define: { __PARSE_IDENTITY__: JSON.stringify(parse.identity) } }
  const [service, others] = await Promise.all([
    // The service, split: what it imports dynamically (import()) is a part of its own, loaded a second after the service
    // listens (main.ts), so that a start neither reads nor evaluates the code its first feed does not need (issue 14).
    // Parts stay beside main.js, where import.meta.url finds render-worker.js, stamp-worker.js and parse-worker.js.
    esbuild.build({ ...identified, entryPoints: Object.fromEntries(entries.filter(([name]) => name === 'main')), splitting: true, chunkNames: 'part-[name]-[hash]' }),
    esbuild.build({ ...identified, entryPoints: Object.fromEntries(entries.filter(([name]) => name !== 'main')) }),
  ])
  // The bundles read the files after the identity did: a file of its code written meanwhile (a save, or a copy that
  // keeps the old time: rsync -a, tar x) would ship new parsing code under the old identity. Made again now, it
  // tells (with options of its own: the lowered templates the bundles used are kept in their plugin); a file changed
  // and changed back within the build is not seen. Nothing is written yet; the next build reads it all again.
  if ((await parseIdentity(root)).identity !== parse.identity) {
    console.error('scripts/build.mjs: the code the parse identity is made of changed while the build read it; nothing written: build again')
    process.exit(1)
  }
  const outputs = [...service.outputFiles, ...others.outputFiles]
  const textOf = new Map(outputs.map((file) => [file.path, file.text]))
  // Every bundle escaped before tsc runs: one that cannot be leaves dist/ as it was.
  const files = outputs.map((file) => {
    if (file.path.endsWith('.js')) return [file.path, asciiOnly(file.text, relative(root, file.path))]
    const code = file.path.endsWith('.js.map') ? textOf.get(file.path.slice(0, -'.map'.length)) : undefined
    return [file.path, code === undefined ? file.contents : asciiMap(file.text, code)]
  })
  // tsc writes main.js, export.js and plus-token.js where the bundles go, so it runs once they are made; and emits
  // nothing on a type error, which leaves the last build's bundles in place.
  const result = spawnSync(process.execPath, [devRequire.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--noEmitOnError'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
  // Parts before the bundles that import them: a write that fails (a full disk) leaves no main.js naming a part not
  // written. What a build killed while writing left (`.tmp`) goes first.
  const dist = join(root, 'dist')
  for (const name of readdirSync(dist)) if (name.endsWith('.tmp')) rmSync(join(dist, name), { force: true })
  files.sort(([a], [b]) => Number(!PART.test(basename(a))) - Number(!PART.test(basename(b))))
  for (const [file, contents] of files) replaceFile(file, contents)
  // The parts of an earlier build go once the new ones are written, not before: a service still running from this
  // dist/ has loaded its parts a second after it listened (main.ts), and one that had not finds them meanwhile.
  const written = new Set(service.outputFiles.map((file) => basename(file.path)))
  for (const name of readdirSync(dist)) if (PART.test(name) && !written.has(name)) rmSync(join(dist, name))
  // dist/ says itself that its .js files are ES modules. Copied alone (a container image's last stage takes dist/ and
  // no package.json), Node found no "type": "module" above the bundles and had to detect it: it compiled each one
  // (main.js's parts, every worker's) as CommonJS first, met `import`, and compiled it again. At 50,000 articles
  // that put a restart's peak 8 s on at 275-283 MB instead of 258-263 (four runs each, issue 14).
  // Replaced whole, and only when it differs: a worker that a running service starts reads it, and an empty or
  // half-written one fails every import under dist/ (ERR_INVALID_PACKAGE_CONFIG).
  if (!distPackageIsCurrent(root)) replaceFile(join(dist, 'package.json'), DIST_PACKAGE)
  // Dated when the build began: a source saved during the build (while tsc ran, or the files were written) is newer
  // than the stamp, so the next `--if-stale` builds again.
  writeFileSync(join(root, STAMP), `${new Date(started).toISOString()}\n`)
  utimesSync(join(root, STAMP), new Date(started), new Date(started))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = process.cwd()
  if (!process.argv.includes('--if-stale') || isStale(root)) await build(root)
}
