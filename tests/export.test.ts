import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportFileFor, exportSite, MANIFEST } from '../src/export.js'
import { articleText, makeTempDir } from './helpers/temp-dir.js'
import { testApp } from './helpers/test-app.js'
import { memorySource } from './helpers/memory-source.js'
import { loadConfig } from '../src/config.js'
import { createHttp } from '../src/http/app.js'
import { RENDER_IN_THREAD, type Renderer } from '../src/site/renderer.js'
import { ContentStore } from '../src/store/content-store.js'

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
  it('writes every feed, archive page, page, stylesheet, the OPML list, the sitemaps and robots.txt', () => {
    expect(written.sort()).toEqual(
      [
        '/',
        '/404.html',
        '/assets/feed.css',
        '/assets/feed.xsl',
        '/assets/site.css',
        '/feeds.opml',
        '/news-sitemap.xml',
        '/robots.txt',
        '/sitemap.xml',
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

describe('static export: only what is served, and nothing stale', () => {
  it('copies the media files /media/ serves, and no hidden file, link leading outside or other folder', async () => {
    const target = makeTempDir('export-media-')
    const files = makeTempDir('media-hostile-')
    const outside = makeTempDir('outside-')
    try {
      files.write('folge.mp3', 'ID3')
      files.write('bilder/titel.jpg', 'JPEG')
      files.write('.htpasswd', 'admin:geheim')
      files.write('.git/config', '[core]')
      outside.write('hostname', 'server-7')
      fs.symlinkSync(path.join(outside.dir, 'hostname'), path.join(files.dir, 'host.txt'))
      fs.symlinkSync(path.join(files.dir, 'folge.mp3'), path.join(files.dir, 'verweis.mp3'))
      await exportSite(harness.store, 'wirtschaft', target.dir, files.dir)
      const listed = fs.readdirSync(path.join(target.dir, 'media'), { recursive: true, withFileTypes: true })
        .filter((entry) => !entry.isDirectory())
        .map((entry) => path.relative(path.join(target.dir, 'media'), path.join(entry.parentPath, entry.name)))
        .sort()
      expect(listed).toEqual(['bilder/titel.jpg', 'folge.mp3', 'verweis.mp3'])
      // A link inside the folder is exported as the file it leads to, not as a link.
      expect(fs.lstatSync(path.join(target.dir, 'media/verweis.mp3')).isSymbolicLink()).toBe(false)
      expect(fs.readFileSync(path.join(target.dir, 'media/verweis.mp3'), 'utf8')).toBe('ID3')
      for (const served of ['/media/folge.mp3', '/media/bilder/titel.jpg']) {
        expect(fs.existsSync(path.join(target.dir, served.slice(1))), served).toBe(true)
      }
    } finally {
      target.rm()
      files.rm()
      outside.rm()
    }
  })

  it('removes what the last export wrote and this one does not, and leaves other files alone', async () => {
    const target = makeTempDir('export-again-')
    try {
      const files: Record<string, string> = {
        'bleibt.md': articleText({ title: 'Bleibt', date: '2025-01-02T10:00:00Z', category: 'wirtschaft' }),
        'zurueckgezogen.md': articleText({ title: 'Zurückgezogen', date: '2025-01-01T10:00:00Z', category: 'wirtschaft' }, 'Text. '.repeat(200)),
      }
      const site = await testApp(files)
      fs.writeFileSync(path.join(target.dir, 'robots.txt'), 'User-agent: *\n')
      await exportSite(site.store, 'wirtschaft', target.dir)
      const withdrawn = path.join(target.dir, 'wirtschaft/zurueckgezogen.html')
      expect(fs.existsSync(withdrawn)).toBe(true)
      expect(fs.existsSync(`${withdrawn}.gz`)).toBe(true)

      site.files.delete('zurueckgezogen.md')
      await site.store.load()
      site.store.close()
      await exportSite(site.store, 'wirtschaft', target.dir)
      expect(fs.existsSync(withdrawn)).toBe(false)
      expect(fs.existsSync(`${withdrawn}.gz`)).toBe(false)
      expect(fs.existsSync(`${withdrawn}.br`)).toBe(false)
      expect(fs.existsSync(path.join(target.dir, 'wirtschaft/bleibt.html'))).toBe(true)
      expect(fs.readFileSync(path.join(target.dir, 'robots.txt'), 'utf8')).toBe('User-agent: *\n')
      expect(JSON.parse(fs.readFileSync(path.join(target.dir, MANIFEST), 'utf8')).files).not.toContain('robots.txt')
    } finally {
      target.rm()
    }
  })

  it('keeps an operator\'s file whose name a media file name holds after a line break', async () => {
    const target = makeTempDir('export-newline-')
    const files = makeTempDir('media-newline-')
    try {
      files.write('bild\nrobots.txt', 'JPEG')
      fs.writeFileSync(path.join(target.dir, 'robots.txt'), 'User-agent: *\n')
      await exportSite(harness.store, 'wirtschaft', target.dir, files.dir)
      await exportSite(harness.store, 'wirtschaft', target.dir, files.dir)
      expect(fs.readFileSync(path.join(target.dir, 'robots.txt'), 'utf8')).toBe('User-agent: *\n')
      expect(fs.readFileSync(path.join(target.dir, 'media/bild\nrobots.txt'), 'utf8')).toBe('JPEG')
      const manifest = JSON.parse(fs.readFileSync(path.join(target.dir, MANIFEST), 'utf8')) as { files: string[] }
      expect(manifest.files).toContain('media/bild\nrobots.txt')
      expect(manifest.files).not.toContain('robots.txt')
    } finally {
      target.rm()
      files.rm()
    }
  })

  it('reads a manifest of the old one-name-a-line form once, removing what it lists, but never a file no export writes', async () => {
    const target = makeTempDir('export-old-manifest-')
    try {
      const stale = target.write('wirtschaft/zurueckgezogen.html', '<p>alt</p>')
      target.write('robots.txt', 'User-agent: *\n')
      // As the old export wrote it for a media file named "bild\nrobots.txt".
      target.write(MANIFEST, 'index.html\nmedia/bild\nrobots.txt\nwirtschaft/zurueckgezogen.html\n')
      await exportSite(harness.store, 'wirtschaft', target.dir)
      expect(fs.existsSync(stale)).toBe(false)
      expect(fs.readFileSync(path.join(target.dir, 'robots.txt'), 'utf8')).toBe('User-agent: *\n')
      expect(JSON.parse(fs.readFileSync(path.join(target.dir, MANIFEST), 'utf8'))).toMatchObject({ version: 4 })
    } finally {
      target.rm()
    }
  })
})

describe('static export of a podcast episode', () => {
  it('writes its chapters document and transcript page beside its page, with the bytes the service sends', async () => {
    const target = makeTempDir('export-episode-')
    try {
      const fixtures = path.join(import.meta.dirname, 'fixtures')
      const site = await testApp(
        {
          'folge-1.md': articleText({
            title: 'Folge 1', date: '2025-05-01T06:00:00Z', category: 'wirtschaft', transcript: 'article',
            enclosure: '{url: /media/folge-1.mp3, duration: 60}', chapters: '[{start: 0, title: Anfang}, {start: 30, title: Mitte}]',
          }),
        },
        { MEDIA_DIR: path.join(fixtures, 'media'), SITE_CONFIG: path.join(fixtures, 'site.yaml') },
      )
      const paths = await exportSite(site.store, 'wirtschaft', target.dir)
      expect(paths.filter((p) => p.startsWith('/wirtschaft/folge-1'))).toEqual(['/wirtschaft/folge-1.html', '/wirtschaft/folge-1/kapitel.json', '/wirtschaft/folge-1/transkript.html'])
      for (const sitePath of ['/wirtschaft/folge-1/kapitel.json', '/wirtschaft/folge-1/transkript.html']) {
        const served = Buffer.from(await (await site.app.request(sitePath)).arrayBuffer())
        expect(served.equals(fs.readFileSync(path.join(target.dir, exportFileFor(sitePath)))), sitePath).toBe(true)
      }
    } finally {
      target.rm()
    }
  })
})

describe('static export: only what it writes is rendered', () => {
  it('renders no browser page of an archive page, which it does not write, and a browser still gets the page afterwards', async () => {
    const target = makeTempDir('export-pages-')
    try {
      const files = new Map<string, string>()
      for (let n = 1; n <= 8; n++) files.set(`a${n}.md`, articleText({ title: `Artikel ${n}`, date: `2025-01-0${n}T10:00:00Z`, category: 'wirtschaft' }, 'Text.'))
      const config = loadConfig({ SITE_URL: 'https://www.example.de/', FEED_LIMIT: '3', ARCHIVE_PAGE_SIZE: '2' }, [], process.cwd())
      const pages: string[] = []
      const renderer: Renderer = {
        ...RENDER_IN_THREAD,
        feedPage: (document, format, context) => {
          pages.push(`${document.archive ? 'archive' : 'current'} ${format}`)
          return RENDER_IN_THREAD.feedPage(document, format, context)
        },
      }
      const now = new Date('2026-01-01T00:00:00Z')
      const store = new ContentStore({ config, renderer, source: memorySource(files, config), clock: () => now, logger: { info: () => {}, warn: () => {} } })
      await store.load()
      store.close()
      pages.length = 0
      const written = await exportSite(store, 'wirtschaft', target.dir)
      expect(written.filter((sitePath) => sitePath.includes('/archiv/'))).toHaveLength(9)
      expect(pages).toEqual([])
      // Not kept without its page: the service's answer to a browser is the page, rendered now.
      const app = createHttp({ config, store, now: () => now.getTime() }).app
      const navigation = { 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate' }
      const answer = await app.request('/wirtschaft/archiv/1/feed.xml', { headers: navigation })
      expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(pages).toEqual(['archive rss'])
    } finally {
      target.rm()
    }
  })
})
