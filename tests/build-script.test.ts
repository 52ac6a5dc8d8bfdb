import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
// @ts-expect-error: a plain ES module script, without types
import { asciiMap, asciiOnly, escapeNonAscii, isStale, parseIdentity } from '../scripts/build.mjs'
import { catchesSighup } from './helpers/polled.js'
import { makeTempDir } from './helpers/temp-dir.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

// A project of one file with the real build script: `npm start` (prestart:
// build.mjs --if-stale) compiles only when a source or a tsconfig changed.
const project = makeTempDir('build-script-')
afterAll(() => project.rm())
project.write('package.json', '{"type":"module"}\n')
// ES2022's lib without the DOM, and the lib not checked: tsc then takes 0.9 s of CPU instead of 4.9 s, four times
// in this file; the project's own source is still checked (the type error below).
const CONSOLE = 'declare const console: { log(message: string): void }\n'
project.write('tsconfig.json', JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', target: 'ES2022', lib: ['ES2022'], skipLibCheck: true, types: [], noEmit: true } }))
project.write('tsconfig.build.json', JSON.stringify({ extends: './tsconfig.json', compilerOptions: { rootDir: 'src', outDir: 'dist', noEmit: false }, include: ['src'] }))
/** The project's sources as each test finds them: a test that changes one gets it back, even when it fails. */
const SOURCES = { 'src/main.ts': 'export const answer: number = 1\n', 'src/extra.ts': 'export const extra = 1\n' }
const restoreSources = () => {
  for (const [file, text] of Object.entries(SOURCES)) project.write(file, text)
}
restoreSources()
afterEach(restoreSources)

const at = (file: string, seconds: number) => {
  const time = new Date(Date.UTC(2026, 0, 1) + seconds * 1000)
  fs.utimesSync(path.join(project.dir, file), time, time)
}
/** `file` written now, its time a few seconds ahead: newer than any build stamp a test has left. */
const change = (file: string, text: string) => {
  project.write(file, text)
  at(file, Date.now() / 1000 - Date.UTC(2026, 0, 1) / 1000 + 5)
}
/** Everything last changed at 10 s, the build stamp at 20 s. */
const builtAfterEveryChange = () => {
  project.write('dist/.build-stamp', 'built\n')
  project.write('dist/package.json', '{"type":"module"}\n')
  for (const file of ['src/main.ts', 'src/extra.ts', 'src', 'tsconfig.json', 'tsconfig.build.json']) at(file, 10)
  at('dist/.build-stamp', 20)
}

describe('isStale (scripts/build.mjs)', () => {
  it('is stale without a build stamp, fresh when the stamp is newer than every source', () => {
    fs.rmSync(path.join(project.dir, 'dist'), { recursive: true, force: true })
    expect(isStale(project.dir)).toBe(true)
    builtAfterEveryChange()
    expect(isStale(project.dir)).toBe(false)
  })

  it.each(['src/main.ts', 'tsconfig.json', 'tsconfig.build.json'])('is stale when %s changed after the build', (file) => {
    builtAfterEveryChange()
    at(file, 30)
    expect(isStale(project.dir)).toBe(true)
  })

  it('is stale when dist/package.json is missing or not the build’s, however old every source is', () => {
    // A dist/ built before the build wrote it, in a tree unpacked with times older than its stamp (a release tarball):
    // its bundles would load without "type": "module" (scripts/build.mjs).
    builtAfterEveryChange()
    fs.rmSync(path.join(project.dir, 'dist/package.json'))
    expect(isStale(project.dir)).toBe(true)
    project.write('dist/package.json', '')
    expect(isStale(project.dir)).toBe(true)
    project.write('dist/package.json', '{"type":"module"}\n')
    expect(isStale(project.dir)).toBe(false)
  })

  it('is stale when a source was deleted or renamed (its folder changed)', () => {
    builtAfterEveryChange()
    at('src', 30)
    expect(isStale(project.dir)).toBe(true)
  })
})

describe('npm start (scripts/start.mjs)', () => {
  const start = () => spawnSync(process.execPath, [path.join(ROOT, 'scripts/start.mjs'), '--port', '8080'], { cwd: project.dir, encoding: 'utf8' })
  const built = path.join(project.dir, 'dist/main.js')

  const { scripts } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }

  it('is one script in one process: no prestart, and npm runs node scripts/start.mjs, with semi-spaces of 8 MB at most and one malloc arena', () => {
    // Node 24 sizes it to the machine: at 24 GB its semi-spaces grew to 64 MB during a load of 50,000 articles, and a
    // restart peaked 8 s on at 333-342 MB; at 16 MB (Node 20's default where V8's heap limit is 2 GiB or more)
    // 266-278, at 8 MB 252-263, and on Node 20 241-250 against 227-234 (issue 14; docs/operations.md: what it costs).
    // One arena (glibc's, where each thread kept what it freed): 216-221 against 227-232 on Node 20, 240-250
    // against 256-259 on Node 24. An operator's own MALLOC_ARENA_MAX wins (below).
    // exec: npm's SIGTERM reaches the service itself, not a shell that does not pass it on (tests/server.test.ts).
    expect([scripts.prestart, scripts.start]).toEqual([undefined, 'MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-1} exec node --max-semi-space-size=8 scripts/start.mjs'])
  })

  it("gives node MALLOC_ARENA_MAX=1 unless the environment has its own, as npm's shell runs the script", () => {
    const stub = makeTempDir('start-env-')
    try {
      stub.write('scripts/start.mjs', 'console.log(`${process.env.MALLOC_ARENA_MAX} ${process.execArgv.join(" ")}`)\n')
      const run = (env: Record<string, string>) =>
        spawnSync('sh', ['-c', scripts.start as string], { cwd: stub.dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } }).stdout.trim()
      expect([run({}), run({ MALLOC_ARENA_MAX: '4' })]).toEqual(['1 --max-semi-space-size=8', '4 --max-semi-space-size=8'])
    } finally {
      stub.rm()
    }
  })

  it('runs a fresh dist/main.js in its own process with its flags, without building; builds first when a source changed', { timeout: 120_000 }, () => {
    // The project has neither @types/node nor the DOM's lib: it declares what it uses.
    const argv = `${CONSOLE}declare const process: { argv: string[] }\nconst argv = process.argv\n`
    project.write('src/main.ts', `${argv}console.log(\`main \${argv[1]?.split("/").slice(-2).join("/")} \${argv.slice(2).join(" ")}\`)\n`)
    fs.rmSync(path.join(project.dir, 'dist'), { recursive: true, force: true })
    const first = start()
    expect([first.status, first.stdout]).toEqual([0, 'main scripts/start.mjs --port 8080\n'])

    fs.appendFileSync(built, 'console.log("not rebuilt")\n')
    const fresh = start()
    expect([fresh.status, fresh.stdout]).toEqual([0, 'main scripts/start.mjs --port 8080\nnot rebuilt\n'])

    change('src/main.ts', `${CONSOLE}console.log("edited")\n`)
    const stale = start()
    expect([stale.status, stale.stdout]).toEqual([0, 'edited\n'])
  })
})

