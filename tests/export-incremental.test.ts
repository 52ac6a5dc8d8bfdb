import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../src/config.js'
import { exportSite, MANIFEST } from '../src/export.js'
import { lockFolder } from '../src/export-files.js'
import { ContentStore } from '../src/store/content-store.js'
import { memorySource } from './helpers/memory-source.js'
import { goneWithin, polled } from './helpers/polled.js'
import { builtRenderPool } from './helpers/render-pool.js'
import { articleText, makeTempDir } from './helpers/temp-dir.js'
import { testApp } from './helpers/test-app.js'
import { articleSource } from '../bench/generate-corpus.js'

const temps: { rm: () => void }[] = []
afterEach(() => {
  for (const temp of temps.splice(0)) temp.rm()
})
function tempDir(prefix: string): string {
  const temp = makeTempDir(prefix)
  temps.push(temp)
  return temp.dir
}

/** Eight articles a day apart, long enough to be compressed: current feeds of 3, archive pages of 2. */
function articles(): Record<string, string> {
  const files: Record<string, string> = {}
  for (let n = 1; n <= 8; n++) {
    files[`a${n}.md`] = articleText({ title: `Artikel ${n}`, date: `2025-01-0${n}T10:00:00Z`, category: 'wirtschaft' }, `Text ${n}. `.repeat(200))
  }
  return files
}
const ENV = { FEED_LIMIT: '3', ARCHIVE_PAGE_SIZE: '2' }

/**
 * Every file under `dir`, relative, with its inode and modification time (ns).
 * A file the export writes again gets another of both: it is written in the
 * staging folder and renamed into place, and even a write in place would
 * move its time. (Setting every time back, to see writes, would now make
 * the export write every file again: it keeps a file only at the time it left it.)
 */
function mtimes(dir: string): Map<string, string> {
  const times = new Map<string, string>()
  for (const file of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const stats = fs.statSync(path.join(dir, file), { bigint: true })
    if (stats.isFile()) times.set(file, `${stats.ino} ${stats.mtimeNs}`)
  }
  return times
}

/** The files an export into `dir` wrote again: those whose inode or time moved. */
function rewritten(before: Map<string, string>, dir: string): string[] {
  return [...mtimes(dir)].filter(([file, time]) => before.get(file) !== time).map(([file]) => file).sort()
}

/**
 * A file's bytes for comparing two export folders: the manifest's `times`
 * (when each file was written, which differ between two folders) as their
 * names only; every other byte as it is.
 */
function comparable(dir: string, file: string): string {
  const bytes = fs.readFileSync(path.join(dir, file))
  if (file !== MANIFEST) return bytes.toString('base64')
  const manifest = JSON.parse(bytes.toString('utf8')) as { times?: Record<string, string> }
  return Buffer.from(JSON.stringify({ ...manifest, times: Object.keys(manifest.times ?? {}) })).toString('base64')
}

