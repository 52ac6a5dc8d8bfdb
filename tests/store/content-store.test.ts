import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { ContentStore } from '../../src/store/content-store.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

const config = loadConfig({ SITE_URL: 'https://www.example.de/', FEED_LIMIT: '3' })

function storeWith(files: Record<string, string>, clock: () => Date = () => new Date('2026-01-01T00:00:00Z')) {
  const logged: string[] = []
  const map = new Map(Object.entries(files))
  const store = new ContentStore({
    config,
    source: memorySource(map, config),
    clock,
    logger: { info: () => {}, warn: (line) => logged.push(line) },
  })
  return { store, logged, files: map }
}

const article = (title: string, date: string, extra: Record<string, string> = {}) =>
  articleText({ title, date, category: 'wirtschaft', ...extra })

const titlesOf = (store: ContentStore) => {
  const json = JSON.parse(new TextDecoder().decode(store.site().resources.get('/wirtschaft/feed.json')?.identity.body)) as {
    items: { title: string }[]
  }
  return json.items.map((item) => item.title)
}

afterEach(() => {
  vi.useRealTimers()
})

describe('ContentStore', () => {
  it('publishes the newest FEED_LIMIT economy articles, leaving out drafts, the future and other categories', async () => {
    const { store } = storeWith({
      'a.md': article('A', '2025-01-01T10:00:00Z'),
      'b.md': article('B', '2025-02-01T10:00:00Z'),
      'c.md': article('C', '2025-03-01T10:00:00Z'),
      'd.md': article('D', '2025-04-01T10:00:00Z'),
      'entwurf.md': article('Entwurf', '2025-05-01T10:00:00Z', { draft: 'true' }),
      'zukunft.md': article('Zukunft', '2027-01-01T10:00:00Z'),
      'sport.md': articleText({ title: 'Sport', date: '2025-06-01T10:00:00Z', category: 'sport' }),
    })
    await store.load()
    store.close()
    expect(titlesOf(store)).toEqual(['D', 'C', 'B'])
    expect(store.site().plan.section.map((a) => a.title)).toEqual(['D', 'C', 'B', 'A'])
    expect(store.site().plan.published).toBe(5)
    for (const page of ['/sport/sport.html', '/wirtschaft/a.html', '/wirtschaft/d.html']) expect(store.articlePage(page)).toBeDefined()
    for (const page of ['/wirtschaft/entwurf.html', '/wirtschaft/zukunft.html']) expect(store.articlePage(page)).toBeUndefined()
  })

  it('refuses both files of a slug or id clash, naming each other, and publishes the rest', async () => {
    const { store, logged } = storeWith({
      'eins/zins.md': article('Zins eins', '2025-01-01T10:00:00Z'),
      'zwei/zins.md': article('Zins zwei', '2025-01-02T10:00:00Z'),
      'x.md': article('X', '2025-01-03T10:00:00Z', { id: 'tag:example.de,2025:gleich' }),
      'y.md': article('Y', '2025-01-04T10:00:00Z', { id: 'tag:example.de,2025:gleich' }),
      'ok.md': article('OK', '2025-01-05T10:00:00Z'),
    })
    await store.load()
    store.close()
    expect(titlesOf(store)).toEqual(['OK'])
    expect(logged).toEqual([
      'skipped eins/zins.md: slug: "zins" is also used in category "wirtschaft" by zwei/zins.md; neither is published',
      'skipped x.md: id: "tag:example.de,2025:gleich" is also used in category "wirtschaft" by y.md; neither is published',
      'skipped y.md: id: "tag:example.de,2025:gleich" is also used in category "wirtschaft" by x.md; neither is published',
      'skipped zwei/zins.md: slug: "zins" is also used in category "wirtschaft" by eins/zins.md; neither is published',
    ])
    expect(store.refused().map((e) => e.file).sort()).toEqual(['eins/zins.md', 'x.md', 'y.md', 'zwei/zins.md'])
  })

  // Issue #10, point 9: files on disk, as a folder copied from macOS next to files written on Linux.
  it('publishes one of two files whose names differ only in Unicode normalisation, and refuses the other naming both', async () => {
    const temp = makeTempDir()
    try {
      const nfd = 'Börse.md'.normalize('NFD')
      temp.write('Börse.md', article('NFC', '2025-01-01T10:00:00Z'))
      temp.write(nfd, article('NFD', '2025-02-01T10:00:00Z'))
      temp.write('Öl.md'.normalize('NFD'), article('Nur NFD', '2025-03-01T10:00:00Z'))
      const logged: string[] = []
      const store = new ContentStore({
        config: loadConfig({ SITE_URL: 'https://www.example.de/', ARTICLES_DIR: temp.dir }),
        logger: { info: () => {}, warn: (line) => logged.push(line) },
      })
      await store.load()
      store.close()
      expect(titlesOf(store)).toEqual(['Nur NFD', 'NFC'])
      expect(logged).toEqual([
        `skipped ${nfd}: file: is the name of Börse.md in another Unicode normalisation (NFD, as macOS tools write names); not published while that file is there`,
      ])
      expect(store.site().plan.section.map((a) => [a.file, a.url])).toEqual([
        ['Öl.md'.normalize('NFD'), 'https://www.example.de/wirtschaft/oel.html'],
        ['Börse.md', 'https://www.example.de/wirtschaft/boerse.html'],
      ])
    } finally {
      temp.rm()
    }
  })

  // Issue #10, point 12.
  it('publishes no length measured through a media link leading outside MEDIA_DIR, and warns as for a missing file', async () => {
    const media = makeTempDir('media-')
    const outside = makeTempDir('outside-')
    try {
      outside.write('geheim.mp3', 'x'.repeat(4321))
      fs.symlinkSync(path.join(outside.dir, 'geheim.mp3'), path.join(media.dir, 'folge.mp3'))
      const files = new Map([['folge.md', article('Folge', '2025-01-01T10:00:00Z', { enclosure: '{url: /media/folge.mp3, length: 1000, duration: 60}' })]])
      const logged: string[] = []
      const local = loadConfig({ SITE_URL: 'https://www.example.de/', MEDIA_DIR: media.dir })
      const store = new ContentStore({ config: local, source: memorySource(files, local), logger: { info: () => {}, warn: (line) => logged.push(line) } })
      await store.load()
      store.close()
      expect(logged).toEqual(['warning folge.md: enclosure.url: names a file that is not in MEDIA_DIR; podcast apps will fail to download it'])
      const json = JSON.parse(new TextDecoder().decode(store.site().resources.get('/wirtschaft/feed.json')?.identity.body)) as {
        items: { attachments: { size_in_bytes?: number }[] }[]
      }
      // The front matter's length, never the size of what the link leads to.
      expect(json.items[0]?.attachments[0]?.size_in_bytes).toBe(1000)
    } finally {
      media.rm()
      outside.rm()
    }
  })

  it('publishes a scheduled article when its time comes, without a request or a file change', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T11:59:58Z') })
    const { store } = storeWith(
      {
        'jetzt.md': article('Jetzt', '2026-01-01T11:00:00Z'),
        'mittag.md': article('Mittag', '2026-01-01T12:00:00Z'),
      },
      () => new Date(),
    )
    await store.load()
    const rebuiltAt: string[] = []
    const rebuilt = new Promise<void>((resolve) =>
      store.onChange((_, site) => {
        rebuiltAt.push(site.plan.now.toISOString())
        resolve()
      }),
    )
    const before = store.site().resources.get('/wirtschaft/feed.xml')
    expect(titlesOf(store)).toEqual(['Jetzt'])
    await vi.advanceTimersByTimeAsync(1_000)
    expect(rebuiltAt).toEqual([])
    await vi.advanceTimersByTimeAsync(1_000)
    await rebuilt
    expect(rebuiltAt).toEqual(['2026-01-01T12:00:00.000Z'])
    expect(titlesOf(store)).toEqual(['Mittag', 'Jetzt'])
    const after = store.site().resources.get('/wirtschaft/feed.xml')
    expect(after?.identity.etag).not.toBe(before?.identity.etag)
    expect(after?.lastModified?.toISOString()).toBe('2026-01-01T12:00:00.000Z')
    store.close()
  })

  it('gives byte-identical feeds for the same articles, whatever the clock says', async () => {
    const files = { 'a.md': article('A', '2025-01-01T10:00:00Z'), 'b.md': article('B', '2025-02-01T10:00:00Z') }
    const first = storeWith(files, () => new Date('2026-01-01T00:00:00Z')).store
    const second = storeWith(files, () => new Date('2026-07-09T13:14:15Z')).store
    await first.load()
    await second.load()
    first.close()
    second.close()
    for (const path of ['/wirtschaft/feed.xml', '/wirtschaft/atom.xml', '/wirtschaft/feed.json', '/']) {
      expect(second.site().resources.get(path)?.identity.etag).toBe(first.site().resources.get(path)?.identity.etag)
    }
  })

  it('refuses files beyond MAX_ARTICLES with a log line, and keeps publishing the rest', async () => {
    const limited = loadConfig({ SITE_URL: 'https://www.example.de/', MAX_ARTICLES: '2' })
    const logged: string[] = []
    const files = new Map([
      ['a.md', article('A', '2025-01-01T10:00:00Z')],
      ['b.md', article('B', '2025-02-01T10:00:00Z')],
      ['c.md', article('C', '2025-03-01T10:00:00Z')],
    ])
    const store = new ContentStore({ config: limited, source: memorySource(files, limited), logger: { info: () => {}, warn: (l) => logged.push(l) } })
    await store.load()
    expect(logged).toEqual(['skipped c.md: file: is beyond MAX_ARTICLES (2); not loaded'])
    expect(titlesOf(store)).toEqual(['B', 'A'])
    files.set('d.md', article('D', '2025-04-01T10:00:00Z'))
    await store.applyChanges(['d.md'])
    expect(logged[1]).toBe('skipped d.md: file: is beyond MAX_ARTICLES (2); not loaded')
    store.close()
  })

  it('warns when an enclosure length disagrees with the file, or cannot be known', async () => {
    const media = fileURLToPath(new URL('../fixtures/media', import.meta.url))
    const config = loadConfig({ SITE_URL: 'https://www.example.de/', MEDIA_DIR: media })
    const logged: string[] = []
    const files = new Map([
      ['falsch.md', article('Falsch', '2025-01-01T10:00:00Z', { enclosure: '{url: /media/folge-1.mp3, length: 99, duration: 60}' })],
      ['fern.md', article('Fern', '2025-01-02T10:00:00Z', { enclosure: '{url: "https://cdn.example.org/f.mp3", duration: 60}' })],
      ['gut.md', article('Gut', '2025-01-03T10:00:00Z', { enclosure: '{url: /media/folge-1.mp3, duration: 60}' })],
    ])
    const store = new ContentStore({ config, source: memorySource(files, config), logger: { info: () => {}, warn: (l) => logged.push(l) } })
    await store.load()
    store.close()
    expect(logged.sort()).toEqual([
      "warning falsch.md: enclosure.length: says 99 bytes, the file has 4321; the file's size is published",
      'warning fern.md: enclosure.length: is missing, and the file is not under MEDIA_DIR to measure; podcast apps need the size in bytes',
    ])
  })

  it('warns about episodes podcast apps would stumble on, and about media files that are not there', async () => {
    const media = fileURLToPath(new URL('../fixtures/media', import.meta.url))
    const config = loadConfig({ SITE_URL: 'https://www.example.de/', MEDIA_DIR: media })
    const logged: string[] = []
    const files = new Map([
      ['ogg.md', article('Ogg', '2025-01-01T10:00:00Z', { enclosure: '{url: "https://cdn.example.org/f.ogg", length: 5, duration: 60}' })],
      ['ohne-dauer.md', article('Ohne Dauer', '2025-01-02T10:00:00Z', { enclosure: '{url: /media/folge-1.mp3}' })],
      ['fehlt.md', article('Fehlt', '2025-01-03T10:00:00Z', { image: '/media/fehlt.jpg', enclosure: '{url: /media/fehlt.mp3, duration: 60}' })],
    ])
    const store = new ContentStore({ config, source: memorySource(files, config), logger: { info: () => {}, warn: (l) => logged.push(l) } })
    await store.load()
    store.close()
    expect(logged.sort()).toEqual([
      'warning fehlt.md: enclosure.url: names a file that is not in MEDIA_DIR; podcast apps will fail to download it',
      'warning fehlt.md: image: names a file that is not in MEDIA_DIR; readers will show a broken image',
      'warning ogg.md: enclosure.type: audio/ogg is not a format Apple Podcasts plays (MP3, M4A); other podcast apps may',
      'warning ohne-dauer.md: enclosure.duration: is missing; podcast apps show no playing time',
    ])
  })

  it('renders an article page on request and keeps it until the site changes', async () => {
    const { store } = storeWith({ 'a.md': article('Zölle & Märkte', '2025-01-01T10:00:00Z', { author: 'Silke Mayr' }) })
    await store.load()
    store.close()
    const page = store.articlePage('/wirtschaft/a.html')
    const html = new TextDecoder().decode((await page)?.identity.body)
    expect(html).toContain('<h1>Zölle &amp; Märkte</h1>')
    expect(html).toContain('von Silke Mayr')
    expect(await store.articlePage('/wirtschaft/a.html')).toBe(await page)
    expect(store.articlePage('/wirtschaft/fehlt.html')).toBeUndefined()
  })

  // A stop (main.ts) quiesces the store, sends the purges of the changes heard, then closes the purger: a rebuild already
  // under way that swapped in after it made a change no purge sent, and the CDN's purge record stayed "under way", so the
  // next start purged the whole site. Not swapped in, the next start purges that change's keys from the files.
  it.each([
    ['swaps in no state of a rebuild that a stop (quiesce) overtook, and tells no listener of it', true, ['A'], 0],
    ['swaps in the state of a rebuild that no stop overtook, and tells the listeners (the control)', false, ['A neu'], 1],
  ])('%s', async (_, stopDuringRebuild, titles, heard) => {
    let stopAtNextClock = false
    const { store, files } = storeWith({ 'a.md': article('A', '2025-01-01T10:00:00Z') }, () => {
      // The clock is read once the change is in the catalog, as its rebuild plans the new state.
      if (stopAtNextClock) [stopAtNextClock] = [false, store.quiesce()]
      return new Date('2026-01-01T00:00:00Z')
    })
    await store.load()
    const listened: string[][] = []
    store.onChange((_previous, current) => listened.push(current.plan.section.map((a) => a.title)))
    files.set('a.md', article('A neu', '2025-01-01T10:00:00Z'))
    stopAtNextClock = stopDuringRebuild
    await store.applyChanges(['a.md'])
    await store.settled()
    expect(titlesOf(store)).toEqual(titles)
    expect(listened).toHaveLength(heard)
    store.close()
  })

  // A rebuild asked for while one ran (a media file replaced) ran in full after the stop began, every document rendered
  // again beside the requests in flight, for a state never swapped in.
  it('plans and renders no state once quiesced, though a rebuild was asked for while one ran', async () => {
    let stopAtNextClock = false
    let clockReads = 0
    const { store, files } = storeWith({ 'a.md': article('A', '2025-01-01T10:00:00Z') }, () => {
      clockReads += 1
      if (stopAtNextClock) [stopAtNextClock, clockReads] = [false, 0, store.mediaChanged(), store.quiesce()]
      return new Date('2026-01-01T00:00:00Z')
    })
    await store.load()
    files.set('a.md', article('A neu', '2025-01-01T10:00:00Z'))
    stopAtNextClock = true
    await store.applyChanges(['a.md'])
    await store.settled()
    expect([clockReads, titlesOf(store)]).toEqual([0, ['A']])
    store.close()
  })
})

