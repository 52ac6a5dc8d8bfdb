/**
 * `npx tsx bench/brotli-window.ts`: Brotli's window for the documents of
 * 64 KiB to 1 MiB (the current feeds and their archive pages: 50 items with
 * their text, about 176 KB), two ways side by side in one run:
 * - the window fitted to the document (bits enough to hold it), as every
 *   document had it before brotliWindow kept qualities 5 to 9 at 16 bits;
 * - the service's options (resource.ts compressOptions).
 *
 * The documents are what `npm run export` writes for a generated corpus of
 * BENCH_BROTLI_ARTICLES articles (default 400), so they are the service's own.
 * Each document is compressed BENCH_BROTLI_ROUNDS times (default 5) each way,
 * alternating, at quality 9 (the current feeds) and 8 (archive pages); the
 * table gives the median milliseconds a document, the ratio of the two, and
 * the bytes of each way over all documents. A busy machine slows both ways.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import zlib from 'node:zlib'
import { compressOptions, LARGE_BYTES } from '../src/site/resource.js'
import { removeFolder, tempFolder } from './children.js'
import { median } from './first-feed.js'
import { generateCorpus } from './generate-corpus.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const ARTICLES = Number(process.env.BENCH_BROTLI_ARTICLES ?? 400)
const ROUNDS = Number(process.env.BENCH_BROTLI_ROUNDS ?? 5)
const SMALLEST = 64 * 1024


/** The window every document had before: bits enough to hold it, 16 to 22. */
function fittedOptions(body: Uint8Array, quality: number): zlib.BrotliOptions {
  const options = compressOptions(body, quality).brotli
  return { ...options, params: { ...options.params, [zlib.constants.BROTLI_PARAM_LGWIN]: Math.min(22, Math.max(16, Math.ceil(Math.log2(body.byteLength)))) } }
}

function timed(body: Uint8Array, options: zlib.BrotliOptions): { ms: number; bytes: number } {
  const started = performance.now()
  const bytes = zlib.brotliCompressSync(body, options).byteLength
  return { ms: performance.now() - started, bytes }
}

/** The exported documents between SMALLEST and LARGE_BYTES, without their .gz and .br siblings and the media files. */
function documentsOf(dir: string): Uint8Array[] {
  const found: Uint8Array[] = []
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || /\.(gz|br)$/.test(entry.name) || path.relative(dir, entry.parentPath).split(path.sep)[0] === 'media') continue
    const file = path.join(entry.parentPath, entry.name)
    const size = fs.statSync(file).size
    if (size >= SMALLEST && size <= LARGE_BYTES) found.push(fs.readFileSync(file))
  }
  return found
}

const work = tempFolder('brotli-window-')
try {
  const articles = path.join(work, 'articles')
  const out = path.join(work, 'out')
  generateCorpus(articles, ARTICLES)
  const exported = spawnSync(process.execPath, [path.join(ROOT, 'dist/export.js'), '--out', out], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ARTICLES_DIR: articles, SITE_URL: 'https://www.example.de/' },
    encoding: 'utf8',
  })
  if (exported.status !== 0) throw new Error(`the export failed (run npm run build first?):\n${exported.stderr}`)
  const documents = documentsOf(out)
  const sizes = documents.map((body) => body.byteLength)
  console.log(`${documents.length} documents of ${Math.min(...sizes)}–${Math.max(...sizes)} bytes from the export of ${ARTICLES} articles, ${ROUNDS} rounds`)
  console.log('| quality | fitted window, ms a document | compressOptions, ms | ratio | bytes, fitted | bytes, compressOptions | ratio |')
  console.log('|---|---|---|---|---|---|---|')
  for (const quality of [9, 8]) {
    const fitted: number[] = []
    const service: number[] = []
    let fittedBytes = 0
    let serviceBytes = 0
    for (let round = 0; round < ROUNDS; round++) {
      for (const body of documents) {
        const before = timed(body, fittedOptions(body, quality))
        const now = timed(body, compressOptions(body, quality).brotli)
        fitted.push(before.ms)
        service.push(now.ms)
        if (round === 0) {
          fittedBytes += before.bytes
          serviceBytes += now.bytes
        }
      }
    }
    const [a, b] = [median(fitted), median(service)]
    console.log(`| ${quality} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${(b / a).toFixed(3)} | ${fittedBytes} | ${serviceBytes} | ${(serviceBytes / fittedBytes).toFixed(3)} |`)
  }
} finally {
  removeFolder(work)
}
