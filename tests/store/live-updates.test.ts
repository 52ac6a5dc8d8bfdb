/**
 * The service following a folder as editors work in it: a real temporary
 * folder, the real watcher, the real file source; feeds read through the app.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { DOMParser } from '@xmldom/xmldom'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createApp } from '../../src/http/app.js'
import { ContentStore } from '../../src/store/content-store.js'
import { pastFirstRescan, startLiveStore } from '../helpers/live-store.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

let temp: ReturnType<typeof makeTempDir>
let store: ContentStore
let stop: () => void
let app: ReturnType<typeof createApp>
const logged: string[] = []
const notes: string[] = []

const article = (title: string, date = '2025-01-01T10:00:00Z') => articleText({ title: `"${title}"`, date, category: 'wirtschaft' })

beforeEach(async () => {
  temp = makeTempDir('live-')
  temp.write('a.md', article('Erste Fassung'))
  temp.write('archiv/alt.md', article('Alter Artikel', '2024-01-01T10:00:00Z'))
  logged.length = 0
  notes.length = 0
  const config = loadConfig({ ARTICLES_DIR: temp.dir, SITE_URL: 'https://www.example.de/' })
  ;({ store, close: stop } = await startLiveStore(config, { info: (line) => notes.push(line), warn: (line) => logged.push(line) }))
  app = createApp({ config, store })
})

/** A folder outside ARTICLES_DIR, removed after the test. */
let outsides: ReturnType<typeof makeTempDir>[] = []
const outsideFolder = (): ReturnType<typeof makeTempDir> => {
  const outside = makeTempDir('live-outside-')
  outsides.push(outside)
  return outside
}

afterEach(() => {
  stop()
  temp.rm()
  for (const outside of outsides) outside.rm()
  outsides = []
})

/** Titles in each format, in order. */
async function titles(): Promise<{ rss: string[]; atom: string[]; json: string[] }> {
  const [rss, atom, json] = await Promise.all(
    ['/wirtschaft/feed.xml', '/wirtschaft/atom.xml', '/wirtschaft/feed.json'].map(async (p) => (await app.request(p)).text()),
  )
  const xmlTitles = (xml: string, item: string) => {
    const doc = new DOMParser().parseFromString(xml, 'text/xml')
    return Array.from(doc.getElementsByTagName(item)).map((node) => node.getElementsByTagName('title')[0]?.textContent ?? '')
  }
  return {
    rss: xmlTitles(rss as string, 'item'),
    atom: xmlTitles(atom as string, 'entry'),
    json: (JSON.parse(json as string) as { items: { title: string }[] }).items.map((i) => i.title),
  }
}