describe('ContentStore: memory for rendered documents', () => {
  it('keeps views within a bound in bytes, however many distinct filter URLs clients ask for', async () => {
    const files = new Map<string, string>()
    for (let n = 0; n < 40; n++) {
      files.set(`a${n}.md`, articleText({ title: `Artikel ${n}`, date: `2025-01-${String((n % 28) + 1).padStart(2, '0')}T10:00:00Z`, category: 'wirtschaft', tags: 'Alle' }, `${'Ein langer Absatz über Zölle und Märkte. '.repeat(80)}\n`))
    }
    const bound = 400_000
    const store = new ContentStore({ config, source: memorySource(files, config), logger: { info: () => {}, warn: () => {} }, cacheBytes: bound })
    await store.load()
    let largest = 0
    for (let n = 0; n < 30; n++) {
      const resource = await store.filtered('rss', { limit: 40, authors: [], tags: ['Alle', `unbekannt-${n}`] })
      const text = new TextDecoder().decode(resource.identity.body)
      expect(text.match(/<item>/g)).toHaveLength(40)
      expect(text).toContain(`unbekannt-${n}`)
      largest = Math.max(largest, store.cachedBytes().views)
    }
    // Each view is about 100 KB in its three encodings: thirty would be 3 MB.
    expect(largest).toBeGreaterThan(bound / 2)
    expect(largest).toBeLessThanOrEqual(bound)
    // What was forgotten is rendered again, the same.
    const again = await store.filtered('rss', { limit: 40, authors: [], tags: ['Alle', 'unbekannt-0'] })
    expect(new TextDecoder().decode(again.identity.body)).toContain('unbekannt-0')
    store.close()
  })
})

