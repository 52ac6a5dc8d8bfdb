import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { addInFolders, folderId, isGone, isHidden, joinRelative, walkFolders, walkTreeSync, walkTreeYielding } from '../../src/content/files.js'
import { failReaddir as failReaddirUnder } from '../helpers/failing-readdir.js'
import { spin, timerTurns } from '../helpers/loop-delay.js'
import { makeTempDir } from '../helpers/temp-dir.js'

let temp: ReturnType<typeof makeTempDir>
beforeEach(() => {
  temp = makeTempDir()
  for (const file of ['b.md', 'a.md', 'B.md', 'a-b.md', 'a/x.md', 'ä.md', '2025/03/c.md', 'm/n.txt', 'm/.n.txt.swp', '.entwurf.md', '.git/config']) {
    temp.write(file, 'x')
  }
  fs.symlinkSync('m', path.join(temp.dir, 'link-dir'))
  fs.symlinkSync('a.md', path.join(temp.dir, 'link.md'))
})
afterEach(() => {
  vi.restoreAllMocks()
  temp.rm()
})

const failReaddir = (folder: string, code: string): void => failReaddirUnder(temp.dir, { [folder]: code })

/** Everything walkTreeSync reports, with what readdir said each entry is. */
function walkSync(options?: Parameters<typeof walkTreeSync>[2]): string[] {
  const seen: string[] = []
  walkTreeSync(temp.dir, (file, entry) => seen.push(`${file}${entry.isSymbolicLink() ? ' (link)' : ''}`), options)
  return seen
}

describe('isHidden and joinRelative', () => {
  it('takes a name starting with a dot as hidden, and nothing else', () => {
    expect(['.git', '.x.md.swp', '..', '.', 'a.md', 'a.b', ''].map(isHidden)).toEqual([true, true, true, true, false, false, false])
  })

  it('joins with a slash, except in the root', () => {
    expect([joinRelative('', 'a.md'), joinRelative('2025', 'a.md'), joinRelative('2025/03', 'a.md')]).toEqual(['a.md', '2025/a.md', '2025/03/a.md'])
  })
})

describe('isGone and folderId', () => {
  it('takes ENOENT and ENOTDIR as gone, and nothing else', () => {
    expect(['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', undefined].map(isGone)).toEqual([true, true, false, false, false])
  })

  it('gives a folder the same identity each time, another folder moved into its place another, and none to a file or nothing', async () => {
    const first = await folderId(path.join(temp.dir, 'a'))
    expect(first).toMatch(/^\d+:\d+:[\d.]+$/)
    expect(await folderId(path.join(temp.dir, 'a'))).toBe(first)
    fs.renameSync(path.join(temp.dir, 'a'), path.join(temp.dir, 'a.alt'))
    fs.renameSync(path.join(temp.dir, 'm'), path.join(temp.dir, 'a'))
    expect(await folderId(path.join(temp.dir, 'a'))).not.toBe(first)
    expect([await folderId(path.join(temp.dir, 'b.md')), await folderId(path.join(temp.dir, 'fehlt'))]).toEqual([undefined, undefined])
  })
})

describe('walkTreeSync', () => {
  it('reports every visible entry that is not a folder, depth-first, each folder in name order', () => {
    expect(walkSync()).toEqual([
      '2025/03/c.md',
      'B.md',
      'a/x.md', // the folder `a` sorts before `a-b.md`: by name within its folder, not by whole path
      'a-b.md',
      'a.md',
      'b.md',
      'link-dir (link)',
      'link.md (link)',
      'm/n.txt',
      'ä.md',
    ])
  })

  it('walks only the given sub-folder, with paths still relative to the root', () => {
    expect(walkSync({ folder: '2025' })).toEqual(['2025/03/c.md'])
  })

  it("throws readdir's error for a folder that is not there, unless told to skip it", () => {
    expect(() => walkSync({ folder: 'fehlt' })).toThrow(expect.objectContaining({ code: 'ENOENT' }))
    expect(walkSync({ folder: 'fehlt', skipUnreadable: true })).toEqual([])
  })

  it.each(['EACCES', 'ENOENT'])('skips a sub-folder readdir fails on with %s, tells onUnreadable, and walks the rest', (code) => {
    failReaddir('2025', code)
    const skipped: string[] = []
    const seen = walkSync({ onUnreadable: (folder, error) => skipped.push(`${folder} ${error.code}`) })
    expect(seen).toEqual(['B.md', 'a/x.md', 'a-b.md', 'a.md', 'b.md', 'link-dir (link)', 'link.md (link)', 'm/n.txt', 'ä.md'])
    expect(skipped).toEqual([`2025 ${code}`])
  })

  it('tells onUnreadable of a start folder it cannot read, but throws for the root', () => {
    failReaddirUnder(temp.dir, { '2025': 'EACCES', '': 'EACCES' })
    const skipped: string[] = []
    expect(walkSync({ folder: '2025', onUnreadable: (folder) => skipped.push(folder) })).toEqual([])
    expect(skipped).toEqual(['2025'])
    expect(() => walkSync({ onUnreadable: () => undefined })).toThrow(expect.objectContaining({ code: 'EACCES' }))
  })
})

