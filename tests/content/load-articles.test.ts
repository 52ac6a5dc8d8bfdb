import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { listArticleFiles, MAX_ARTICLE_BYTES, readArticleFile, stampArticleFiles } from '../../src/content/load-articles.js'
import { ArticleError } from '../../src/errors/article-error.js'
import { failReaddir } from '../helpers/failing-readdir.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

const options = { siteUrl: 'https://www.example.de/', timeZone: 'Europe/Berlin', language: 'de' }
const valid = (title: string) => articleText({ title, date: '2025-01-28T09:30:00+01:00', category: 'wirtschaft' })

let temp: ReturnType<typeof makeTempDir>
beforeEach(() => {
  temp = makeTempDir()
})
afterEach(() => {
  vi.restoreAllMocks()
  temp.rm()
})

async function refusal(file: string): Promise<ArticleError> {
  try {
    readArticleFile(temp.dir, file, options)
  } catch (error) {
    if (error instanceof ArticleError) return error
    throw error
  }
  throw new Error('expected an ArticleError')
}

describe('listArticleFiles', () => {
  it('finds every *.md file in sub-folders, in a stable order, and nothing else', async () => {
    temp.write('b.md', valid('B'))
    temp.write('a.md', valid('A'))
    temp.write('2025/03/c.md', valid('C'))
    temp.write('notizen.txt', 'kein Artikel')
    temp.write('bild.md.jpg', 'kein Artikel')
    temp.write('.entwurf.md', valid('versteckt'))
    temp.write('.git/x.md', valid('versteckt'))
    const listing = listArticleFiles(temp.dir)
    expect(listing.files).toEqual(['2025/03/c.md', 'a.md', 'b.md'])
    expect(listing.refused).toEqual([])
  })

  it('follows a link to a file inside the folder, never one that leads outside, nor linked folders', async () => {
    const outside = makeTempDir()
    try {
      outside.write('geheim.md', valid('Geheim'))
      temp.write('texte/echt.txt', valid('Echt'))
      temp.write('artikel.md', valid('Artikel'))
      fs.symlinkSync(path.join(temp.dir, 'texte/echt.txt'), path.join(temp.dir, 'verweis.md'))
      fs.symlinkSync(path.join(outside.dir, 'geheim.md'), path.join(temp.dir, 'draussen.md'))
      fs.symlinkSync(outside.dir, path.join(temp.dir, 'ordner'))
      // A second name for an article would publish it twice, under another slug.
      fs.symlinkSync(path.join(temp.dir, 'artikel.md'), path.join(temp.dir, 'doppelt.md'))
      const listing = listArticleFiles(temp.dir)
      expect(listing.files).toEqual(['artikel.md', 'verweis.md'])
      expect(listing.refused.map((e) => e.message)).toEqual([
        'doppelt.md: file: is a symbolic link to artikel.md, which is published itself; not published twice',
        'draussen.md: file: is a symbolic link leading outside ARTICLES_DIR; not followed',
      ])
      // Each refused entry's stamp as a rescan takes it: the first rescan after a start finds it unchanged.
      const { files: onDisk } = await stampArticleFiles(temp.dir)
      expect([...(listing.refusedStamps ?? [])]).toEqual([
        ['doppelt.md', onDisk.get('doppelt.md')],
        ['draussen.md', onDisk.get('draussen.md')],
      ])
      expect(listing.refusedStamps?.get('draussen.md')).toMatch(/^\d+:\d+:/)
      expect((await refusal('doppelt.md')).message).toBe(
        'doppelt.md: file: is a symbolic link to artikel.md, which is published itself; not published twice',
      )
      // Named by a change (a link made while the service runs): a listing of the linked folder, or a read through
      // it, finds nothing either, as the whole walk does not.
      outside.write('tief/unten.md', valid('Unten'))
      expect([listArticleFiles(temp.dir, 'ordner'), listArticleFiles(temp.dir, 'ordner/tief')]).toEqual([
        { files: [], refused: [], skippedFolders: [], refusedStamps: new Map() },
        { files: [], refused: [], skippedFolders: [], refusedStamps: new Map() },
      ])
      expect([readArticleFile(temp.dir, 'ordner/geheim.md', options), readArticleFile(temp.dir, 'ordner/tief/unten.md', options)]).toEqual([undefined, undefined])
      expect(readArticleFile(temp.dir, 'artikel.md', options)?.article.title).toBe('Artikel')
    } finally {
      outside.rm()
    }
  })
})