describe('npm start while it builds', () => {
  // Found in the review of stop 34's SIGHUP fixes: a SIGHUP during the build (seconds) ended npm start.
  it('is not ended by a SIGHUP', { timeout: 120_000 }, async () => {
    project.write('src/main.ts', `${CONSOLE}console.log("gebaut")\n`)
    fs.rmSync(path.join(project.dir, 'dist'), { recursive: true, force: true })
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs')], { cwd: project.dir, stdio: ['ignore', 'pipe', 'inherit'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise<[number | null, string | null]>((resolve) => child.once('exit', (code, signal) => resolve([code, signal])))
    // Until it catches SIGHUP (/proc: SigCgt, bit 0) or the build is done and the program ran: without a handler it never does.
    let caught = false
    while (!caught && child.exitCode === null && output === '') {
      caught = catchesSighup(child.pid as number)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    expect([caught, output]).toEqual([true, ''])
    child.kill('SIGHUP')
    expect(await exited).toEqual([0, null])
    expect(output).toBe('gebaut\n')
  })
})

describe('node scripts/build.mjs --if-stale', () => {
  const run = () => spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--if-stale'], { cwd: project.dir, encoding: 'utf8' })
  /** `node scripts/build.mjs` with `patch` run first (`fs` and `childProcess` in scope): it replaces a built-in the build calls. */
  const buildPatched = (name: string, patch: string) => {
    const hook = project.write(name, `import fs from 'node:fs'\nimport childProcess from 'node:child_process'\nimport { syncBuiltinESMExports } from 'node:module'\n${patch}\nsyncBuiltinESMExports()\n`)
    return spawnSync(process.execPath, ['--import', pathToFileURL(hook).href, path.join(ROOT, 'scripts/build.mjs')], { cwd: project.dir, encoding: 'utf8' })
  }
  const built = path.join(project.dir, 'dist/main.js')
  /**
   * dist/ as a build of SOURCES leaves it, for a test that starts from there: built by the first such test, a copy of
   * that build for the next (a build of the project took 2-2.8 s of a test here, most of it tsc's own start).
   */
  const builtSources = path.join(project.dir, '.dist-of-sources')
  const buildSources = () => {
    fs.rmSync(path.join(project.dir, 'dist'), { recursive: true, force: true })
    if (fs.existsSync(builtSources)) return fs.cpSync(builtSources, path.join(project.dir, 'dist'), { recursive: true })
    expect(run().status).toBe(0)
    fs.cpSync(path.join(project.dir, 'dist'), builtSources, { recursive: true })
  }

  it('compiles once, leaves a fresh build alone, and fails like tsc on a type error', { timeout: 120_000 }, () => {
    fs.rmSync(path.join(project.dir, 'dist'), { recursive: true, force: true })
    expect(run().status).toBe(0)
    // dist/main.js is the bundle of src/main.ts (esbuild's), the other modules are tsc's.
    expect(fs.readFileSync(built, 'utf8')).toContain('var answer = 1;\nexport {\n  answer\n};\n')
    expect(fs.readFileSync(path.join(project.dir, 'dist/extra.js'), 'utf8')).toContain('export const extra = 1;')

    fs.appendFileSync(built, '// not rebuilt\n')
    expect(run().status).toBe(0)
    expect(fs.readFileSync(built, 'utf8')).toContain('// not rebuilt')

    change('src/main.ts', 'export const answer: number = "zwei"\n')
    const failed = run()
    expect(failed.status).not.toBe(0)
    expect(failed.stdout).toContain("error TS2322: Type 'string' is not assignable to type 'number'.")
    // tsc wrote its own main.js over the bundle before it failed: a `node dist/main.js` (systemd) then ran unbundled code.
    expect(fs.readFileSync(built, 'utf8')).toContain('// not rebuilt')
  })

  // The index snapshot is taken only under the parse identity it was written with (content/build-identity.ts). The
  // bundle carries it, so no copy of dist/ and no build cut short pairs one build's code with another's identity.
  it("puts the parse identity into the bundle; tsc's own modules (what runs after a failed bundle write) have none", { timeout: 120_000 }, async () => {
    const read = "declare const __PARSE_IDENTITY__: string | undefined\nexport const identity = typeof __PARSE_IDENTITY__ === 'string' ? __PARSE_IDENTITY__ : 'none'\n"
    project.write('src/main.ts', `${CONSOLE}${read}console.log(identity)\n`)
    project.write('src/extra.ts', read)
    fs.rmSync(path.join(project.dir, 'dist'), { recursive: true, force: true })
    expect(run().status).toBe(0)
    const { identity } = (await parseIdentity(project.dir)) as { identity: string }
    expect(spawnSync(process.execPath, [built], { encoding: 'utf8' }).stdout).toBe(`${identity}\n`)
    expect((await import(`${pathToFileURL(path.join(project.dir, 'dist/extra.js')).href}?${Date.now()}`)).identity).toBe('none')
  })

  // Hostile review of this round: a file of the identity's code replaced while the build ran, its old time kept
  // (rsync -a, cp -p, tar x), shipped the new code under the old identity; a check of modification times missed it.
  it('writes nothing when the code of the parse identity changed while the build read it, even with its old time kept', { timeout: 120_000 }, () => {
    buildSources()
    const before = fs.readFileSync(built, 'utf8')
    // src/main.ts replaced right after the identity read it, as a copy that keeps times would.
    const failed = buildPatched(
      'copying.mjs',
      String.raw`const read = fs.readFileSync
let done = false
fs.readFileSync = (file, ...rest) => {
  const text = read(file, ...rest)
  if (!done && String(file).endsWith('src/main.ts')) {
    done = true
    const { atime, mtime } = fs.statSync(file)
    fs.writeFileSync(file, 'export const answer: number = 3\n')
    fs.utimesSync(file, atime, mtime)
  }
  return text
}`,
    )
    expect(fs.readFileSync(path.join(project.dir, 'src/main.ts'), 'utf8')).toBe('export const answer: number = 3\n')
    expect(failed.stderr).toContain('scripts/build.mjs: the code the parse identity is made of changed while the build read it; nothing written: build again')
    expect(failed.status).toBe(1)
    expect(fs.readFileSync(built, 'utf8')).toBe(before)
  })

  it('is stale again after a build during which a source was saved once it had been read (while tsc ran)', { timeout: 120_000 }, () => {
    fs.rmSync(path.join(project.dir, 'dist'), { recursive: true, force: true })
    // src/extra.ts saved as tsc finishes: after the bundles were made and checked, before the stamp.
    const done = buildPatched(
      'saving-late.mjs',
      String.raw`const spawn = childProcess.spawnSync
childProcess.spawnSync = (...args) => {
  const result = spawn(...args)
  fs.writeFileSync('src/extra.ts', 'export const extra = 3\n')
  return result
}`,
    )
    expect(done.status).toBe(0)
    expect(fs.readFileSync(path.join(project.dir, 'src/extra.ts'), 'utf8')).toBe('export const extra = 3\n')
    expect(isStale(project.dir)).toBe(true)
  })

  it('leaves dist/ as it was when a bundle cannot be escaped (asciiOnly)', { timeout: 120_000 }, () => {
    buildSources()
    const before = fs.readFileSync(built, 'utf8')
    change('src/main.ts', 'export const answer: number = 1\nexport const quote = /\\„/\n')
    const failed = run()
    expect(failed.status).not.toBe(0)
    expect(failed.stderr).toContain('build: dist/main.js holds a character above U+007F after a backslash')
    expect(fs.readFileSync(built, 'utf8')).toBe(before)
  })

  it('lowers the project\'s tagged templates that hold a character above U+007F: the bundle is ASCII, each tag reads the same cooked and raw text', { timeout: 120_000 }, () => {
    // The pages' German is in hono's html templates, whose raw text asciiOnly must not escape (a tag may read it).
    const tag = 'const both = (strings: TemplateStringsArray, ...values: unknown[]) => `${strings.raw.join("#")}|${strings.join("#")}|${values.join("#")}`'
    change('src/main.ts', `${CONSOLE}${tag}\nconsole.log(both\`„Größe“ \\u00e4 \${1} ·\`)\nconsole.log(String.raw\`Übersicht\\n\` + \` plain \${2} ü\`)\n`)
    expect(run().status).toBe(0)
    const code = fs.readFileSync(built, 'utf8')
    expect(code.match(/[^\0-\x7f]/g)).toBeNull()
    const ran = spawnSync(process.execPath, [built], { cwd: project.dir, encoding: 'utf8' })
    expect(ran.stdout).toBe('„Größe“ \\u00e4 # ·|„Größe“ ä # ·|1\nÜbersicht\\n plain 2 ü\n')
  })

  it('points a stack trace into a lowered file at its source, and names the file of a syntax error itself', { timeout: 120_000 }, () => {
    const line = 'export const found = `ü ${/x/.exec("y") ?? missing()}`'
    change('src/main.ts', `${CONSOLE}function missing(): never {\n  throw new Error('kein Treffer')\n}\nexport const shown = String.raw\`Übersicht\`\n${line}\n`)
    expect(run().status).toBe(0)
    const thrown = spawnSync(process.execPath, ['--enable-source-maps', built], { cwd: project.dir, encoding: 'utf8' })
    expect(thrown.stderr).toContain('Error: kein Treffer')
    expect(thrown.stderr).toContain(`src/main.ts:6:${line.indexOf('missing()') + 1}`)
    // A file with German in a comment and a syntax error: esbuild names it, not the file importing it.
    project.write('src/kaputt.ts', '// „Zitat“\nexport const a = `x`\nexport const b = (2\n')
    change('src/main.ts', "import { a } from './kaputt.js'\nexport const x = a\n")
    const failed = run()
    expect(failed.status).not.toBe(0)
    expect(`${failed.stdout}${failed.stderr}`).toContain('src/kaputt.ts:4:0: ERROR: Expected ")" but found end of file')
    fs.rmSync(path.join(project.dir, 'src/kaputt.ts'))
  })

  it('moves the source maps with the escapes: under --enable-source-maps a stack trace points at the source', { timeout: 120_000 }, () => {
    // Two characters above U+007F before a call that throws, on one line: escaped, the bundle's line is 10 characters longer.
    const line = "export const found = /[„“]/.exec('x') ?? missing()"
    change('src/main.ts', `function missing(): never {\n  throw new Error('kein Treffer')\n}\n${line}\n`)
    expect(run().status).toBe(0)
    expect(fs.readFileSync(built, 'utf8')).toContain('/[\\u201e\\u201c]/')
    const thrown = spawnSync(process.execPath, ['--enable-source-maps', built], { cwd: project.dir, encoding: 'utf8' })
    expect(thrown.stderr).toContain('Error: kein Treffer')
    expect(thrown.stderr).toContain(`src/main.ts:4:${line.indexOf('missing()') + 1}`)
  })

  it('writes the parts before the bundle that imports them: a full disk leaves no main.js naming a part not written, and no .tmp', { timeout: 120_000 }, () => {
    // A part of its own: what main.ts imports with import() (esbuild's splitting).
    const mainWith = (word: string) => `export const answer: number = 1\nexport const later = () => import('./extra.js')\nexport const word = '${word}'\n`
    project.write('src/main.ts', mainWith('eins'))
    fs.rmSync(path.join(project.dir, 'dist'), { recursive: true, force: true })
    expect(run().status).toBe(0)
    const partsOf = (code: string) => [...code.matchAll(/import\("\.\/(part-[^"]+)"\)/g)].map((match) => match[1])
    expect(partsOf(fs.readFileSync(built, 'utf8'))).toHaveLength(1)
    // The disk fills up at the first part's write; the new part has another name (its content changed).
    project.write('src/extra.ts', 'export const extra = 2\n')
    change('src/main.ts', mainWith('zwei'))
    const failed = buildPatched(
      'full-disk.mjs',
      String.raw`const write = fs.writeFileSync
fs.writeFileSync = (file, ...rest) => {
  if (/part-.*\.tmp$/.test(String(file))) { write(file, 'half'); throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }) }
  return write(file, ...rest)
}`,
    )
    expect(failed.stderr).toContain('ENOSPC')
    const dist = fs.readdirSync(path.join(project.dir, 'dist'))
    // main.js is the last build's bundle or tsc's main.js (which imports no part), never the new bundle alone.
    const code = fs.readFileSync(built, 'utf8')
    expect(partsOf(code).filter((part) => !dist.includes(part as string))).toEqual([])
    expect(dist.filter((name) => name.endsWith('.tmp'))).toEqual([])
  })
})

describe('asciiOnly (scripts/build.mjs): what a bundle holds above U+007F, escaped', () => {
  const escaped = (code: string): string => asciiOnly(code) as string

  it('escapes comments and regular expressions, where the escape means the same, Latin-1 too; leaves ASCII as it is', async () => {
    const code = '// „Zitat“ – Größe × 2 §\nexport const quotes = "„x“".replace(/[„“]/g, \'"\').replace(/…$/u, \'...\').replace(/§/, \'S\')\n/* → */\n'
    const out = escaped(code)
    expect(out).toBe(
      '// \\u201eZitat\\u201c \\u2013 Gr\\u00f6\\u00dfe \\u00d7 2 \\u00a7\nexport const quotes = "\\u201ex\\u201c".replace(/[\\u201e\\u201c]/g, \'"\').replace(/\\u2026$/u, \'...\').replace(/\\u00a7/, \'S\')\n/* \\u2192 */\n',
    )
    const module = (await import(`data:text/javascript,${encodeURIComponent(out)}`)) as { quotes: string }
    expect(module.quotes).toBe('"x"')
    // Node 24 holds a source of over 1 MiB with one Latin-1 character as UTF-16 (scripts/build.mjs): ä and × are escaped too.
    expect(escaped('export const a = "ä×" // ä\n')).toBe('export const a = "\\u00e4\\u00d7" // \\u00e4\n')
    expect(escaped('export const a = "plain"\n')).toBe('export const a = "plain"\n')
  })

  it('moves the source map with the code: a column after an escape on its line points where it did', () => {
    const { decode } = createRequire(import.meta.url)('@jridgewell/sourcemap-codec') as { decode: (mappings: string) => number[][][] }
    const source = "export function plain(text: string): string {\n  return text.replace(/[„“]/g, '\"').replace(/…/g, '...').trim()\n}\n"
    const esbuild = createRequire(import.meta.url)('esbuild') as unknown
    const made = (esbuild as { transformSync: (code: string, options: object) => { code: string; map: string } }).transformSync(source, { loader: 'ts', sourcemap: 'external', sourcefile: 'plain.ts' })
    const code = escaped(made.code)
    const map = asciiMap(made.map, made.code) as string
    const at = (text: string, line: number, column: number) => text.split('\n')[line]?.slice(column, column + 5)
    const before = decode((JSON.parse(made.map) as { mappings: string }).mappings)
    const after = decode((JSON.parse(map) as { mappings: string }).mappings)
    const escape = (text = '') => (escapeNonAscii(text) as string).slice(0, 5)
    const moved = after.flatMap((segments, line) => segments.map((segment, index) => [at(code, line, segment[0] as number), escape(at(made.code, line, before[line]?.[index]?.[0] as number))]))
    // Each mapped position shows the same code as before it was escaped (`trim`, `replace`, `return`).
    expect(moved.filter(([now, was]) => now !== was)).toEqual([])
    expect(moved.map(([now]) => now)).toContain('trim(')
    expect(after[1]?.map((segment) => segment[0])).not.toEqual(before[1]?.map((segment) => segment[0]))
  })

  it.each([
    ['a tagged template, whose raw text its tag reads', 'export const a = String.raw`„`\n', 'in a tagged template'],
    ['an escape in a regular expression', 'export const a = /\\„/\n', 'after a backslash'],
  ])('refuses %s', (_, code, why) => {
    expect(() => escaped(code)).toThrow(`build: a bundle holds a character above U+007F ${why}`)
  })

  it('escapes a character after a backslash that is itself escaped: there it means itself', () => {
    expect(escaped('export const a = /[\\\\ä]/\n')).toBe('export const a = /[\\\\\\u00e4]/\n')
  })
})
