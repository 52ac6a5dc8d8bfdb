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
})