describe('ContentStore: dates', () => {
  it('warns about an update dated in the future, but not about a scheduled article', async () => {
    const { store, logged } = storeWith({
      'tippfehler.md': article('Tippfehler', '2025-06-10T10:00:00Z', { updated: '2029-06-10T10:00:00Z' }),
      'geplant.md': article('Geplant', '2026-03-01T10:00:00Z'),
    })
    await store.load()
    store.close()
    expect(logged).toEqual([
      'warning tippfehler.md: updated: is in the future (2029-06-10T10:00:00.000Z); feeds show it as written, HTTP Last-Modified the time of serving',
    ])
  })
})

describe('ContentStore: an old article whose file turns invalid', () => {
  it('keeps it listed, and serves its archive page for short caching until the file is good again', async () => {
    const limited = loadConfig({ SITE_URL: 'https://www.example.de/', FEED_LIMIT: '1', ARCHIVE_PAGE_SIZE: '1' })
    const files = new Map([
      ['alt.md', articleText({ title: 'Alt', date: '2025-01-01T10:00:00Z', category: 'wirtschaft' }, 'Alter Text.\n')],
      ['mitte.md', articleText({ title: 'Mitte', date: '2025-02-01T10:00:00Z', category: 'wirtschaft' })],
      ['neu.md', articleText({ title: 'Neu', date: '2025-03-01T10:00:00Z', category: 'wirtschaft' })],
    ])
    const logged: string[] = []
    const store = new ContentStore({ config: limited, source: memorySource(files, limited), logger: { info: () => {}, warn: (l) => logged.push(l) } })
    await store.load()
    const page = async () => {
      const resource = await (store.archive('json', 1) as Promise<import('../../src/site/resource.js').Resource>)
      const json = JSON.parse(new TextDecoder().decode(resource.identity.body)) as { items: { title: string; content_html: string }[] }
      return { cache: resource.cache, items: json.items.map((item) => [item.title, item.content_html]) }
    }
    // Page 1 of 2 holds the oldest article; never rendered yet, so its body is not cached.
    files.set('alt.md', '')
    await store.applyChanges(['alt.md'])
    expect(logged).toContain("kept the last good version of alt.md: front matter: missing: the file must start with a '---' line, then YAML, then '---'")
    expect(await page()).toEqual({ cache: 'live', items: [['Alt', '']] })

    files.set('alt.md', articleText({ title: 'Alt', date: '2025-01-01T10:00:00Z', category: 'wirtschaft' }, 'Wieder da.\n'))
    await store.applyChanges(['alt.md'])
    expect(await page()).toEqual({ cache: 'archive', items: [['Alt', '<p>Wieder da.</p>']] })
    store.close()
  })
})

