/**
 * changedSince (the media a start purges, cdn/purge-record.ts) on a folder whose files all changed since the mark.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { changedSince } from '../../src/content/files.js'
import { makeTempDir } from '../helpers/temp-dir.js'

afterEach(() => vi.restoreAllMocks())

describe('changedSince', () => {
  it('lists a subfolder of 140,000 changed files', async () => {
    // Spread into push, a subfolder's list of more than about 120,000 overflowed the stack (RangeError): the start's
    // purge of what changed since the last stop failed whole, the articles' too, and the CDN kept them for the run.
    const temp = makeTempDir('changed-since-')
    try {
      fs.mkdirSync(path.join(temp.dir, 'bilder'))
      const many = Array.from({ length: 140_000 }, (_, index) => ({ name: `b${index}.jpg`, isDirectory: () => false }))
      const readdir = fs.promises.readdir.bind(fs.promises)
      vi.spyOn(fs.promises, 'readdir').mockImplementation(((where: string, options: never) =>
        where.endsWith('bilder') ? Promise.resolve(many) : readdir(where, options)) as typeof fs.promises.readdir)
      const stat = fs.promises.stat.bind(fs.promises)
      vi.spyOn(fs.promises, 'stat').mockImplementation(((where: string) =>
        where.includes(`bilder${path.sep}`) ? Promise.resolve({ ctimeMs: Date.now() + 120_000 }) : stat(where)) as typeof fs.promises.stat)
      const changed = await changedSince(temp.dir, Date.now() + 60_000)
      expect(changed.files.length).toBe(140_000)
      expect(changed.files[0]).toBe('bilder/b0.jpg')
    } finally {
      temp.rm()
    }
  })

  it('passes over a folder this process may not enter, unchanged since the mark (lost+found), and not one changed since', async () => {
    // Counted as changed, lost+found (root's, mode 700) at the top of a volume of its own made every start purge every
    // media file (the CDN fetched every episode again) with the service run as an ordinary user: /media/ serves
    // nothing under such a folder, and what the CDN held from it before a chmod changed its status-change time.
    const temp = makeTempDir('changed-since-')
    try {
      temp.write('lost+found/x', 'x')
      temp.write('folge.mp3', 'x')
      const readdir = fs.promises.readdir.bind(fs.promises)
      vi.spyOn(fs.promises, 'readdir').mockImplementation(((where: string, options: never) =>
        where.endsWith('lost+found') ? Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' })) : readdir(where, options)) as typeof fs.promises.readdir)
      const access = fs.promises.access.bind(fs.promises)
      vi.spyOn(fs.promises, 'access').mockImplementation(((where: string, mode?: number) =>
        where.endsWith('lost+found') ? Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' })) : access(where, mode)) as typeof fs.promises.access)
      expect(await changedSince(temp.dir, Date.now() + 60_000)).toEqual({ files: [], folders: false })
      expect(await changedSince(temp.dir, 0)).toEqual({ files: ['folge.mp3'], folders: true })
      // One it may enter but not list: a file in it may be served, and replaced unseen.
      vi.mocked(fs.promises.access).mockImplementation(access)
      expect((await changedSince(temp.dir, Date.now() + 60_000)).folders).toBe(true)
    } finally {
      temp.rm()
    }
  })
})
