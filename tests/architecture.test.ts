/**
 * The rules of the house, checked on the source itself: the direction of the
 * imports, no cycles, file-system code only at the edges, and files small
 * enough that each does one job.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SRC = fileURLToPath(new URL('../src/', import.meta.url))

function sourceFiles(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return entry.name.endsWith('.ts') ? [path.relative(SRC, full).split(path.sep).join('/')] : []
  })
}

const FILES = sourceFiles().sort()
const text = (file: string) => fs.readFileSync(path.join(SRC, file), 'utf8')

/** The project files a file imports (type-only imports included: they tie the rooms together as much). */
function importsOf(file: string): string[] {
  const found = [...text(file).matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)].map((m) => m[1] as string)
  return found.map((spec) => path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts'))
}

const room = (file: string): string => file.split('/')[0] ?? file

describe('architecture', () => {
  it('reads the source: every import resolves to a file', () => {
    expect(FILES.length).toBeGreaterThan(40)
    for (const file of FILES) for (const target of importsOf(file)) expect(FILES, `${file} imports ${target}`).toContain(target)
  })

  it('has no import cycle', () => {
    const graph = new Map(FILES.map((file) => [file, importsOf(file)]))
    const state = new Map<string, 'open' | 'done'>()
    const cycles: string[] = []
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' → '))
        return
      }
      state.set(file, 'open')
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file])
      state.set(file, 'done')
    }
    for (const file of FILES) visit(file, [])
    expect(cycles).toEqual([])
  })

  it('keeps the flow one way: content, feeds and site never import store, http or websub; config nothing from http', () => {
    const wrong: string[] = []
    for (const file of FILES) {
      for (const target of importsOf(file)) {
        if (['content', 'feeds', 'site'].includes(room(file)) && ['store', 'http', 'websub'].includes(room(target))) wrong.push(`${file} → ${target}`)
        if (room(file) === 'content' && ['feeds', 'site'].includes(room(target))) wrong.push(`${file} → ${target}`)
        if (room(file) === 'feeds' && room(target) === 'site') wrong.push(`${file} → ${target}`)
        if (['config.ts', 'site-settings.ts'].includes(file) && room(target) === 'http') wrong.push(`${file} → ${target}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('touches the file system only in content/, http/media.ts, ops/state-file.ts and the entry points (export-files.ts, export-copy.ts: the export\'s own)', () => {
    const allowed = (file: string) => room(file) === 'content' || ['http/media.ts', 'ops/state-file.ts', 'main.ts', 'export.ts', 'export-files.ts', 'export-copy.ts'].includes(file)
    const offenders = FILES.filter((file) => /from 'node:fs(\/promises)?'|require\('node:fs'\)/.test(text(file)) && !allowed(file))
    expect(offenders).toEqual([])
  })

  it('has the service wire every purge of cdn/purge-on-change.ts: main.ts calls each function it exports', () => {
    // Their tests drive the functions; this, that main.ts hands them on (a purge wired by hand went untested).
    const wiring = [...text('cdn/purge-on-change.ts').matchAll(/^export function (\w+)/gm)].map((m) => m[1] as string)
    expect(wiring).toContain('purgeOnBodyRenderedAgain')
    expect(wiring.filter((name) => !new RegExp(`\\b${name}\\(`).test(text('main.ts')))).toEqual([])
  })

  it('ends the process only through util/guarded-exit.ts, whose guard ends an exit that hangs (Node 24 hung once at a stop)', () => {
    // A comment that names process.exit is no call: only code lines count.
    const calls = (file: string) => text(file).split('\n').filter((line) => !/^\s*(\/\/|\*)/.test(line) && /\bprocess\.(exit|reallyExit)\(/.test(line))
    expect(FILES.filter((file) => file !== 'util/guarded-exit.ts' && calls(file).length > 0)).toEqual([])
    expect(calls('util/guarded-exit.ts').length).toBeGreaterThan(0)
  })

  it('keeps files small enough for one job: none in src/ over 350 lines, none in src/store/ over 220', () => {
    const lines = (file: string) => text(file).split('\n').length - 1
    expect(FILES.filter((file) => lines(file) > 350).map((file) => `${file}: ${lines(file)}`)).toEqual([])
    expect(FILES.filter((file) => room(file) === 'store' && lines(file) > 220).map((file) => `${file}: ${lines(file)}`)).toEqual([])
  })
})