/** A media folder with one image. */
function mediaFolder(): string {
  const media = tempDir('export-media-')
  fs.writeFileSync(path.join(media, 'bild.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xd9]))
  return media
}

const withSiblings = (...files: string[]) => files.flatMap((file) => [file, `${file}.gz`, `${file}.br`])

describe('static export into a folder that holds the last export', () => {
  it('writes nothing when nothing changed, not even the manifest', async () => {
    const out = tempDir('export-again-')
    const media = mediaFolder()
    const site = await testApp(articles(), ENV)
    await exportSite(site.store, 'wirtschaft', out, media)
    const before = mtimes(out)
    const paths = await exportSite(site.store, 'wirtschaft', out, media)
    expect(rewritten(before, out)).toEqual([])
    expect(paths).toContain('/wirtschaft/a1.html') // exported all the same
    expect(before.size).toBe(mtimes(out).size)
  })

  it('writes a file again that was changed or removed by hand since', async () => {
    const out = tempDir('export-tampered-')
    const site = await testApp(articles(), ENV)
    await exportSite(site.store, 'wirtschaft', out)
    const page = path.join(out, 'wirtschaft/a1.html')
    const original = fs.readFileSync(page)
    fs.writeFileSync(page, 'kaputt')
    fs.rmSync(`${page}.br`)
    await exportSite(site.store, 'wirtschaft', out)
    expect(fs.readFileSync(page).equals(original)).toBe(true)
    expect(fs.existsSync(`${page}.br`)).toBe(true)
  })

  it('writes a file again that was overwritten at the same size since, or put back from an older copy', async () => {
    const out = tempDir('export-same-size-')
    const site = await testApp(articles(), ENV)
    await exportSite(site.store, 'wirtschaft', out)
    const page = path.join(out, 'wirtschaft/a1.html')
    const feed = path.join(out, 'wirtschaft/feed.xml.gz')
    const [pageBytes, feedBytes] = [fs.readFileSync(page), fs.readFileSync(feed)]
    // Bytes of the same length: a size check alone takes them for the export's own.
    fs.writeFileSync(page, Buffer.alloc(pageBytes.length, 'x'))
    // An older copy put back with its own time (cp -p, rsync -t, a restored backup).
    fs.writeFileSync(feed, Buffer.alloc(feedBytes.length, 0))
    fs.utimesSync(feed, new Date('2024-05-01T00:00:00Z'), new Date('2024-05-01T00:00:00Z'))
    await exportSite(site.store, 'wirtschaft', out)
    expect(fs.readFileSync(page).toString()).toBe(pageBytes.toString())
    expect(fs.readFileSync(feed).equals(feedBytes)).toBe(true)
  })

  it('takes a manifest without times (version 3) at its sizes once, writing nothing, and records every time', async () => {
    const out = tempDir('export-version-3-')
    const site = await testApp(articles(), ENV)
    await exportSite(site.store, 'wirtschaft', out)
    const { times, ...older } = JSON.parse(fs.readFileSync(path.join(out, MANIFEST), 'utf8')) as { times: Record<string, string> }
    fs.writeFileSync(path.join(out, MANIFEST), JSON.stringify({ ...older, version: 3 }))
    const before = mtimes(out)
    await exportSite(site.store, 'wirtschaft', out)
    expect(rewritten(before, out)).toEqual([MANIFEST])
    expect(JSON.parse(fs.readFileSync(path.join(out, MANIFEST), 'utf8'))).toMatchObject({ version: 4, times })
  })

  /** Exports, edits one file and reloads, exports again: the files written the second time. */
  async function rewrittenAfter(file: string, text: string): Promise<string[]> {
    const out = tempDir('export-edit-')
    const site = await testApp(articles(), ENV)
    await exportSite(site.store, 'wirtschaft', out)
    const before = mtimes(out)
    site.files.set(file, text)
    await site.store.load()
    site.store.close()
    await exportSite(site.store, 'wirtschaft', out)
    return rewritten(before, out)
  }

  it('rewrites exactly the page of an archived article whose text changed, and the archive page that shows it', async () => {
    const edited = articleText({ title: 'Artikel 2', date: '2025-01-02T10:00:00Z', category: 'wirtschaft' }, 'Berichtigt. '.repeat(200))
    expect(await rewrittenAfter('a2.md', edited)).toEqual(
      [MANIFEST, ...withSiblings('wirtschaft/a2.html', 'wirtschaft/archiv/1/atom.xml', 'wirtschaft/archiv/1/feed.json', 'wirtschaft/archiv/1/feed.xml')].sort(),
    )
  })

  it('rewrites exactly the page of a current article whose title changed, the feeds and the index that show it', async () => {
    const edited = articleText({ title: 'Artikel 8, berichtigt', date: '2025-01-08T10:00:00Z', category: 'wirtschaft' }, 'Text 8. '.repeat(200))
    expect(await rewrittenAfter('a8.md', edited)).toEqual(
      [MANIFEST, ...withSiblings('index.html', 'wirtschaft/a8.html', 'wirtschaft/atom.xml', 'wirtschaft/feed.json', 'wirtschaft/feed.xml')].sort(),
    )
  })
})

describe('static export that knows what each document was made of (its build and inputs)', () => {
  /** Counts every document the store is asked for, by site path: what an export reads and renders. */
  function counted(store: ContentStore): string[] {
    const asked: string[] = []
    const articlePage = store.articlePage.bind(store)
    const archive = store.archive.bind(store)
    const notFound = store.notFound.bind(store)
    const resource = store.resource.bind(store)
    vi.spyOn(store, 'articlePage').mockImplementation((sitePath) => (asked.push(sitePath), articlePage(sitePath)))
    vi.spyOn(store, 'archive').mockImplementation((format, page) => (asked.push(`archive ${page} ${format}`), archive(format, page)))
    vi.spyOn(store, 'notFound').mockImplementation(() => (asked.push('404'), notFound()))
    vi.spyOn(store, 'resource').mockImplementation((sitePath) => (asked.push(sitePath), resource(sitePath)))
    return asked
  }

  it('reads and renders no document again when nothing changed, and writes nothing', async () => {
    const out = tempDir('export-inputs-')
    const media = mediaFolder()
    const site = await testApp(articles(), ENV)
    const first = await exportSite(site.store, 'wirtschaft', out, media, { build: 'b1' })
    const before = mtimes(out)
    const asked = counted(site.store)
    const counts: string[] = []
    const again = await exportSite(site.store, 'wirtschaft', out, media, {
      build: 'b1',
      progress: (done, total) => counts.push(`${done}/${total}`),
      mediaProgress: (bytes, total) => counts.push(`${bytes}/${total} bytes`),
    })
    expect(asked).toEqual([])
    expect(rewritten(before, out)).toEqual([])
    expect(again).toEqual(first)
    // Every document and the media file counted as done, though none was written again.
    expect(counts.slice(-3)).toEqual([`${first.length}/${first.length}`, '0/4 bytes', '4/4 bytes'])
  })

  it('renders exactly the page of an archived article whose text changed, and the archive page that shows it', async () => {
    const out = tempDir('export-inputs-edit-')
    const site = await testApp(articles(), ENV)
    await exportSite(site.store, 'wirtschaft', out, undefined, { build: 'b1' })
    const before = mtimes(out)
    site.files.set('a2.md', articleText({ title: 'Artikel 2', date: '2025-01-02T10:00:00Z', category: 'wirtschaft' }, 'Berichtigt. '.repeat(200)))
    await site.store.load()
    site.store.close()
    const asked = counted(site.store)
    await exportSite(site.store, 'wirtschaft', out, undefined, { build: 'b1' })
    expect(asked.sort()).toEqual(['/wirtschaft/a2.html', 'archive 1 atom', 'archive 1 json', 'archive 1 rss'])
    expect(rewritten(before, out)).toEqual(
      [MANIFEST, ...withSiblings('wirtschaft/a2.html', 'wirtschaft/archiv/1/atom.xml', 'wirtschaft/archiv/1/feed.json', 'wirtschaft/archiv/1/feed.xml')].sort(),
    )
  })

  it('renders every document again for another build, and one whose file was removed by hand, writing only what differs', async () => {
    const out = tempDir('export-inputs-build-')
    const site = await testApp(articles(), ENV)
    const paths = await exportSite(site.store, 'wirtschaft', out, undefined, { build: 'b1' })
    fs.rmSync(path.join(out, 'wirtschaft/a1.html.gz'))
    let asked = counted(site.store)
    await exportSite(site.store, 'wirtschaft', out, undefined, { build: 'b1' })
    expect(asked).toEqual(['/wirtschaft/a1.html'])
    expect(fs.existsSync(path.join(out, 'wirtschaft/a1.html.gz'))).toBe(true)
    vi.restoreAllMocks()
    const before = mtimes(out)
    asked = counted(site.store)
    await exportSite(site.store, 'wirtschaft', out, undefined, { build: 'b2' })
    expect(asked.length).toBe(paths.length)
    expect(rewritten(before, out)).toEqual([MANIFEST])
  })

  it('renders the feeds again that state a media file when that file changed', async () => {
    const out = tempDir('export-inputs-media-')
    const media = mediaFolder()
    const files = articles()
    files['a8.md'] = articleText({ title: 'Artikel 8', date: '2025-01-08T10:00:00Z', category: 'wirtschaft', image: 'https://www.example.de/media/bild.jpg' }, 'Text 8. '.repeat(200))
    const site = await testApp(files, { ...ENV, MEDIA_DIR: media })
    await exportSite(site.store, 'wirtschaft', out, media, { build: 'b1' })
    fs.writeFileSync(path.join(media, 'bild.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0x00, 0xff, 0xd9]))
    fs.utimesSync(path.join(media, 'bild.jpg'), new Date('2030-01-01T00:00:00Z'), new Date('2030-01-01T00:00:00Z'))
    const asked = counted(site.store)
    await exportSite(site.store, 'wirtschaft', out, media, { build: 'b1' })
    expect(asked.sort()).toEqual(['/wirtschaft/atom.xml', '/wirtschaft/feed.json', '/wirtschaft/feed.xml'])
  })
  it("writes an episode's feeds again when its audio file was replaced: the enclosure's length is the new file's", async () => {
    const out = tempDir('export-inputs-audio-')
    const media = mediaFolder()
    fs.writeFileSync(path.join(media, 'folge.mp3'), Buffer.alloc(1000, 1))
    const files = articles()
    files['a8.md'] = articleText({ title: 'Folge 8', date: '2025-01-08T10:00:00Z', category: 'wirtschaft', enclosure: '{url: /media/folge.mp3, duration: 60}' }, 'Text 8. '.repeat(200))
    const site = await testApp(files, { ...ENV, MEDIA_DIR: media })
    await exportSite(site.store, 'wirtschaft', out, media, { build: 'b1' })
    expect(fs.readFileSync(path.join(out, 'wirtschaft/feed.xml'), 'utf8')).toContain('length="1000"')
    // Another take of the episode, same name: what the newsroom's audio desk does.
    fs.writeFileSync(path.join(media, 'folge.mp3'), Buffer.alloc(1500, 2))
    await site.store.mediaChanged()
    await exportSite(site.store, 'wirtschaft', out, media, { build: 'b1' })
    for (const feed of ['wirtschaft/feed.xml', 'wirtschaft/atom.xml']) {
      expect(fs.readFileSync(path.join(out, feed), 'utf8'), feed).toContain('length="1500"')
    }
    expect(fs.readFileSync(path.join(out, 'wirtschaft/feed.json'), 'utf8')).toContain('"size_in_bytes": 1500')
  })
})

describe('static export in worker threads', () => {
  it('writes the same files, byte for byte, as an export rendered in this thread, and one finds the other\'s files unchanged', async () => {
    const files = articles()
    const single = tempDir('export-single-')
    const pooled = tempDir('export-pooled-')
    const inThread = await testApp(files, ENV)
    await exportSite(inThread.store, 'wirtschaft', single, undefined, { concurrency: 1 })
    const config = loadConfig({ SITE_URL: 'https://www.example.de/', ...ENV }, [], process.cwd())
    // As npm run export: article pages rendered, hashed and compressed in the workers.
    const renderer = builtRenderPool({ pages: true })
    // The pages do go through the workers (without `pages` the store renders them here, and every file would be the same).
    const pages = vi.spyOn(renderer as Required<typeof renderer>, 'articlePage')
    const before = mtimes(single)
    try {
      const store = new ContentStore({ config, source: memorySource(new Map(Object.entries(files)), config), clock: () => new Date('2026-01-01T00:00:00Z'), logger: { info: () => {}, warn: () => {} }, renderer })
      await store.load()
      store.close()
      await exportSite(store, 'wirtschaft', pooled)
      await exportSite(store, 'wirtschaft', single)
    } finally {
      await renderer.close()
    }
    expect(pages).toHaveBeenCalled()
    const names = [...mtimes(single).keys()].sort()
    expect([...mtimes(pooled).keys()].sort()).toEqual(names)
    expect(names.length).toBe(82)
    for (const name of names) expect(comparable(pooled, name), name).toBe(comparable(single, name))
    // The same tags and sizes in the manifest: the export in workers into the other's folder rewrote nothing.
    expect(rewritten(before, single)).toEqual([])
  })
})

describe('static export progress', () => {
  it('counts every document up to the total, then the media files by their bytes', async () => {
    const out = tempDir('export-progress-')
    const media = mediaFolder()
    // A podcast's audio: one file may take longer than every page (the documents were counted with the files, one each).
    fs.mkdirSync(path.join(media, 'audio'))
    fs.writeFileSync(path.join(media, 'audio/folge-1.mp3'), Buffer.alloc(3_000_000, 0xaa))
    const site = await testApp(articles(), ENV)
    const counts: string[] = []
    const paths = await exportSite(site.store, 'wirtschaft', out, media, {
      progress: (done, total) => counts.push(`${done}/${total}`),
      mediaProgress: (bytes, total) => counts.push(`${bytes}/${total} bytes`),
    })
    const total = paths.length
    expect(counts.slice(0, total)).toEqual(Array.from({ length: total }, (_, index) => `${index + 1}/${total}`))
    // From 0 once the documents are done, up to all; while the audio file copies, after each MiB of it, in whichever
    // order the walk found the two files (copyFile said nothing until a file of a few GB was done).
    const bytes = counts.slice(total).map((count) => Number(count.split('/')[0]))
    expect([bytes[0], bytes.at(-1), counts.at(-1)]).toEqual([0, 3_000_004, '3000004/3000004 bytes'])
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b))
    // One from the middle of the audio file: 2 MiB of it copied (and the picture's 4 bytes when it came first).
    expect(bytes.filter((done) => done === 2_097_152 || done === 2_097_156)).toHaveLength(1)
  })
})

describe('static export of media that change under it', () => {
  it('leaves out, with a warning, a media file removed or replaced by a FIFO after it was listed, and exports the rest', async () => {
    const out = tempDir('export-media-swapped-')
    const media = mediaFolder()
    fs.writeFileSync(path.join(media, 'weg.mp3'), Buffer.alloc(1000, 1))
    fs.writeFileSync(path.join(media, 'rohr.mp3'), Buffer.alloc(1000, 2))
    const site = await testApp(articles(), ENV)
    const warnings: string[] = []
    let swapped = false
    const exporting = exportSite(site.store, 'wirtschaft', out, media, {
      warn: (line) => warnings.push(line),
      // While the documents are written: after the media files were listed, before they are copied.
      progress: () => {
        if (swapped) return
        swapped = true
        fs.rmSync(path.join(media, 'weg.mp3'))
        fs.rmSync(path.join(media, 'rohr.mp3'))
        expect(spawnSync('mkfifo', [path.join(media, 'rohr.mp3')]).status).toBe(0)
      },
    })
    // A blocking open of the FIFO waited for a writer for good; a vanished file failed the export with a stack trace.
    const settled = await Promise.race([exporting.then(() => 'done'), new Promise((resolve) => setTimeout(resolve, 10_000, 'still waiting'))])
    expect(settled).toBe('done')
    expect(warnings.sort()).toEqual([
      'warning: MEDIA_DIR: rohr.mp3 is no regular file now (a FIFO, socket or device); not exported',
      'warning: MEDIA_DIR: weg.mp3 was removed during the export; not exported',
    ])
    expect([fs.readdirSync(path.join(out, 'media')), fs.existsSync(path.join(out, '.export-staging'))]).toEqual([['bild.jpg'], false])
  })
})

/** `npm run export`'s program (dist/export.js) into `out`, as a pipe sees it: its output, and how it ended. */
function exportCli(articlesDir: string, out: string, media?: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(import.meta.dirname, '../dist/export.js'), '--out', out], {
    cwd: tempDir('export-cli-cwd-'),
    env: { PATH: process.env.PATH ?? '', ARTICLES_DIR: articlesDir, ...(media && { MEDIA_DIR: media }), SITE_URL: 'https://www.example.de/', ...ENV },
    encoding: 'utf8',
  })
}

