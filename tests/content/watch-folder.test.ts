/**
 * FolderWatcher on its own, on a real temporary folder. The tests wait for
 * conditions (vi.waitFor polls) rather than for fixed times, and prove that
 * something was not reported by a later event that was: events of one
 * folder arrive in order, so a sentinel file written last is reported last.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FolderWatcher, type FolderWatcherOptions } from '../../src/content/watch-folder.js'
import { makeTempDir } from '../helpers/temp-dir.js'

/** Generous for a loaded machine: a report normally comes within 100 ms. */
const WAIT = { timeout: 10_000, interval: 20 }

interface Watched {
  readonly watcher: FolderWatcher
  /** Every batch reported, in order, each sorted. */
  readonly batches: string[][]
  readonly errors: Error[]
  /** Every path reported so far. */
  reported(): Set<string>
}

const cleanups: (() => void)[] = []

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
})

function tempTree(files: Record<string, string> = {}): ReturnType<typeof makeTempDir> {
  const temp = makeTempDir('watch-folder-test-')
  cleanups.push(temp.rm)
  for (const [file, text] of Object.entries(files)) temp.write(file, text)
  return temp
}

async function watch(root: string, options: Partial<FolderWatcherOptions> = {}): Promise<Watched> {
  const batches: string[][] = []
  const errors: Error[] = []
  const watcher = new FolderWatcher({ root, onChange: (paths) => batches.push([...paths].sort()), onError: (error) => errors.push(error), ...options })
  cleanups.push(() => watcher.close())
  await watcher.start()
  return { watcher, batches, errors, reported: () => new Set(batches.flat()) }
}

/** Waits until `file` has been reported. */
const reportOf = (watched: Watched, file: string) =>
  vi.waitFor(() => expect([...watched.reported()], `a report of ${file}`).toContain(file), WAIT)

/**
 * Writes `file` again at every poll until it is reported: for a folder whose
 * watch is being placed, a write before the watch is in place goes unheard.
 * Only a watched folder ever passes.
 */
const writeUntilReported = (watched: Watched, root: string, file: string) =>
  vi.waitFor(() => {
    fs.writeFileSync(path.join(root, file), 'Text')
    expect([...watched.reported()], `a report of ${file}`).toContain(file)
  }, WAIT)