describe('ContentStore: site settings', () => {
  it('warns once about images the settings name that are missing, and a cover Apple would refuse', async () => {
    const media = fileURLToPath(new URL('../fixtures/media', import.meta.url))
    const base = loadConfig({ SITE_URL: 'https://www.example.de/', MEDIA_DIR: media })
    const settings = {
      ...base.settings,
      images: { icon: 'https://www.example.de/media/fehlt.png', favicon: undefined, rss: undefined },
      podcast: {
        title: 'T', description: 'D', author: 'A', owner: { name: 'O', email: 'o@example.de' },
        image: 'https://www.example.de/media/bild.jpg', category: 'Business', subcategory: undefined,
        explicit: false, type: 'episodic' as const, locked: true, copyright: undefined,
      },
    }
    const config = { ...base, settings }
    const logged: string[] = []
    const store = new ContentStore({ config, source: memorySource(new Map(), config), logger: { info: () => {}, warn: (l) => logged.push(l) } })
    await store.load()
    await store.load()
    store.close()
    expect(logged).toEqual([
      'warning site.yaml: images.icon: names a file that is not in MEDIA_DIR',
      'warning site.yaml: podcast.image: is 120 × 80 px; Apple Podcasts wants a square JPEG or PNG of 1400 to 3000 px',
    ])
  })

  it('keeps the published article and the current feeds when a file is read again unchanged (a save gives several watch events), and renders them when it did change', async () => {
    const { store, files } = storeWith({ 'a.md': article('A', '2025-01-01T10:00:00Z'), 'b.md': article('B', '2025-02-01T10:00:00Z') })
    await store.load()
    const feed = store.resource('/wirtschaft/feed.json')
    const published = store.site().plan.window[0]
    await store.applyChanges(['b.md'])
    expect(store.resource('/wirtschaft/feed.json')).toBe(feed)
    expect(store.site().plan.window[0]).toBe(published)
    files.set('b.md', article('B', '2025-02-01T10:00:00Z') + 'Ein zweiter Absatz.\n')
    await store.applyChanges(['b.md'])
    expect(store.resource('/wirtschaft/feed.json')).not.toBe(feed)
    expect(titlesOf(store)).toEqual(['B', 'A'])
    store.close()
  })
})