describe('npm run export', () => {
  it('ends its progress on stderr, when not a terminal, with a plain line of every document done and the time it took', () => {
    const articlesDir = tempDir('export-cli-articles-')
    for (const [file, text] of Object.entries(articles())) fs.writeFileSync(path.join(articlesDir, file), text)
    const out = tempDir('export-cli-out-')
    const run = exportCli(articlesDir, out)
    expect(run.status, run.stderr).toBe(0)
    const documents = Number(/exported (\d+) documents/.exec(run.stdout)?.[1])
    expect(documents).toBe(29)
    expect(run.stderr.trimEnd().split('\n').at(-1)).toMatch(new RegExp(`^export: ${documents} of ${documents} documents \\(100%\\), [\\d,]+/s, done in 0:\\d\\d$`))
    expect(fs.existsSync(path.join(out, '.export-lock'))).toBe(false)
  })

  it('shows the media after the documents, on a line of their own, in MB', () => {
    const articlesDir = tempDir('export-cli-media-articles-')
    for (const [file, text] of Object.entries(articles())) fs.writeFileSync(path.join(articlesDir, file), text)
    const media = mediaFolder()
    fs.writeFileSync(path.join(media, 'folge-1.mp3'), Buffer.alloc(2_500_000, 0xaa))
    const out = tempDir('export-cli-media-out-')
    const run = exportCli(articlesDir, out, media)
    expect(run.status, run.stderr).toBe(0)
    const [documents, files] = run.stderr.trimEnd().split('\n').slice(-2)
    expect(documents).toMatch(/^export: 29 of 29 documents \(100%\), [\d,]+\/s, done in 0:\d\d$/)
    expect(files).toMatch(/^export: 2\.5 of 2\.5 MB of media \(100%\), [\d,]+\.\d MB\/s, done in 0:\d\d$/)
    expect(fs.statSync(path.join(out, 'media/folge-1.mp3')).size).toBe(2_500_000)
    // The end line names the media too (it named the documents alone).
    expect(run.stdout).toMatch(new RegExp(`^exported 29 documents and 2 media files \\(2\\.5 MB\\) to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} in \\d+ ms$`, 'm'))
    // Again, nothing changed: the audio is found unchanged, done without a rate (it said thousands of MB/s).
    const again = exportCli(articlesDir, out, media)
    expect(again.status, again.stderr).toBe(0)
    expect(again.stderr.trimEnd().split('\n').at(-1)).toMatch(/^export: 2\.5 of 2\.5 MB of media \(100%\), done in 0:\d\d$/)
    expect(again.stdout).toMatch(/^exported 29 documents and 2 media files \(2\.5 MB\) to /m)
  })

  it('counts media of less than a megabyte in kB (they read 0.0 of 0.0 MB)', () => {
    const articlesDir = tempDir('export-cli-kb-articles-')
    for (const [file, text] of Object.entries(articles())) fs.writeFileSync(path.join(articlesDir, file), text)
    const media = mediaFolder()
    fs.writeFileSync(path.join(media, 'bild-1.jpg'), Buffer.alloc(30_000, 0xaa))
    fs.writeFileSync(path.join(media, 'bild-2.jpg'), Buffer.alloc(12_000, 0xbb))
    const out = tempDir('export-cli-kb-out-')
    const run = exportCli(articlesDir, out, media)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stderr.trimEnd().split('\n').at(-1)).toMatch(/^export: 42 of 42 kB of media \(100%\), [\d,]+ kB\/s, done in 0:\d\d$/)
    // With mediaFolder's 4-byte bild.jpg: 42,004 bytes in three files.
    expect(run.stdout).toMatch(/^exported 29 documents and 3 media files \(42 kB\) to /m)
  })

  // Hostile review of stop 34: npm's SIGTERM reached the shell of the script, not the export, which went on writing
  // into the folder, and holding its lock, with nobody waiting for it.
  it('stops when npm is told to stop (SIGTERM): the export itself hears it', async () => {
    const articlesDir = tempDir('export-npm-term-articles-')
    for (let n = 0; n < 2500; n++) fs.writeFileSync(path.join(articlesDir, `m${n}.md`), articleSource(n))
    const out = tempDir('export-npm-term-out-')
    const npm = spawn('npm', ['run', '-s', 'export', '--', '--out', out], {
      cwd: path.join(import.meta.dirname, '..'),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ARTICLES_DIR: articlesDir, SITE_URL: 'https://www.example.de/' },
      stdio: 'ignore',
    })
    const npmExited = new Promise((resolve) => npm.once('exit', resolve))
    // The lock names the export's own process: it takes it before it reads the articles.
    const lockText = () => (fs.existsSync(path.join(out, '.export-lock')) ? fs.readFileSync(path.join(out, '.export-lock'), 'utf8') : '')
    const lock = await polled(lockText, (text) => text.includes(' '), 20_000)
    // Not taken in time (a stale dist/ is built first by npm's script), the pid would be 0: this process's group, alive.
    expect(lock, 'the export took no lock in 20 s').toMatch(/^[1-9]\d* /)
    const exporter = Number(lock.split(' ')[0])
    npm.kill('SIGTERM')
    await npmExited
    expect(await goneWithin(exporter, 3000)).toBe(true)
  }, 60_000)

  // Hostile review of stop 34: on a terminal the error went on the bar's line ('… 0:00 leftError: EISDIR').
  it('on a terminal, ends the progress line before it says why it failed', () => {
    const articlesDir = tempDir('export-tty-articles-')
    for (const [file, text] of Object.entries(articles())) fs.writeFileSync(path.join(articlesDir, file), text)
    const out = tempDir('export-tty-out-')
    // A folder where a page goes: its rename fails.
    fs.mkdirSync(path.join(out, 'wirtschaft/a1.html/x'), { recursive: true })
    // util-linux's script gives the export a terminal.
    const run = spawnSync('script', ['-qec', `stty cols 100; '${process.execPath}' '${path.join(import.meta.dirname, '../dist/export.js')}' --out '${out}'`, '/dev/null'], {
      cwd: tempDir('export-tty-cwd-'),
      env: { PATH: process.env.PATH ?? '', ARTICLES_DIR: articlesDir, SITE_URL: 'https://www.example.de/', ...ENV },
      encoding: 'utf8',
    })
    expect(run.stdout).toContain('documents')
    expect(run.stdout.replaceAll('\r', '')).toMatch(/\nError: EISDIR/)
  })

  it('on a terminal, ends the progress line before a warning about an article (the store\'s, as a body renders)', () => {
    const articlesDir = tempDir('export-tty-warn-articles-')
    for (const [file, text] of Object.entries(articles())) fs.writeFileSync(path.join(articlesDir, file), text)
    // Outside the current feed (FEED_LIMIT 3): its body renders with its page, once the bar is drawn.
    fs.writeFileSync(path.join(articlesDir, 'a3.md'), articleText({ title: 'Artikel 3', date: '2025-01-03T10:00:00Z', category: 'wirtschaft' }, `${'<b>'.repeat(150)}Tief\n`))
    const out = tempDir('export-tty-warn-out-')
    const run = spawnSync('script', ['-qec', `stty cols 100; '${process.execPath}' '${path.join(import.meta.dirname, '../dist/export.js')}' --out '${out}'`, '/dev/null'], {
      cwd: tempDir('export-tty-warn-cwd-'),
      env: { PATH: process.env.PATH ?? '', ARTICLES_DIR: articlesDir, SITE_URL: 'https://www.example.de/', ...ENV },
      encoding: 'utf8',
    })
    expect(run.status, run.stdout).toBe(0)
    const shown = run.stdout.replaceAll('\r', '')
    // Before: '[….] 1/29 documents  10/swarning a3.md: …', the store's lines going to the console past the bar.
    expect(shown).toMatch(/\d+\/29 documents[^\n]*\nwarning a3\.md: body: nests HTML elements more than 100 deep; published as text without its HTML tags\n/)
  })

  it('refuses a folder another export holds before it reads a single article, in one line', () => {
    const articlesDir = tempDir('export-cli-busy-articles-')
    for (const [file, text] of Object.entries(articles())) fs.writeFileSync(path.join(articlesDir, file), text)
    const out = tempDir('export-cli-busy-out-')
    // The test runner's parent: alive, on this host.
    fs.writeFileSync(path.join(out, '.export-lock'), `${process.ppid} ${os.hostname()} fremd\n`)
    const run = exportCli(articlesDir, out)
    expect([run.status, run.stdout, run.stderr.trim()]).toEqual([
      1,
      '',
      `configuration error: --out: another export (pid ${process.ppid}) is writing into ${out}; wait for it, or remove ${path.join(out, '.export-lock')} if no such export runs`,
    ])
    expect(fs.readFileSync(path.join(out, '.export-lock'), 'utf8')).toBe(`${process.ppid} ${os.hostname()} fremd\n`)
  })
})

