import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { brotliDecompressSync } from 'node:zlib'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportRenderPool, exportSite, MANIFEST } from '../src/export.js'
import type { Renderer } from '../src/site/render-request.js'
import { bundledSite } from './helpers/bundled-site.js'
import { builtRenderPool } from './helpers/render-pool.js'
import { makeTempDir } from './helpers/temp-dir.js'

/**
 * The export of the bundled articles (site.yaml, media/, the clock after
 * every bundled article) as main wrote it before the export was made parallel
 * and incremental: `sha256sum` of every file but the manifest, made with
 * that commit's code (tests/fixtures/export/bundled-main.sha256): main as
 * issue 13 left it (7fffdc8, the bundled plus articles included), before
 * issue 14's changes to the export, the store and compression.
 */
const BEFORE = new Map(
  fs
    .readFileSync(path.join(import.meta.dirname, 'fixtures/export/bundled-main.sha256'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => [line.slice(66), line.slice(0, 64)] as const),
)

/** Exports the bundled site into a fresh folder; the SHA-256 of every file but the manifest, by name. */
async function exportBundled(out: string, renderer?: Renderer): Promise<Map<string, string>> {
  const { store, config } = await bundledSite('https://www.example.de/', undefined, renderer)
  await exportSite(store, config.section.slug, out, config.mediaDir)
  const hashes = new Map<string, string>()
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(file)
      else if (entry.name !== MANIFEST) hashes.set(path.relative(out, file), crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'))
    }
  }
  walk(out)
  return hashes
}

/** The checks of an export against BEFORE: the same files, the same bytes, `.br` siblings that decode to their document. */
function sameAsBefore(out: { dir: string }, now: () => ReadonlyMap<string, string>): void {
  it('writes the same files', () => {
    expect([...now().keys()].sort()).toEqual([...BEFORE.keys()].sort())
  })

  it('writes every document, its .gz sibling and every media file byte for byte as before', () => {
    const same = [...BEFORE].filter(([file]) => !file.endsWith('.br'))
    expect(same.length).toBe(64)
    for (const [file, hash] of same) expect(now().get(file), file).toBe(hash)
  })

  it('writes .br siblings that decode to exactly their document', () => {
    const siblings = [...BEFORE.keys()].filter((file) => file.endsWith('.br'))
    expect(siblings.length).toBe(26)
    for (const file of siblings) {
      const decoded = brotliDecompressSync(fs.readFileSync(path.join(out.dir, file)))
      expect(decoded.equals(fs.readFileSync(path.join(out.dir, file.slice(0, -'.br'.length)))), file).toBe(true)
    }
  })
}

/** Records the text of every input this thread's gzip and Brotli compress at once (documents up to 16 KiB, resource.ts), until restore(). */
function countCompression(inputs: string[]): { restore(): void } {
  const names = ['gzipSync', 'brotliCompressSync'] as const
  const library = zlib as unknown as Record<string, (input: Uint8Array, ...rest: unknown[]) => unknown>
  const originals = names.map((name) => [name, library[name]] as const)
  for (const [name, original] of originals) {
    library[name] = (input, ...rest) => {
      inputs.push(Buffer.from(input).toString('utf8'))
      return original?.(input, ...rest)
    }
  }
  return { restore: () => void originals.forEach(([name, original]) => (library[name] = original as never)) }
}

describe('static export of the bundled articles, against the export before', () => {
  const out = makeTempDir('export-bundled-')
  let now = new Map<string, string>()
  beforeAll(async () => {
    now = await exportBundled(out.dir)
  })
  afterAll(() => out.rm())
  sameAsBefore(out, () => now)
})

describe('static export of the bundled articles through render workers, as npm run export does it', () => {
  const out = makeTempDir('export-bundled-pool-')
  const pool = builtRenderPool({ lowPriority: false, pages: true })
  let now = new Map<string, string>()
  /** What this thread compressed: the first bytes of each input of gzip and Brotli. */
  const compressedHere: string[] = []
  beforeAll(async () => {
    const counted = countCompression(compressedHere)
    try {
      now = await exportBundled(out.dir, pool)
    } finally {
      counted.restore()
    }
  })
  afterAll(async () => {
    await pool.close()
    out.rm()
  })
  sameAsBefore(out, () => now)

  it('hashes and compresses no article page in this thread: the workers that render the pages do', () => {
    // An article page, not an episode's transcript page (episode-resources.ts renders those here).
    const pages = compressedHere.filter((text) => /<article><h1>(?!Transkript: )/.test(text)).map((text) => /<title>(.*?)<\/title>/.exec(text)?.[1])
    expect(compressedHere.length).toBeGreaterThan(0)
    expect(pages).toEqual([])
  })
})

describe('static export of the bundled articles when no render worker can start, as npm run export does it', () => {
  const out = makeTempDir('export-bundled-no-worker-')
  const warnings: string[] = []
  const pool = exportRenderPool((line) => void warnings.push(line), { entry: new URL('fixtures/workers/cannot-load.mjs', import.meta.url) })
  let now = new Map<string, string>()
  beforeAll(async () => {
    // Before: the export failed on the first article page, leaving the current feeds written with plain-text bodies.
    now = await exportBundled(out.dir, pool)
  })
  afterAll(async () => {
    await pool.close()
    out.rm()
  })
  sameAsBefore(out, () => now)

  it('says once, in one line, why it renders in the main thread', () => {
    expect(warnings).toEqual(['warning: render workers: cannot start a worker: Modul fehlt; the export renders in the main thread instead: the same files, slower'])
  })
})
