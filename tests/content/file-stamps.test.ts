/**
 * The stamps a restart checks its index snapshot by (content/file-stamps.ts):
 * taken in a worker thread, in order and in chunks, each what readableStamp
 * gives on this thread; when the worker cannot start, taken here, saying why
 * once. Needs dist/ (npm run build): the worker runs the built module.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readableStamp, stampFiles } from '../../src/content/file-stamps.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

const WORKER = new URL('../../dist/content/stamp-worker.js', import.meta.url)
let articles: ReturnType<typeof makeTempDir>

beforeEach(() => {
  articles = makeTempDir('stamps-')
  for (const name of ['a.md', 'b.md', 'sub/c.md', 'd.md']) articles.write(name, articleText({ title: name, date: '2025-01-01T10:00:00Z', category: 'wirtschaft' }))
  fs.symlinkSync('a.md', path.join(articles.dir, 'link.md'))
  // A name that is not UTF-8 (byte 0xFF), as the listing gives it (nameFromBytes: U+DCFF).
  fs.writeFileSync(Buffer.concat([Buffer.from(`${articles.dir}/`), Buffer.of(0xff), Buffer.from('.md')]), 'x')
})
afterEach(() => articles.rm())

async function collect(files: string[], entry: URL): Promise<{ chunks: (string | undefined)[][]; fallbacks: string[] }> {
  const chunks: (string | undefined)[][] = []
  const fallbacks: string[] = []
  for await (const chunk of stampFiles(articles.dir, files, { entry, chunk: 2, onFallback: (error) => fallbacks.push(error.message) })) chunks.push([...chunk])
  return { chunks, fallbacks }
}

describe('stampFiles', () => {
  const files = ['a.md', 'gone.md', 'sub/c.md', 'link.md', 'b.md', '\udcff.md', 'sub/../d.md']

  it('stamps each file in a worker thread, in order and in chunks, as readableStamp does here (none for a file gone)', async () => {
    expect(fs.existsSync(WORKER)).toBe(true)
    const here = files.map((file) => readableStamp(articles.dir, file))
    expect(here[1]).toBeUndefined()
    expect(here.filter((stamp) => typeof stamp === 'string')).toHaveLength(6)
    const { chunks, fallbacks } = await collect(files, WORKER)
    expect(fallbacks).toEqual([])
    expect(chunks).toEqual([here.slice(0, 2), here.slice(2, 4), here.slice(4, 6), here.slice(6)])
  })

  it('stamps the files here when the worker cannot start, saying why once', async () => {
    const here = files.map((file) => readableStamp(articles.dir, file))
    const { chunks, fallbacks } = await collect(files, new URL('./no-such-worker.js', WORKER))
    expect(chunks.flat()).toEqual(here)
    expect(fallbacks).toHaveLength(1)
    expect(fallbacks[0]).toContain('no-such-worker.js')
  })
})