describe('static export that stops half-way, meets a link, or another export (hostile review of stop 33)', () => {
  /** Every file under `dir` with its bytes, the staging folder and lock aside (neither outlives an export). */
  function contents(dir: string): Map<string, string> {
    const all = new Map<string, string>()
    for (const file of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
      const stats = fs.lstatSync(path.join(dir, file))
      all.set(file, stats.isFile() ? comparable(dir, file) : stats.isDirectory() ? 'folder' : 'link')
    }
    return all
  }

  it('after an export that failed half-way and a change taken back, the next export is the fresh one: nothing of the failed one stays', async () => {
    const out = tempDir('export-failed-')
    const site = await testApp(articles(), ENV)
    const renamed = await testApp(articles(), { ...ENV, SITE_NAME: 'Beispielzeitunx' })
    await exportSite(site.store, 'wirtschaft', out, undefined, { build: 'alt' })
    // A document that cannot be written: the export of the renamed site stops there, the rest of it written or not.
    fs.rmSync(path.join(out, '404.html'))
    fs.mkdirSync(path.join(out, '404.html'))
    await expect(exportSite(renamed.store, 'wirtschaft', out, undefined, { build: 'neu' })).rejects.toThrow(/404\.html/)
    expect(JSON.parse(fs.readFileSync(path.join(out, MANIFEST), 'utf8'))).toMatchObject({ complete: false, stamps: {}, inputs: {} })
    // Nothing staged is left for a sync of the folder to find.
    expect(fs.existsSync(path.join(out, '.export-staging'))).toBe(false)
    // The renaming taken back: the next export must write the old name everywhere again.
    fs.rmdirSync(path.join(out, '404.html'))
    await exportSite(site.store, 'wirtschaft', out, undefined, { build: 'alt' })
    const fresh = tempDir('export-fresh-')
    await exportSite(site.store, 'wirtschaft', fresh, undefined, { build: 'alt' })
    expect(contents(out)).toEqual(contents(fresh))
    expect([...contents(out).values()].some((bytes) => Buffer.from(bytes, 'base64').toString('latin1').includes('Beispielzeitunx'))).toBe(false)
  })

  it('knows the robots.txt of a first export that stopped as its own: a later SITE_URL is written into it', async () => {
    const out = tempDir('export-first-stopped-')
    // A folder where its last document goes: the first export stops once robots.txt and the rest are written.
    fs.mkdirSync(path.join(out, '404.html'))
    const site = await testApp(articles(), ENV)
    await expect(exportSite(site.store, 'wirtschaft', out, undefined, { build: 'b1' })).rejects.toThrow(/404\.html/)
    expect(fs.readFileSync(path.join(out, 'robots.txt'), 'utf8')).toContain('Sitemap: https://www.example.de/sitemap.xml')
    fs.rmdirSync(path.join(out, '404.html'))
    const moved = await testApp(articles(), { ...ENV, SITE_URL: 'https://neu.example.de/' })
    await exportSite(moved.store, 'wirtschaft', out, undefined, { build: 'b2' })
    expect(fs.readFileSync(path.join(out, 'robots.txt'), 'utf8')).toContain('Sitemap: https://neu.example.de/sitemap.xml')
  })

  it('compresses an archive page again that stopped being the newest, as a fresh export does', async () => {
    const out = tempDir('export-newest-page-')
    const env = { FEED_LIMIT: '10', ARCHIVE_PAGE_SIZE: '10' }
    // Generated prose: Brotli 8 and 9 give other bytes for pages of it (for repeated text they may not).
    const corpus = Object.fromEntries(Array.from({ length: 40 }, (_, n) => [`m${n + 1}.md`, articleSource(n + 1)]))
    const site = await testApp(corpus, env)
    await exportSite(site.store, 'wirtschaft', out, undefined, { build: 'b1' })
    const more = await testApp({ ...corpus, 'm41.md': articleSource(41) }, env)
    expect(more.store.site().plan.archivePages).toBe(site.store.site().plan.archivePages + 1)
    await exportSite(more.store, 'wirtschaft', out, undefined, { build: 'b1' })
    const fresh = tempDir('export-newest-fresh-')
    await exportSite(more.store, 'wirtschaft', fresh, undefined, { build: 'b1' })
    expect(contents(out)).toEqual(contents(fresh))
  })

  it('writes into a folder on another file system than its own (EXDEV on the rename from its staging folder)', async () => {
    const out = tempDir('export-exdev-')
    const media = mediaFolder()
    const site = await testApp(articles(), ENV)
    // media/ under the export's folder stands for a mount: no rename reaches it from .export-staging.
    const rename = fs.promises.rename.bind(fs.promises)
    const refused: string[] = []
    vi.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
      if (String(from).includes('.export-staging') && String(to).startsWith(path.join(out, 'media'))) {
        refused.push(String(to))
        throw Object.assign(new Error(`EXDEV: cross-device link not permitted, rename '${String(from)}' -> '${String(to)}'`), { code: 'EXDEV' })
      }
      return rename(from, to)
    })
    await exportSite(site.store, 'wirtschaft', out, media, { build: 'b1' })
    vi.restoreAllMocks()
    expect(refused).toEqual([path.join(out, 'media/bild.jpg')])
    expect(fs.readdirSync(path.join(out, 'media'))).toEqual(['bild.jpg'])
    const fresh = tempDir('export-exdev-fresh-')
    await exportSite(site.store, 'wirtschaft', fresh, media, { build: 'b1' })
    expect(contents(out)).toEqual(contents(fresh))
  })

  it('says so when its manifest cannot be read, and writes every document again', async () => {
    const out = tempDir('export-bad-manifest-')
    const site = await testApp(articles(), ENV)
    await exportSite(site.store, 'wirtschaft', out, undefined, { build: 'b1' })
    for (const [text, why] of [
      [fs.readFileSync(path.join(out, MANIFEST), 'utf8').slice(0, 1000), 'is not JSON'],
      ['{"files":{}}', 'is JSON without a list of files'],
      ['[1,2]', 'is JSON without a list of files'],
    ] as const) {
      fs.writeFileSync(path.join(out, MANIFEST), text)
      const warnings: string[] = []
      await exportSite(site.store, 'wirtschaft', out, undefined, { build: 'b1', warn: (line) => void warnings.push(line) })
      expect(warnings).toEqual([expect.stringContaining(`warning: ${path.join(out, MANIFEST)} ${why}`)])
      expect(warnings[0]).toContain('every document is written again')
    }
  })

  it('replaces a link in its folder with the file, and never writes through it', async () => {
    const out = tempDir('export-link-')
    const elsewhere = tempDir('export-elsewhere-')
    fs.writeFileSync(path.join(elsewhere, 'notizen.txt'), 'nicht deins')
    const site = await testApp(articles(), ENV)
    await exportSite(site.store, 'wirtschaft', out, undefined, { build: 'b1' })
    const feed = path.join(out, 'wirtschaft/feed.xml')
    const bytes = fs.readFileSync(feed)
    fs.rmSync(feed)
    fs.symlinkSync(path.join(elsewhere, 'notizen.txt'), feed)
    await exportSite(site.store, 'wirtschaft', out, undefined, { build: 'b1' })
    expect(fs.readFileSync(path.join(elsewhere, 'notizen.txt'), 'utf8')).toBe('nicht deins')
    expect([fs.lstatSync(feed).isFile(), fs.readFileSync(feed).equals(bytes)]).toEqual([true, true])
  })

  it('refuses to write into a folder another export is writing into, and takes over the lock of one that is gone', async () => {
    const out = tempDir('export-locked-')
    const site = await testApp(articles(), ENV)
    const lock = path.join(out, '.export-lock')
    const aged = (minutes: number) => {
      const then = new Date(Date.now() - minutes * 60_000)
      fs.utimesSync(lock, then, then)
    }
    const refusedBy = async (text: string, minutes = 0) => {
      fs.writeFileSync(lock, text)
      aged(minutes)
      return exportSite(site.store, 'wirtschaft', out, undefined, { build: 'b1' }).then(
        () => 'taken over',
        (error: Error) => error.message,
      )
    }
    const host = os.hostname()
    // The test runner's parent: a process that is alive, and not this one.
    expect(await refusedBy(`${process.ppid} ${host} t1\n`)).toBe(`--out: another export (pid ${process.ppid}) is writing into ${out}; wait for it, or remove ${lock} if no such export runs`)
    expect(fs.existsSync(path.join(out, 'index.html'))).toBe(false)
    // Another host's (a container on a shared volume): its pid says nothing here, its time does.
    expect(await refusedBy('1 anderer-host t2\n', 1)).toBe(`--out: another export (pid 1 on anderer-host) is writing into ${out}; wait for it, or remove ${lock} if no such export runs`)
    // A lock being written (empty, or not yet whole) is young: not taken.
    expect(await refusedBy('')).toBe(`--out: another export (its lock not yet written whole) is writing into ${out}; wait for it, or remove ${lock} if no such export runs`)
    expect(await refusedBy('1 anderer-host t3\n', 3)).toBe('taken over')
    expect(await refusedBy(`2147483646 ${host} t4\n`)).toBe('taken over')
    // This pid in an earlier life (a container restarted as pid 1), with a token this process never held.
    expect(await refusedBy(`${process.pid} ${host} t5\n`)).toBe('taken over')
    expect(await refusedBy('kaputt', 1)).toBe('taken over')
    expect([fs.existsSync(path.join(out, 'index.html')), fs.existsSync(lock), fs.existsSync(path.join(out, '.export-staging'))]).toEqual([true, false, false])
    // Several exports finding the same stale lock at once: one takes the folder, the others are refused.
    fs.writeFileSync(lock, `2147483646 ${host} t6\n`)
    // The removal of one of them comes late, after another may have made its lock: it must not remove that one.
    const rm = fs.promises.rm.bind(fs.promises)
    let removals = 0
    vi.spyOn(fs.promises, 'rm').mockImplementation(async (target, options) => {
      if (String(target) === lock && ++removals === 2) await new Promise((resolve) => setTimeout(resolve, 100))
      return rm(target, options)
    })
    const releases = await Promise.allSettled(Array.from({ length: 6 }, () => lockFolder(out)))
    vi.restoreAllMocks()
    expect(releases.filter((result) => result.status === 'fulfilled')).toHaveLength(1)
    for (const result of releases) if (result.status === 'fulfilled') await result.value()
    expect(fs.existsSync(lock)).toBe(false)
  })

  it('follows a media file that became a folder of the same name, and back, and leaves no folder empty', async () => {
    const out = tempDir('export-media-folder-')
    const media = mediaFolder()
    fs.writeFileSync(path.join(media, 'grafik'), 'eine Datei')
    const site = await testApp(articles(), ENV)
    await exportSite(site.store, 'wirtschaft', out, media, { build: 'b1' })
    fs.rmSync(path.join(media, 'grafik'))
    fs.mkdirSync(path.join(media, 'grafik'))
    fs.writeFileSync(path.join(media, 'grafik/kurve.png'), 'ein Bild')
    await exportSite(site.store, 'wirtschaft', out, media, { build: 'b1' })
    expect(fs.readFileSync(path.join(out, 'media/grafik/kurve.png'), 'utf8')).toBe('ein Bild')
    fs.rmSync(path.join(media, 'grafik'), { recursive: true })
    fs.writeFileSync(path.join(media, 'grafik'), 'wieder eine Datei')
    await exportSite(site.store, 'wirtschaft', out, media, { build: 'b1' })
    expect(fs.readFileSync(path.join(out, 'media/grafik'), 'utf8')).toBe('wieder eine Datei')
    // Fewer archive pages: the folders of those gone are gone too.
    const fewer = await testApp(Object.fromEntries(Object.entries(articles()).slice(0, 4)), ENV)
    await exportSite(fewer.store, 'wirtschaft', out, media, { build: 'b1' })
    const empty = fs.readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((entry) => fs.statSync(path.join(out, entry)).isDirectory() && fs.readdirSync(path.join(out, entry)).length === 0)
    expect(empty).toEqual([])
  })
})