describe('folders that cannot be read', () => {
  beforeEach(() => {
    temp.write('a.md', valid('A'))
    temp.write('lost+found/#1234.md', valid('Verloren'))
    temp.write('weg/b.md', valid('B'))
    temp.write('weg/tief/c.md', valid('C'))
    // lost+found: root's, mode 700 (the service runs as another user); weg: removed after the root was read.
    failReaddir(temp.dir, { 'lost+found': 'EACCES', weg: 'ENOENT' })
  })

  it('lists the rest and names each sub-folder it could not read, with the reason', () => {
    const listing = listArticleFiles(temp.dir)
    expect(listing.files).toEqual(['a.md'])
    expect(listing.skippedFolders).toEqual([
      { folder: 'lost+found', code: 'EACCES' },
      { folder: 'weg', code: 'ENOENT' },
    ])
  })

  it('names the folder it was asked to list when that one cannot be read', () => {
    expect(listArticleFiles(temp.dir, 'lost+found')).toEqual({ files: [], refused: [], skippedFolders: [{ folder: 'lost+found', code: 'EACCES' }], refusedStamps: new Map() })
  })

  it('stamps the rest, names a folder it may not read, and leaves out one that is gone', async () => {
    const stamps = await stampArticleFiles(temp.dir)
    expect([...stamps.files.keys()]).toEqual(['a.md'])
    expect(stamps.unreadable).toEqual(['lost+found'])
  })
})

// Issue #10, point 10: such names were dropped without a word, and a folder so named stopped the listing.
describe('names that are not UTF-8', () => {
  /** Writes a file whose path is given as bytes (Latin-1 here, as an old archive or a Windows share gives them). */
  const writeBytes = (latin1Path: string, text: string) => {
    const parts = latin1Path.split('/')
    const target = Buffer.from(`${temp.dir}/${latin1Path}`, 'latin1')
    if (parts.length > 1) fs.mkdirSync(Buffer.from(`${temp.dir}/${parts.slice(0, -1).join('/')}`, 'latin1'), { recursive: true })
    fs.writeFileSync(target, text)
  }
  const nameProblem = 'file: its path is not valid UTF-8 (each byte that is not is shown as \\xNN); not read: rename it'

  it('refuses a file and the files of a folder whose names are not UTF-8, showing the bad bytes escaped', async () => {
    temp.write('gut.md', valid('Gut'))
    writeBytes('B\xf6rse.md', valid('Börse'))
    writeBytes('Gr\xfc\xdfe/zoll.md', valid('Zoll'))
    writeBytes('notiz-\xe9.txt', 'kein Artikel')
    const listing = listArticleFiles(temp.dir)
    expect(listing.files).toEqual(['gut.md'])
    expect(listing.refused.map((e) => [e.field, e.message])).toEqual([
      ['file', `B\\xF6rse.md: ${nameProblem}`],
      ['file', `Gr\\xFC\\xDFe/zoll.md: ${nameProblem}`],
    ])
  })

  it('refuses such a file again when it is read by the name the listing gave, and reports it gone once it is', async () => {
    writeBytes('B\xf6rse.md', valid('Börse'))
    const [error] = listArticleFiles(temp.dir).refused
    expect(error).toBeInstanceOf(ArticleError)
    expect((await refusal(error?.file as string)).message).toBe(error?.message)
    fs.rmSync(Buffer.from(`${temp.dir}/B\xf6rse.md`, 'latin1'))
    expect(readArticleFile(temp.dir, error?.file as string, options)).toBeUndefined()
  })

  it('keeps a valid name that holds U+FFFD itself', async () => {
    temp.write('Ersatz-\ufffd.md', valid('Ersatz'))
    expect(listArticleFiles(temp.dir)).toEqual({ files: ['Ersatz-\ufffd.md'], refused: [], skippedFolders: [], refusedStamps: new Map() })
    expect(readArticleFile(temp.dir, 'Ersatz-\ufffd.md', options)?.article.title).toBe('Ersatz')
  })
})