describe('FolderWatcher', () => {
  it('watches every folder under the root at start, and reports nothing from hidden ones', async () => {
    const temp = tempTree({ 'a.md': 'A', '2025/b.md': 'B', '2025/06/c.md': 'C', '.git/HEAD': 'ref', '2025/.cache/x': 'x' })
    const watched = await watch(temp.dir)
    fs.writeFileSync(path.join(temp.dir, '.git', 'HEAD'), 'other ref')
    fs.writeFileSync(path.join(temp.dir, '2025', '.cache', 'x'), 'y')
    for (const file of ['neu.md', '2025/neu.md', '2025/06/neu.md']) fs.writeFileSync(path.join(temp.dir, file), 'Neu')
    await vi.waitFor(() => expect([...watched.reported()].sort()).toEqual(['2025/06/neu.md', '2025/neu.md', 'neu.md']), WAIT)
    expect(watched.errors).toEqual([])
  })

  it('reports a burst of writes to several files as one batch, with paths relative to the root', async () => {
    const temp = tempTree({ '2025/alt.md': 'alt' })
    // A quiet time far longer than the pauses in the burst, even on a loaded machine.
    const watched = await watch(temp.dir, { debounceMs: 1000, maxDelayMs: 10_000 })
    // Written over several turns of the event loop, as an editor saves in steps.
    for (const file of ['eins.md', 'zwei.md', '2025/drei.md', '2025/alt.md']) {
      fs.writeFileSync(path.join(temp.dir, file), `Text ${file}`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    fs.rmSync(path.join(temp.dir, 'eins.md'))
    await vi.waitFor(() => expect(watched.batches.length).toBeGreaterThan(0), WAIT)
    fs.writeFileSync(path.join(temp.dir, 'zuletzt.md'), 'Sentinel')
    await reportOf(watched, 'zuletzt.md')
    expect(watched.batches).toEqual([['2025/alt.md', '2025/drei.md', 'eins.md', 'zwei.md'], ['zuletzt.md']])
  })

  it('reports a burst within maxDelayMs even while events keep coming', async () => {
    const temp = tempTree()
    const watched = await watch(temp.dir, { debounceMs: 200, maxDelayMs: 400 })
    const file = path.join(temp.dir, 'laufend.md')
    // Writes every 50 ms, closer than the quiet time: only maxDelayMs ends the batch.
    let n = 0
    const writer = setInterval(() => fs.writeFileSync(file, `Stand ${(n += 1)}`), 50)
    cleanups.push(() => clearInterval(writer))
    await reportOf(watched, 'laufend.md')
    clearInterval(writer)
    expect(watched.batches[0]).toEqual(['laufend.md'])
  })

  it('watches a sub-folder created after start, and reports a file created inside it', async () => {
    const temp = tempTree({ 'a.md': 'A' })
    const watched = await watch(temp.dir)
    fs.mkdirSync(path.join(temp.dir, 'neu'))
    // The watch is placed before the folder is reported.
    await reportOf(watched, 'neu')
    fs.writeFileSync(path.join(temp.dir, 'neu', 'artikel.md'), 'Text')
    await reportOf(watched, 'neu/artikel.md')
  })

  it('watches every folder of a tree moved in at once, and reports files created deep inside', async () => {
    const temp = tempTree()
    const outside = tempTree({ 'unter/tiefer/x.md': 'X' })
    const watched = await watch(temp.dir)
    fs.renameSync(path.join(outside.dir, 'unter'), path.join(temp.dir, 'unter'))
    await reportOf(watched, 'unter')
    fs.writeFileSync(path.join(temp.dir, 'unter', 'tiefer', 'y.md'), 'Y')
    await reportOf(watched, 'unter/tiefer/y.md')
  })

  it('reports a vanished folder and lets go of it and the folders below it', async () => {
    const temp = tempTree({ 'a.md': 'A', 'weg/b.md': 'B', 'weg/drin/c.md': 'C' })
    const watched = await watch(temp.dir)
    fs.rmSync(path.join(temp.dir, 'weg'), { recursive: true })
    await reportOf(watched, 'weg')
    // Folders of the same names are new folders: a watcher still holding the old ones would not watch them.
    fs.mkdirSync(path.join(temp.dir, 'weg', 'drin'), { recursive: true })
    await writeUntilReported(watched, temp.dir, 'weg/drin/neu.md')
    expect(watched.errors).toEqual([])
  })

  it('reports a folder named *.md moved in, or replaced by a file, also with a trailing / (a folder, not an article file)', async () => {
    const temp = tempTree({ 'a.md': 'A' })
    const outside = tempTree({ 'band.md/drin.md': 'D' })
    const watched = await watch(temp.dir, { debounceMs: 200 })
    fs.renameSync(path.join(outside.dir, 'band.md'), path.join(temp.dir, 'band.md'))
    await reportOf(watched, 'band.md/')
    expect(watched.batches).toEqual([['band.md', 'band.md/']])
    // One batch (200 ms of quiet): the folder gone and a file in its place.
    fs.rmSync(path.join(temp.dir, 'band.md'), { recursive: true })
    fs.writeFileSync(path.join(temp.dir, 'band.md'), 'Datei')
    await vi.waitFor(() => expect(watched.batches).toHaveLength(2), WAIT)
    expect(watched.batches[1]).toEqual(expect.arrayContaining(['band.md', 'band.md/']))
    // Let go of: a folder of that name again is a new one, watched with what is written in it.
    fs.rmSync(path.join(temp.dir, 'band.md'))
    fs.mkdirSync(path.join(temp.dir, 'band.md'))
    await writeUntilReported(watched, temp.dir, 'band.md/neu.md')
  })

  it('does not watch through a link to a folder made while it runs, as no walk follows one', async () => {
    const temp = tempTree({ 'a.md': 'A' })
    const outside = tempTree({ 'geheim/x.md': 'X' })
    const watched = await watch(temp.dir)
    fs.symlinkSync(path.join(outside.dir, 'geheim'), path.join(temp.dir, 'draussen'))
    await reportOf(watched, 'draussen')
    fs.writeFileSync(path.join(outside.dir, 'geheim', 'neu.md'), 'N')
    // A watch through the link would report the write within milliseconds; the sentinel's report comes later.
    await new Promise((resolve) => setTimeout(resolve, 200))
    fs.writeFileSync(path.join(temp.dir, 'sentinel.md'), 'S')
    await reportOf(watched, 'sentinel.md')
    expect([...watched.reported()].sort()).toEqual(['draussen', 'sentinel.md'])
  })

  it("watches the folder a deploy puts in a sub-folder's place (mv site site.old; mv new site), not the old one under the old name", async () => {
    const temp = tempTree({ 'site/eins.md': 'E' })
    const outside = tempTree({ 'neu/zwei.md': 'Z' })
    const watched = await watch(temp.dir)
    fs.renameSync(path.join(temp.dir, 'site'), path.join(temp.dir, 'site.old'))
    fs.renameSync(path.join(outside.dir, 'neu'), path.join(temp.dir, 'site'))
    await reportOf(watched, 'site.old')
    await writeUntilReported(watched, temp.dir, 'site/drei.md')
    // The old folder is watched under its new name only: its writes are not the new site's.
    fs.writeFileSync(path.join(temp.dir, 'site.old', 'alt.md'), 'A')
    await reportOf(watched, 'site.old/alt.md')
    expect(watched.reported().has('site/alt.md')).toBe(false)
  })

  it('watches a sub-folder removed and made again in one batch (rm -rf site; mkdir site: often the same inode)', async () => {
    const temp = tempTree({ 'site/eins.md': 'E' })
    const watched = await watch(temp.dir)
    fs.rmSync(path.join(temp.dir, 'site'), { recursive: true })
    fs.mkdirSync(path.join(temp.dir, 'site'))
    await reportOf(watched, 'site')
    await writeUntilReported(watched, temp.dir, 'site/zwei.md')
  })

  it("lets an error of a watch it replaced end nothing: the folder's new watch goes on", async () => {
    const temp = tempTree({ 'site/eins.md': 'E' })
    const placed: [string, fs.FSWatcher][] = []
    const watch0 = fs.watch
    vi.spyOn(fs, 'watch').mockImplementation(((where: fs.PathLike, ...rest: never[]) => {
      const watcher = (watch0 as (...args: unknown[]) => fs.FSWatcher)(where, ...rest)
      placed.push([String(where), watcher])
      return watcher
    }) as typeof fs.watch)
    const watched = await watch(temp.dir)
    vi.restoreAllMocks()
    const site = path.join(temp.dir, 'site')
    const old = placed.find(([where]) => where === site)?.[1]
    expect(old).toBeDefined()
    // Its mode changed: the parent names it, and it is watched anew; the old watch is closed.
    fs.chmodSync(site, 0o775)
    await reportOf(watched, 'site')
    old?.emit('error', new Error('a late error of the closed watch'))
    await writeUntilReported(watched, temp.dir, 'site/zwei.md')
  })

  it('watches a folder again that vanished and came back', async () => {
    const temp = tempTree({ 'weg/b.md': 'B' })
    const watched = await watch(temp.dir)
    fs.rmSync(path.join(temp.dir, 'weg'), { recursive: true })
    await reportOf(watched, 'weg')
    fs.mkdirSync(path.join(temp.dir, 'weg'))
    await writeUntilReported(watched, temp.dir, 'weg/wieder.md')
  })

  it('ignores hidden files, hidden folders and what they hold', async () => {
    const temp = tempTree({ '.git/HEAD': 'ref', 'a.md': 'A' })
    const watched = await watch(temp.dir)
    fs.writeFileSync(path.join(temp.dir, '.a.md.swp'), 'swap')
    fs.writeFileSync(path.join(temp.dir, '.git', 'HEAD'), 'other ref')
    fs.mkdirSync(path.join(temp.dir, '.entwuerfe'))
    fs.writeFileSync(path.join(temp.dir, '.entwuerfe', 'geheim.md'), 'Geheim')
    fs.writeFileSync(path.join(temp.dir, 'sichtbar.md'), 'Sentinel')
    await reportOf(watched, 'sichtbar.md')
    expect([...watched.reported()]).toEqual(['sichtbar.md'])
  })

  // Issue #10, point 10: the name came decoded with U+FFFD, a file that cannot be opened so.
  it('reports a name that is not UTF-8 as the name the listing gives it, inside a folder so named too', async () => {
    const temp = tempTree({ 'a.md': 'A' })
    fs.mkdirSync(Buffer.from(`${temp.dir}/Gr\xfc\xdfe`, 'latin1'))
    const watched = await watch(temp.dir)
    fs.writeFileSync(Buffer.from(`${temp.dir}/B\xf6rse.md`, 'latin1'), 'Börse')
    fs.writeFileSync(Buffer.from(`${temp.dir}/Gr\xfc\xdfe/zoll.md`, 'latin1'), 'Zoll')
    await reportOf(watched, 'Gr\udcfc\udcdfe/zoll.md')
    expect([...watched.reported()].sort()).toEqual(['B\udcf6rse.md', 'Gr\udcfc\udcdfe/zoll.md'])
  })

  it('reports nothing after close()', async () => {
    const temp = tempTree({ 'a.md': 'A', 'sub/b.md': 'B' })
    const watched = await watch(temp.dir)
    // A second watcher of the same folder, open throughout: what it reports, the closed one would have.
    const witness = await watch(temp.dir)
    watched.watcher.close()
    fs.writeFileSync(path.join(temp.dir, 'a.md'), 'A, geändert')
    fs.writeFileSync(path.join(temp.dir, 'sub', 'c.md'), 'C')
    await reportOf(witness, 'sub/c.md')
    expect(witness.reported()).toEqual(new Set(['a.md', 'sub/c.md']))
    expect(watched.batches).toEqual([])
  })

  it('drops a batch still waiting when close() comes', async () => {
    const temp = tempTree()
    const watched = await watch(temp.dir, { debounceMs: 2000, maxDelayMs: 2000 })
    const witness = await watch(temp.dir)
    fs.writeFileSync(path.join(temp.dir, 'kurz.md'), 'Text')
    // Once the witness has reported the event, the closing watcher holds it, pending for 2 s.
    await reportOf(witness, 'kurz.md')
    expect(watched.batches).toEqual([])
    watched.watcher.close()
    // Past the moment the batch was due: a negative can only be shown by waiting.
    await new Promise((resolve) => setTimeout(resolve, 2500))
    expect(watched.batches).toEqual([])
  })

  it('watches nothing, without an error, when the root does not exist', async () => {
    const temp = tempTree()
    const { batches, errors } = await watch(path.join(temp.dir, 'gibt-es-nicht'))
    expect([batches, errors]).toEqual([[], []])
  })
})
