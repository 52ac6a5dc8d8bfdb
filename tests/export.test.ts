import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportFileFor, exportSite } from '../src/export.js'
import { articleText, makeTempDir } from './helpers/temp-dir.js'
import { testApp } from './helpers/test-app.js'

const out = makeTempDir('export-')
const media = makeTempDir('media-')
let harness: Awaited<ReturnType<typeof testApp>>
let written: string[]

beforeAll(async () => {
  const files: Record<string, string> = {}
  for (let n = 1; n <= 8; n++) {
    files[`a${n}.md`] = articleText({ title: `Artikel ${n}`, date: `2025-01-0${n}T10:00:00Z`, category: 'wirtschaft' }, 'Text. '.repeat(200))
  }
  files['sport.md'] = articleText({ title: 'Sport', date: '2025-01-01T10:00:00Z', category: 'sport' })
  harness = await testApp(files, { FEED_LIMIT: '3', ARCHIVE_PAGE_SIZE: '2' })
  media.write('bild.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xd9]))
  written = await exportSite(harness.store, 'wirtschaft', out.dir, media.dir)
})

afterAll(() => {
  out.rm()
  media.rm()
})

describe('static export', () => {
  it('writes every feed, archive page, page, stylesheet and the OPML list', () => {
    expect(written.sort()).toEqual(
      [
        '/',
        '/404.html',
        '/assets/feed.css',
        '/assets/feed.xsl',
        '/assets/site.css',
        '/feeds.opml',
        '/sport/sport.html',
        ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `/wirtschaft/a${n}.html`),
        ...[1, 2, 3].flatMap((n) => [`/wirtschaft/archiv/${n}/atom.xml`, `/wirtschaft/archiv/${n}/feed.json`, `/wirtschaft/archiv/${n}/feed.xml`]),
        '/wirtschaft/atom.xml',
        '/wirtschaft/feed.json',
        '/wirtschaft/feed.xml',
      ].sort(),
    )
    expect(fs.readFileSync(path.join(out.dir, 'media/bild.jpg'))).toEqual(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))
  })

  it('writes exactly the bytes the service sends, and the same .gz and .br', async () => {
    for (const sitePath of written.filter((p) => p !== '/404.html')) {
      const file = path.join(out.dir, exportFileFor(sitePath))
      for (const [encoding, suffix] of [['identity', ''], ['gzip', '.gz'], ['br', '.br']] as const) {
        if (!fs.existsSync(file + suffix)) continue
        const served = new Uint8Array(await (await harness.app.request(sitePath, { headers: { 'Accept-Encoding': encoding } })).arrayBuffer())
        expect(Buffer.from(served).equals(fs.readFileSync(file + suffix)), `${sitePath} ${encoding}`).toBe(true)
      }
    }
    expect(fs.existsSync(path.join(out.dir, 'wirtschaft/feed.xml.br'))).toBe(true)
    expect(fs.existsSync(path.join(out.dir, 'wirtschaft/feed.xml.gz'))).toBe(true)
  })

  it('writes the 404 page as 404.html, the name static hosts look for', async () => {
    const served = await (await harness.app.request('/nichts')).text()
    expect(fs.readFileSync(path.join(out.dir, '404.html'), 'utf8')).toBe(served)
  })
})
