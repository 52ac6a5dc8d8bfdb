/**
 * The stamps a restart checks its index snapshot by (content/file-stamps.ts):
 * taken in a worker thread, in order and in chunks, each what readableStamp
 * gives on this thread; when the worker cannot start, taken here, saying why
 * once. Needs dist/ (npm run build): the worker runs the built module.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { readableStamp, readableStampLines, stampFile, stampFiles } from '../../src/content/file-stamps.js'
import { AS_ROOT, ORDINARY_USER } from '../helpers/server-process.js'
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

describe('readableStamp', () => {
  it('takes one stat per file and no access() for files this process owns and may read (a restart over 50,000 files: 50,000 calls fewer)', () => {
    const files = ['a.md', 'b.md', 'sub/c.md', 'd.md']
    const stat = vi.spyOn(fs, 'statSync')
    const access = vi.spyOn(fs, 'accessSync')
    try {
      const lines = readableStampLines(articles.dir, files)
      expect(stat).toHaveBeenCalledTimes(4)
      expect(access).not.toHaveBeenCalled()
      expect(lines).toBe(files.map((file) => stampFile(articles.dir, file)).join('\n'))
    } finally {
      stat.mockRestore()
      access.mockRestore()
    }
  })

  it("decides by the owner's read bit for a file the process owns, and asks access() for another's, as a read would", () => {
    // Run as an ordinary user (nobody, when the tests run as root): root reads everything.
    fs.chmodSync(articles.dir, 0o755)
    const own = { 'lesbar.md': 0o600, 'gesperrt.md': 0o200, 'fremd-offen.md': 0o644, 'fremd-zu.md': 0o640 }
    for (const [name, mode] of Object.entries(own)) {
      articles.write(name, 'x')
      fs.chmodSync(path.join(articles.dir, name), mode)
      // The first two are the ordinary user's own; the others stay root's (or, not run as root, the user's own too).
      if (AS_ROOT && !name.startsWith('fremd')) fs.chownSync(path.join(articles.dir, name), 65534, 65534)
    }
    const module = fileURLToPath(new URL('../../dist/content/file-stamps.js', import.meta.url))
    const script = `import(${JSON.stringify(module)}).then(({ readableStamp, readableStampLines }) => {
      const files = ${JSON.stringify(Object.keys(own))}
      for (const file of files) console.log(file, typeof readableStamp(${JSON.stringify(articles.dir)}, file))
      console.log(readableStampLines(${JSON.stringify(articles.dir)}, files).split('\\n').map((line) => line !== '').join(' '))
    })`
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', ...ORDINARY_USER })
    expect(run.stderr).toBe('')
    const foreignClosed = AS_ROOT ? 'undefined' : 'string'
    expect(run.stdout).toBe(`lesbar.md string\ngesperrt.md undefined\nfremd-offen.md string\nfremd-zu.md ${foreignClosed}\ntrue false true ${foreignClosed === 'string'}\n`)
  })
})