describe('a path a change names that is no file', () => {
  it('finds nothing, and raises nothing, where a folder on the way became a file', () => {
    temp.write('tief/unten/x.md', valid('X'))
    fs.rmSync(path.join(temp.dir, 'tief'), { recursive: true })
    fs.writeFileSync(path.join(temp.dir, 'tief'), 'eine Datei')
    expect(readArticleFile(temp.dir, 'tief/unten/x.md', options)).toBeUndefined()
    // A listing of the folder that was there: gone (ENOTDIR), as the catalog takes it.
    expect(listArticleFiles(temp.dir, 'tief/unten')).toEqual({ files: [], refused: [], skippedFolders: [{ folder: 'tief/unten', code: 'ENOTDIR' }], refusedStamps: new Map() })
  })

  it('says a file cannot be read where a folder on the way may not be searched (EACCES), as for the file itself', async () => {
    temp.write('gesperrt/unten/x.md', valid('X'))
    const locked = path.join(temp.dir, 'gesperrt')
    // As root nothing is denied: the calls under the folder fail as they would for another user.
    const lstatSync = fs.lstatSync
    vi.spyOn(fs, 'lstatSync').mockImplementation(((p: fs.PathLike, o: never) => {
      if (String(p).startsWith(`${locked}/`)) throw Object.assign(new Error(`EACCES: permission denied, lstat '${String(p)}'`), { code: 'EACCES' })
      return lstatSync(p, o)
    }) as typeof fs.lstatSync)
    expect((await refusal('gesperrt/unten/x.md')).message).toBe('gesperrt/unten/x.md: file: cannot be read (EACCES)')
  })

  it('finds nothing in a folder named *.md, also one it may not open or whose name is not UTF-8', () => {
    fs.mkdirSync(path.join(temp.dir, 'band.md'))
    fs.mkdirSync(Buffer.from(`${temp.dir}/b\xffd.md`, 'latin1'))
    const openSync = fs.openSync
    vi.spyOn(fs, 'openSync').mockImplementation(((p: fs.PathLike, flags: fs.OpenMode = 'r', mode?: fs.Mode) => {
      if (String(p).endsWith('band.md')) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })
      return openSync(p, flags, mode)
    }) as typeof fs.openSync)
    expect([readArticleFile(temp.dir, 'band.md', options), readArticleFile(temp.dir, 'b\udcffd.md', options)]).toEqual([undefined, undefined])
  })
})

describe('FIFOs, sockets and devices', () => {
  it('refuses a FIFO named *.md at once instead of waiting for a writer', async () => {
    const fifo = path.join(temp.dir, 'rohr.md')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    // Should the open wait for a writer after all, this one ends the wait after 3 s, and the timing shows it.
    const writer = spawn('sh', ['-c', `sleep 3; printf '---\\ntitle: x\\n' > '${fifo}'`], { stdio: 'ignore' })
    try {
      expect(listArticleFiles(temp.dir).refused.map((e) => e.message)).toEqual([
        'rohr.md: file: is not a regular file (a FIFO, socket or device); not read',
      ])
      const started = performance.now()
      expect((await refusal('rohr.md')).message).toBe('rohr.md: file: is not a regular file (a FIFO, socket or device); not read')
      expect(performance.now() - started).toBeLessThan(1000)
    } finally {
      writer.kill()
    }
  })
})

describe('readArticleFile', () => {
  it('reads and parses a file', async () => {
    temp.write('wirtschaft/zoll.md', valid('Zölle steigen'))
    const parsed = readArticleFile(temp.dir, 'wirtschaft/zoll.md', options)
    expect(parsed?.article.title).toBe('Zölle steigen')
    expect(parsed?.article.file).toBe('wirtschaft/zoll.md')
  })

  it('refuses a file that is not UTF-8 instead of guessing', async () => {
    temp.write('latin1.md', Buffer.from(valid('Zölle').replace('Zölle', 'Z\u00f6lle'), 'latin1'))
    expect((await refusal('latin1.md')).message).toBe('latin1.md: file: is not valid UTF-8; save it as UTF-8')
  })

  it('refuses a file over the size limit before parsing it', async () => {
    temp.write('riesig.md', valid('Groß') + 'x'.repeat(MAX_ARTICLE_BYTES))
    const size = fs.statSync(path.join(temp.dir, 'riesig.md')).size
    expect((await refusal('riesig.md')).message).toBe(`riesig.md: file: is ${size} bytes, more than the limit of 2097152`)
  })

  it('reports a file that is not there as gone, not as an error', async () => {
    expect(readArticleFile(temp.dir, 'fehlt.md', options)).toBeUndefined()
  })

  it('never reads through a symbolic link that leads outside the folder', async () => {
    const outside = makeTempDir()
    try {
      outside.write('geheim.md', valid('Geheim'))
      fs.symlinkSync(path.join(outside.dir, 'geheim.md'), path.join(temp.dir, 'draussen.md'))
      expect((await refusal('draussen.md')).message).toBe('draussen.md: file: is a symbolic link leading outside ARTICLES_DIR; not followed')
    } finally {
      outside.rm()
    }
  })
})
