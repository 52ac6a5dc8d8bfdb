import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { brotliDecompressSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportSite, MANIFEST } from '../src/export.js'
import { bundledSite } from './helpers/bundled-site.js'
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

const out = makeTempDir('export-bundled-')
const now = new Map<string, string>()

beforeAll(async () => {
  const { store, config } = await bundledSite('https://www.example.de/')
  await exportSite(store, config.section.slug, out.dir, config.mediaDir)
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(file)
      else if (entry.name !== MANIFEST) now.set(path.relative(out.dir, file), crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'))
    }
  }
  walk(out.dir)
})

afterAll(() => out.rm())

describe('static export of the bundled articles, against the export before', () => {
  it('writes the same files', () => {
    expect([...now.keys()].sort()).toEqual([...BEFORE.keys()].sort())
  })

  it('writes every document, its .gz sibling and every media file byte for byte as before', () => {
    const same = [...BEFORE].filter(([file]) => !file.endsWith('.br'))
    expect(same.length).toBe(64)
    for (const [file, hash] of same) expect(now.get(file), file).toBe(hash)
  })

  it('writes .br siblings that decode to exactly their document', () => {
    const siblings = [...BEFORE.keys()].filter((file) => file.endsWith('.br'))
    expect(siblings.length).toBe(26)
    for (const file of siblings) {
      const decoded = brotliDecompressSync(fs.readFileSync(path.join(out.dir, file)))
      expect(decoded.equals(fs.readFileSync(path.join(out.dir, file.slice(0, -'.br'.length)))), file).toBe(true)
    }
  })
})