describe('walkTreeYielding', () => {
  it('reports the same entries as walkTreeSync', async () => {
    const seen: string[] = []
    await walkTreeYielding(temp.dir, (file, entry) => seen.push(`${file}${entry.isSymbolicLink() ? ' (link)' : ''}`), 500)
    expect(seen.sort()).toEqual(walkSync().sort())
  })

  it("reports a folder's files before its sub-folders' files", async () => {
    const seen: string[] = []
    await walkTreeYielding(temp.dir, (file) => seen.push(file), 500)
    const lastInRoot = Math.max(...['B.md', 'a-b.md', 'a.md', 'b.md', 'link-dir', 'link.md', 'ä.md'].map((file) => seen.indexOf(file)))
    const firstBelow = Math.min(...['2025/03/c.md', 'a/x.md', 'm/n.txt'].map((file) => seen.indexOf(file)))
    expect(lastInRoot).toBeLessThan(firstBelow)
  })

  it('lets other work run while it walks', async () => {
    const order: string[] = []
    setImmediate(() => order.push('other work'))
    await walkTreeYielding(temp.dir, (file) => order.push(file), 2)
    expect(order.indexOf('other work')).toBeGreaterThan(0)
    expect(order.indexOf('other work')).toBeLessThan(order.length - 1)
  })

  it('skips a sub-folder it cannot read, and tells onUnreadable', async () => {
    const readable = walkSync().filter((file) => !file.startsWith('2025/')).map((file) => file.replace(' (link)', ''))
    failReaddir('2025/03', 'EACCES')
    const seen: string[] = []
    const skipped: string[] = []
    await walkTreeYielding(temp.dir, (file) => seen.push(file), 500, (folder, error) => skipped.push(`${folder} ${error.code}`))
    expect(seen.sort()).toEqual(readable.sort())
    expect(skipped).toEqual(['2025/03 EACCES'])
  })

  it('throws when the root is not there', async () => {
    await expect(walkTreeYielding(path.join(temp.dir, 'fehlt'), () => undefined, 500)).rejects.toThrow(expect.objectContaining({ code: 'ENOENT' }))
  })
})

describe('walkFolders', () => {
  /** The folders walkFolders enters from `start`, in the order it enters them; `refuse` names one not to go into. */
  async function entered(start: string, refuse?: string): Promise<string[]> {
    const folders: string[] = []
    await walkFolders(temp.dir, start, (folder) => {
      folders.push(folder)
      return folder !== refuse
    })
    return folders
  }

  it('enters every visible folder, never a linked one, each before what it holds', async () => {
    const folders = await entered('')
    expect([...folders].sort()).toEqual(['', '2025', '2025/03', 'a', 'm'])
    expect(folders.indexOf('2025')).toBeLessThan(folders.indexOf('2025/03'))
  })

  it('does not go into a folder that enter refuses', async () => {
    expect((await entered('', '2025')).sort()).toEqual(['', '2025', 'a', 'm'])
  })

  it('ends quietly at a folder that is not there', async () => {
    expect(await entered('fehlt')).toEqual(['fehlt'])
  })
})

describe('addInFolders', () => {
  it('adds the known files inside one of the folders, at any depth, and none beside them', async () => {
    const into = new Set(['schon.md'])
    await addInFolders(into, new Set(['neu', '2025/03']), ['neu/a.md', 'neue/b.md', 'neu.md', '2025/03/c.md', '2025/c.md', 'x/neu/d.md'], ['neu/x/e.md'])
    expect([...into].sort()).toEqual(['2025/03/c.md', 'neu/a.md', 'neu/x/e.md', 'schon.md'])
  })

  it('lets timers run while it looks through many known files (at 60,000, 8-16 ms in one go began the hold of a bulk import)', async () => {
    const timers = timerTurns()
    const seen: number[] = []
    // 5,000 known files, each handed over in 0.02 ms: 100 ms in all, ten times a turn's 10 ms.
    function* known(): Generator<string> {
      seen.push(timers.count())
      for (let n = 0; n < 5000; n++) {
        spin(0.02)
        yield `${n % 100}/meldung-${n}.md`
      }
      seen.push(timers.count())
    }
    const into = new Set<string>()
    try {
      await addInFolders(into, new Set(['7']), known())
    } finally {
      timers.stop()
    }
    expect(into.size).toBe(50)
    // About four turns; none when it looked at all of them in one go.
    expect((seen[1] as number) - (seen[0] as number)).toBeGreaterThanOrEqual(3)
  })
})