/** Waits until every format shows `expected`; fails after `timeoutMs`. */
async function expectTitles(expected: string[], timeoutMs = 3000): Promise<void> {
  const started = Date.now()
  let last = await titles()
  while (Date.now() - started < timeoutMs) {
    last = await titles()
    if ([last.rss, last.atom, last.json].every((list) => JSON.stringify(list) === JSON.stringify(expected))) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  expect(last).toEqual({ rss: expected, atom: expected, json: expected })
}

describe('live updates from the watched folder', () => {
  it('adds a new file to all three feeds', async () => {
    temp.write('neu.md', article('Neuer Artikel', '2025-02-01T10:00:00Z'))
    await expectTitles(['Neuer Artikel', 'Erste Fassung', 'Alter Artikel'])
  })

  it('applies a change to all three feeds', async () => {
    temp.write('a.md', article('Zweite Fassung'))
    await expectTitles(['Zweite Fassung', 'Alter Artikel'])
  })

  it('follows a rename: the item moves to the new slug', async () => {
    fs.renameSync(path.join(temp.dir, 'a.md'), path.join(temp.dir, 'umbenannt.md'))
    const firstUrl = async () => (JSON.parse(await (await app.request('/wirtschaft/feed.json')).text()) as { items: { url: string }[] }).items[0]?.url
    const started = Date.now()
    while ((await firstUrl()) !== 'https://www.example.de/wirtschaft/umbenannt.html' && Date.now() - started < 3000) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(await firstUrl()).toBe('https://www.example.de/wirtschaft/umbenannt.html')
    await expectTitles(['Erste Fassung', 'Alter Artikel'])
    expect((await app.request('/wirtschaft/a.html')).status).toBe(404)
    expect((await app.request('/wirtschaft/umbenannt.html')).status).toBe(200)
  })

  it('removes a deleted file from all three feeds', async () => {
    fs.unlinkSync(path.join(temp.dir, 'a.md'))
    await expectTitles(['Alter Artikel'])
  })

  it('picks up a folder that appears, and lets go of one that vanishes', async () => {
    fs.mkdirSync(path.join(temp.dir, 'neu/tief'), { recursive: true })
    temp.write('neu/tief/x.md', article('Im neuen Ordner', '2025-03-01T10:00:00Z'))
    await expectTitles(['Im neuen Ordner', 'Erste Fassung', 'Alter Artikel'])
    fs.rmSync(path.join(temp.dir, 'archiv'), { recursive: true })
    await expectTitles(['Im neuen Ordner', 'Erste Fassung'])
  })

  it('follows a folder named *.md moved in and out: what it holds, not a file of that name', async () => {
    const outside = outsideFolder()
    outside.write('sammlung.md/innen.md', article('Im Ordner namens sammlung.md', '2025-03-01T10:00:00Z'))
    await pastFirstRescan()
    fs.renameSync(path.join(outside.dir, 'sammlung.md'), path.join(temp.dir, 'sammlung.md'))
    await expectTitles(['Im Ordner namens sammlung.md', 'Erste Fassung', 'Alter Artikel'])
    expect(store.knownFiles().sort()).toEqual(['a.md', 'archiv/alt.md', 'sammlung.md/innen.md'])
    fs.renameSync(path.join(temp.dir, 'sammlung.md'), path.join(outside.dir, 'sammlung.md'))
    await expectTitles(['Erste Fassung', 'Alter Artikel'])
    expect(logged).toEqual([])
  })

  it('never follows a link to a folder made while it runs, as a restart would not: nothing outside is published, nothing inside twice', async () => {
    const outside = outsideFolder()
    outside.write('geheim/draussen.md', article('Von draußen', '2025-03-01T10:00:00Z'))
    await pastFirstRescan()
    fs.symlinkSync(path.join(outside.dir, 'geheim'), path.join(temp.dir, 'draussen'))
    fs.symlinkSync(path.join(temp.dir, 'archiv'), path.join(temp.dir, 'verlinkt'))
    // Written last, in the same folder: once it shows, the links' events were applied.
    temp.write('neu.md', article('Neuer Artikel', '2025-02-01T10:00:00Z'))
    await expectTitles(['Neuer Artikel', 'Erste Fassung', 'Alter Artikel'])
    // A folder replaced by a link to where it went: what it held is gone, as a restart would find.
    fs.renameSync(path.join(temp.dir, 'archiv'), path.join(outside.dir, 'archiv'))
    fs.symlinkSync(path.join(outside.dir, 'archiv'), path.join(temp.dir, 'archiv'))
    await expectTitles(['Neuer Artikel', 'Erste Fassung'])
    // Nor is anything written into a linked folder afterwards (no watch through a link).
    outside.write('geheim/spaeter.md', article('Später von draußen', '2025-04-01T10:00:00Z'))
    temp.write('a.md', article('Zweite Fassung'))
    await expectTitles(['Neuer Artikel', 'Zweite Fassung'])
    expect([store.knownFiles().sort(), logged]).toEqual([['a.md', 'neu.md'], []])
  })

  it('applies a folder replaced by a file, with what was deep in it, and the rest of the batch', async () => {
    temp.write('tief/unten/x.md', article('Tief unten', '2025-03-01T10:00:00Z'))
    await expectTitles(['Tief unten', 'Erste Fassung', 'Alter Artikel'])
    // One batch: the folder gone, a file of its name, another article edited.
    fs.rmSync(path.join(temp.dir, 'tief'), { recursive: true })
    fs.writeFileSync(path.join(temp.dir, 'tief'), 'keine Artikeldatei')
    temp.write('a.md', article('Zweite Fassung'))
    await expectTitles(['Zweite Fassung', 'Alter Artikel'])
    expect(logged).toEqual([])
  })

  it('follows a deploy that puts another folder in place of ARTICLES_DIR (mv new articles), and keeps watching', async () => {
    const next = `${temp.dir}.neu`
    const old = `${temp.dir}.alt`
    try {
      fs.mkdirSync(path.join(next, 'ressort'), { recursive: true })
      fs.writeFileSync(path.join(next, 'ressort/b.md'), article('Aus dem Deploy', '2025-05-01T10:00:00Z'))
      fs.renameSync(temp.dir, old)
      fs.renameSync(next, temp.dir)
      await expectTitles(['Aus dem Deploy'])
      // Watching the new folder, not the old one.
      fs.writeFileSync(path.join(old, 'a.md'), article('Im alten Ordner'))
      // Written perhaps before the new folder's watches are placed: then the first rescan (1 s) finds it.
      temp.write('ressort/c.md', article('Danach', '2025-06-01T10:00:00Z'))
      await expectTitles(['Danach', 'Aus dem Deploy'], 5000)
      expect(notes).toContain(`${temp.dir} is another folder now; reloading`)
    } finally {
      fs.rmSync(old, { recursive: true, force: true })
      fs.rmSync(next, { recursive: true, force: true })
    }
  })

  it('follows ARTICLES_DIR deleted and at once copied back with other content (rm -rf, cp -r)', async () => {
    fs.rmSync(temp.dir, { recursive: true })
    temp.write('b.md', article('Neu kopiert', '2025-05-01T10:00:00Z'))
    await expectTitles(['Neu kopiert'])
    temp.write('c.md', article('Danach', '2025-06-01T10:00:00Z'))
    await expectTitles(['Danach', 'Neu kopiert'], 2000)
  })

  it('never publishes the half-written state of a save in two steps (truncate, then write)', async () => {
    const seen = new Set<string>()
    let watching = true
    const watch = (async () => {
      while (watching) {
        const now = await titles()
        seen.add(JSON.stringify(now.json))
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
    })()
    fs.writeFileSync(path.join(temp.dir, 'a.md'), '')
    // Wait until the service has seen the empty file (however busy the machine), then finish the save.
    const kept = "kept the last good version of a.md: front matter: missing: the file must start with a '---' line, then YAML, then '---'"
    for (const started = Date.now(); !logged.includes(kept) && Date.now() - started < 5000; ) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    fs.writeFileSync(path.join(temp.dir, 'a.md'), article('Zweite Fassung'))
    await expectTitles(['Zweite Fassung', 'Alter Artikel'])
    watching = false
    await watch
    // The loop's last look may have begun before the final state arrived; one more look sees it.
    seen.add(JSON.stringify((await titles()).json))
    expect([...seen].sort()).toEqual([JSON.stringify(['Erste Fassung', 'Alter Artikel']), JSON.stringify(['Zweite Fassung', 'Alter Artikel'])].sort())
    expect(logged).toContain(kept)
  })

  it('publishes a save through a temporary file and rename only in its final state', async () => {
    temp.write('.a.md.swp', '---\ntitle: halb')
    temp.write('a.md.tmp', article('Zweite Fassung'))
    fs.renameSync(path.join(temp.dir, 'a.md.tmp'), path.join(temp.dir, 'a.md'))
    await expectTitles(['Zweite Fassung', 'Alter Artikel'])
    expect(logged).toEqual([])
  })

  it('coalesces a burst of saves into few rebuilds', async () => {
    let rebuilds = 0
    store.onChange(() => (rebuilds += 1))
    for (let n = 1; n <= 20; n++) temp.write('a.md', article(`Fassung ${n}`))
    await expectTitles(['Fassung 20', 'Alter Artikel'])
    expect(rebuilds).toBeLessThanOrEqual(3)
  })

  it('answers every request during rebuilds with a complete feed whose ETag matches its bytes', async () => {
    let editing = true
    const edits = (async () => {
      for (let n = 0; editing; n++) {
        temp.write(`serie-${n % 5}.md`, article(`Serie ${n}`, `2025-04-0${(n % 5) + 1}T10:00:00Z`))
        await new Promise((resolve) => setTimeout(resolve, 15))
      }
    })()
    const problems: string[] = []
    const started = Date.now()
    let requests = 0
    while (Date.now() - started < 1500) {
      for (const p of ['/wirtschaft/feed.xml', '/wirtschaft/atom.xml', '/wirtschaft/feed.json']) {
        const response = await app.request(p)
        const body = new Uint8Array(await response.arrayBuffer())
        requests += 1
        const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
        if (response.headers.get('ETag') !== etag) problems.push(`${p}: ETag does not match the bytes`)
        const text = new TextDecoder().decode(body)
        if (p.endsWith('.json')) {
          try {
            JSON.parse(text)
          } catch {
            problems.push(`${p}: not JSON`)
          }
        } else {
          new DOMParser({ onError: (level, message) => level !== 'warning' && problems.push(`${p}: ${message}`) }).parseFromString(text, 'text/xml')
        }
      }
    }
    editing = false
    await edits
    expect(requests).toBeGreaterThan(30)
    expect(problems).toEqual([])
  })
})

describe('live updates from MEDIA_DIR', () => {
  it('publishes the new length of an enclosure whose file was replaced, with no article changed', async () => {
    const media = makeTempDir('live-media-')
    const articles = makeTempDir('live-articles-')
    try {
      media.write('folge.mp3', Buffer.alloc(1000, 1))
      articles.write(
        'folge.md',
        articleText({ title: '"Folge 1"', date: '2025-01-01T10:00:00Z', category: 'wirtschaft', enclosure: '{url: /media/folge.mp3, type: audio/mpeg}' }),
      )
      const config = loadConfig({ ARTICLES_DIR: articles.dir, MEDIA_DIR: media.dir, SITE_URL: 'https://www.example.de/' })
      const live = await startLiveStore(config, { info: () => {}, warn: () => {} })
      const liveApp = createApp({ config, store: live.store })
      const size = async () =>
        ((await (await liveApp.request('/wirtschaft/feed.json')).json()) as { items: { attachments: { size_in_bytes: number }[] }[] }).items[0]
          ?.attachments[0]?.size_in_bytes
      expect(await size()).toBe(1000)
      const etag = (await liveApp.request('/wirtschaft/feed.xml')).headers.get('ETag')
      media.write('folge.mp3', Buffer.alloc(1500, 1))
      const started = Date.now()
      while ((await size()) !== 1500 && Date.now() - started < 3000) await new Promise((resolve) => setTimeout(resolve, 20))
      expect(await size()).toBe(1500)
      expect(await (await liveApp.request('/wirtschaft/feed.xml')).text()).toContain('length="1500"')
      expect((await liveApp.request('/wirtschaft/feed.xml')).headers.get('ETag')).not.toBe(etag)
      live.close()
    } finally {
      media.rm()
      articles.rm()
    }
  })

  it('watches a MEDIA_DIR that was missing at start once it is there, and publishes the enclosure length', async () => {
    const parent = makeTempDir('late-media-')
    const media = path.join(parent.dir, 'medien')
    const articles = makeTempDir('live-articles-')
    try {
      articles.write(
        'folge.md',
        articleText({ title: '"Folge 1"', date: '2025-01-01T10:00:00Z', category: 'wirtschaft', enclosure: '{url: /media/folge.mp3, type: audio/mpeg}' }),
      )
      const config = loadConfig({ ARTICLES_DIR: articles.dir, MEDIA_DIR: media, SITE_URL: 'https://www.example.de/' })
      const lines: string[] = []
      const live = await startLiveStore(config, { info: (line) => lines.push(line), warn: (line) => lines.push(line) })
      const liveApp = createApp({ config, store: live.store })
      const size = async () =>
        ((await (await liveApp.request('/wirtschaft/feed.json')).json()) as { items: { attachments?: { size_in_bytes?: number }[] }[] }).items[0]
          ?.attachments?.[0]?.size_in_bytes
      expect(lines).toContain(`${media} is missing (MEDIA_DIR); it is looked for every second, and watched once it is there`)
      const before = await size()
      fs.mkdirSync(media)
      fs.writeFileSync(path.join(media, 'folge.mp3'), Buffer.alloc(1000, 1))
      const started = Date.now()
      while ((await size()) !== 1000 && Date.now() - started < 4000) await new Promise((resolve) => setTimeout(resolve, 20))
      expect([before, await size()]).toEqual([undefined, 1000])
      // Watched from now on: a replaced file is measured again.
      fs.writeFileSync(path.join(media, 'folge.mp3'), Buffer.alloc(1500, 1))
      while ((await size()) !== 1500 && Date.now() - started < 8000) await new Promise((resolve) => setTimeout(resolve, 20))
      expect(await size()).toBe(1500)
      live.close()
    } finally {
      parent.rm()
      articles.rm()
    }
  })
})
