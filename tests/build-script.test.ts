import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
// @ts-expect-error: a plain ES module script, without types
import { isStale, latin1Only } from '../scripts/build.mjs'
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
project.write('src/main.ts', 'export const answer: number = 1\n')
project.write('src/extra.ts', 'export const extra = 1\n')

const at = (file: string, seconds: number) => {
  const time = new Date(Date.UTC(2026, 0, 1) + seconds * 1000)
  fs.utimesSync(path.join(project.dir, file), time, time)
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

  it('is one script in one process: no prestart, and npm runs node scripts/start.mjs, with semi-spaces of 16 MB at most', () => {
    const { scripts } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    // Node 24 sizes it to the machine: at 24 GB its semi-spaces grew to 64 MB during a load of 50,000 articles, and a
    // restart peaked 8 s on at 333-342 MB; at 16 MB (Node 20's default where V8's heap limit is 2 GiB or more)
    // 272-281 (issue 14; docs/operations.md says what to give a smaller host).
    expect([scripts.prestart, scripts.start]).toEqual([undefined, 'node --max-semi-space-size=16 scripts/start.mjs'])
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

    project.write('src/main.ts', `${CONSOLE}console.log("edited")\n`)
    at('src/main.ts', Date.now() / 1000 - Date.UTC(2026, 0, 1) / 1000 + 5)
    const stale = start()
    expect([stale.status, stale.stdout]).toEqual([0, 'edited\n'])
    project.write('src/main.ts', 'export const answer: number = 1\n')
  })
})

describe('node scripts/build.mjs --if-stale', () => {
  const run = () => spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--if-stale'], { cwd: project.dir, encoding: 'utf8' })
  const built = path.join(project.dir, 'dist/main.js')

  it('compiles once, leaves a fresh build alone, and fails like tsc on a type error', { timeout: 120_000 }, () => {
    fs.rmSync(path.join(project.dir, 'dist'), { recursive: true, force: true })
    expect(run().status).toBe(0)
    // dist/main.js is the bundle of src/main.ts (esbuild's), the other modules are tsc's.
    expect(fs.readFileSync(built, 'utf8')).toContain('var answer = 1;\nexport {\n  answer\n};\n')
    expect(fs.readFileSync(path.join(project.dir, 'dist/extra.js'), 'utf8')).toContain('export const extra = 1;')

    fs.appendFileSync(built, '// not rebuilt\n')
    expect(run().status).toBe(0)
    expect(fs.readFileSync(built, 'utf8')).toContain('// not rebuilt')

    project.write('src/main.ts', 'export const answer: number = "zwei"\n')
    at('src/main.ts', Date.now() / 1000 - Date.UTC(2026, 0, 1) / 1000 + 5)
    const failed = run()
    expect(failed.status).not.toBe(0)
    expect(failed.stdout).toContain("error TS2322: Type 'string' is not assignable to type 'number'.")
  })
})

describe('latin1Only (scripts/build.mjs): what a bundle holds above U+00FF, escaped', () => {
  const esbuild = createRequire(import.meta.url)('esbuild') as unknown
  const escaped = (code: string): string => latin1Only(code, esbuild) as string

  it('escapes comments and regular expressions, where the escape means the same; leaves Latin-1 and ASCII as they are', async () => {
    const code = '// „Zitat“ – Größe × 2\nexport const quotes = "„x“".replace(/[„“]/g, \'"\').replace(/…$/u, \'...\')\n/* → */\n'
    const out = escaped(code)
    expect(out).toBe('// \\u201eZitat\\u201c \\u2013 Größe × 2\nexport const quotes = "„x“".replace(/[\\u201e\\u201c]/g, \'"\').replace(/\\u2026$/u, \'...\')\n/* \\u2192 */\n'.replace('"„x“"', '"\\u201ex\\u201c"'))
    const module = (await import(`data:text/javascript,${encodeURIComponent(out)}`)) as { quotes: string }
    expect(module.quotes).toBe('"x"')
    expect(escaped('export const a = "ä×"\n')).toBe('export const a = "ä×"\n')
  })

  it.each([
    ['a tagged template, whose raw text its tag reads', 'export const a = String.raw`„`\n', 'in a tagged template'],
    ['an escape in a regular expression', 'export const a = /\\„/\n', 'after a backslash'],
  ])('refuses %s', (_, code, why) => {
    expect(() => escaped(code)).toThrow(`build: a character above U+00FF ${why}`)
  })
})
