/**
 * An index snapshot takes a file by its stamp (inode, size, modification and
 * change times), which holds only where the kernel sets the change time at
 * every change. On a squashfs image built with fixed times (`mksquashfs
 * -all-time`), the next image mounted at the same place gave a file edited
 * to the same size the stamp it had: a restart served its old title and tags
 * beside its new body (hostile review, issue 14). On such file systems
 * (content/change-times.ts) the service keeps no snapshot. Needs dist/ (npm
 * run build).
 */
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { changeTimesNotKept } from '../src/content/change-times.js'
import { startServer } from './helpers/server-process.js'
import { articleText, makeTempDir } from './helpers/temp-dir.js'

const SQUASHFS = 0x73717368

describe('file systems whose change times do not tell every change (content/change-times.ts)', () => {
  it('names images, FAT, exFAT and FUSE, and no file system the kernel sets change times on', () => {
    const on = (type: number) => changeTimesNotKept('/srv/artikel', () => ({ type }))
    expect([SQUASHFS, 0xe0f5e1e2, 0x9660, 0x4d44, 0x2011bab0, 0x65735546].map(on)).toEqual(['squashfs', 'EROFS', 'ISO 9660', 'FAT', 'exFAT', 'FUSE'])
    // ext4, XFS, Btrfs, tmpfs, overlayfs, NFS.
    expect([0xef53, 0x58465342, 0x9123683e, 0x01021994, 0x794c7630, 0x6969].map(on)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined])
  })

  it('names them by their unsigned number, as a 32-bit Linux gives it signed (EROFS 0xe0f5e1e2 as -520758814)', () => {
    const on = (type: number) => changeTimesNotKept('/srv/artikel', () => ({ type }))
    expect([0xe0f5e1e2 | 0, 0x2011bab0 | 0, 0x65735546 | 0].map(on)).toEqual(['EROFS', 'exFAT', 'FUSE'])
  })

  it('names none when statfs fails, nor for the temp folder the tests run in', () => {
    expect(changeTimesNotKept('/srv/artikel', () => { throw Object.assign(new Error('gone'), { code: 'ENOENT' }) })).toBeUndefined()
    const temp = makeTempDir('change-times-')
    try {
      expect(changeTimesNotKept(temp.dir)).toBeUndefined()
    } finally {
      temp.rm()
    }
  })
})

describe('the built service with ARTICLES_DIR on squashfs', () => {
  it('neither takes files from an index snapshot there nor writes one: it reads every file at every start', async () => {
    const articles = makeTempDir('squashfs-articles-')
    const state = makeTempDir('squashfs-state-')
    const preload = makeTempDir('squashfs-preload-')
    try {
      for (const n of [1, 2, 3]) articles.write(`m${n}.md`, articleText({ title: `Meldung ${n}`, date: `2025-01-0${n}T10:00:00Z`, category: 'wirtschaft' }, 'Text.\n'))
      // Older than the 2 s within which a file's read is not trusted: a stop keeps every file.
      await new Promise((resolve) => setTimeout(resolve, 2100))
      const env = { ARTICLES_DIR: articles.dir, STATE_DIR: state.dir, SITE_URL: 'https://www.example.de/' }
      const snapshot = path.join(state.dir, 'index-snapshot.v8')
      // A snapshot of these files, as a start on a file system that keeps change times leaves it.
      const before = await startServer(env)
      expect(await before.stop()).toBe(0)
      expect(fs.existsSync(snapshot)).toBe(true)
      // statfs says squashfs for ARTICLES_DIR (no mount here: that needs root, loop devices and mksquashfs).
      const hook = preload.write('squashfs.mjs', `import fs from 'node:fs'\nconst real = fs.statfsSync\nfs.statfsSync = (dir, ...rest) => (String(dir) === ${JSON.stringify(articles.dir)} ? { ...real(dir, ...rest), type: ${SQUASHFS} } : real(dir, ...rest))\n`)
      const onSquashfs = { ...env, NODE_OPTIONS: `--import=${pathToFileURL(hook).href}` }
      const first = await startServer(onSquashfs)
      expect(await first.stop()).toBe(0)
      expect(first.output()).toContain('no index snapshot: ARTICLES_DIR is on a squashfs file system, whose change times do not tell every change of a file; every start reads every file')
      expect(first.output()).not.toContain('those unchanged since are not read again')
      expect(first.output()).toContain('loaded 3 articles')
      // Nor written, though every file was read long enough after its change to be kept elsewhere.
      fs.rmSync(snapshot)
      const second = await startServer(onSquashfs)
      expect(await second.stop()).toBe(0)
      expect(fs.existsSync(snapshot)).toBe(false)
    } finally {
      articles.rm()
      state.rm()
      preload.rm()
    }
  })
})
