/**
 * What the CDN was last told (src/cdn/purge-record.ts): the first state after a start purges the keys changed while
 * the service was stopped, the whole site after a run that did not stop with every purge through, nothing on a first
 * start. Before, a start purged nothing, and the CDN kept the copies of before the stop for CDN_MAX_AGE.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { mediaPurge, PURGE_RECORD, PurgeRecord, recordTarget, UnswappedMedia } from '../../src/cdn/purge-record.js'
import { loadConfig } from '../../src/config.js'
import { folderId } from '../../src/content/files.js'
import { stateFile, type StateFile } from '../../src/ops/state-file.js'
import { ANY_KEY, articleKey, digest, MEDIA_KEY, mediaKey, SITE_KEY } from '../../src/site/cache-keys.js'
import { makeTempDir } from '../helpers/temp-dir.js'

const temps: { rm(): void }[] = []
afterEach(() => {
  for (const temp of temps.splice(0)) temp.rm()
})

const A = articleKey('/wirtschaft/a.html')
const B = articleKey('/wirtschaft/b.html')
const NO_MEDIA = { folder: null, since: 0 }
const keys = (entries: Record<string, string>): Map<string, string> => new Map(Object.entries(entries).map(([key, text]) => [key, digest(text)]))

function recordIn(dir?: string, target = 'varnish http://127.0.0.1:6081/ https://www.example.de/') {
  const state = dir ?? makeTempDir('purge-record-').dir
  if (dir === undefined) temps.push({ rm: () => fs.rmSync(state, { recursive: true, force: true }) })
  const lines: string[] = []
  const record = new PurgeRecord(stateFile(state, PURGE_RECORD), target, { info: (line) => lines.push(line), warn: (line) => lines.push(line) })
  return { state, record, lines, file: path.join(state, PURGE_RECORD) }
}

describe('PurgeRecord', () => {
  it('purges nothing on a first start (no record), and marks the run as under way', async () => {
    const { record, file } = recordIn()
    expect(await record.begin()(keys({ [A]: 'a', feed: 'f' }))).toEqual([])
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ format: 1, running: true })
  })

  it('after a clean stop, purges exactly the keys whose version changed, came or went, with `any`', async () => {
    const first = recordIn()
    first.record.begin()
    first.record.end(keys({ [A]: 'a', [B]: 'b', feed: 'f', 'p-1': 'p' }), [], NO_MEDIA)
    const next = recordIn(first.state)
    const purge = next.record.begin()
    expect(await purge(keys({ [A]: 'a', [B]: 'b edited', feed: 'f', 'p-2': 'p' }))).toEqual([B, ANY_KEY, 'p-1', 'p-2'].sort())
    expect(next.lines).toEqual(['purge: the last run stopped with every purge through; the first state purges what changed since'])
    // Asked once: what it held is let go.
    expect(await purge(keys({ [A]: 'a', [B]: 'b edited again' }))).toEqual([])
    // Nothing changed: nothing purged.
    const unchanged = recordIn(first.state)
    unchanged.record.end(keys({ [A]: 'a' }), [], NO_MEDIA)
    expect(await recordIn(first.state).record.begin()(keys({ [A]: 'a' }))).toEqual([])
  })

  it('works out the first purge with the event loop turning', async () => {
    // In one go, the record's parse, the digests of every version and the diff held every answer 0.26-0.38 s at
    // 50,000 articles, 2-4 s after the start served.
    const many = new Map(Array.from({ length: 30_000 }, (_, index) => [articleKey(`/wirtschaft/${index}.html`), digest(String(index))]))
    const first = recordIn()
    first.record.begin()
    first.record.end(many, [], NO_MEDIA)
    const purge = recordIn(first.state).record.begin()
    let turns = 0
    const count = (): void => void setImmediate(() => (turns++, turns < 1000 && count()))
    count()
    expect(await purge(new Map([...many, [A, 'a']]))).toEqual([A, ANY_KEY].sort())
    expect(turns).toBeGreaterThanOrEqual(4)
  })

  it('tells versions apart past their first 16 characters (the feeds\' is the number of archive pages, a date, then the window\'s articles)', async () => {
    // Cut to 16 characters, `feed` kept "3\n2026-01-01T08:" of its version: an article added while stopped, dated before
    // the newest (or in its hour), changed nothing kept, and the CDN kept the feeds and the index page without it.
    const feed = (window: string) => `3\n2026-01-01T08:00:00.000Z\n${window}`
    const sitemap = (last: number) => `1767254400000\n${last}`
    const first = recordIn()
    first.record.begin()
    first.record.end(new Map([['feed', feed('1rp2poqd9cv')], ['sitemap', sitemap(1767254400000)]]), [], NO_MEDIA)
    const purge = recordIn(first.state).record.begin()
    expect(await purge(new Map([['feed', feed('y7aofugzd')], ['sitemap', sitemap(1767258000000)]]))).toEqual([ANY_KEY, 'feed', 'sitemap'])
  })

  it('purges the articles whose body was published not as written before the stop, though their keys did not change', async () => {
    const first = recordIn()
    first.record.begin()
    first.record.end(keys({ [A]: 'a', [B]: 'b' }), ['/wirtschaft/b.html'], NO_MEDIA)
    expect(await recordIn(first.state).record.begin()(keys({ [A]: 'a', [B]: 'b' }))).toEqual([B, ANY_KEY].sort())
  })

  // A page of a change a stop overtook (content-store.ts: overtakenPages), at a path the state served has not: answered
  // during the stop, and its file edited back while the service was stopped, the next start purged nothing of it.
  it('purges a page marked at the stop that the state served has not, though the next start has it not either', async () => {
    const first = recordIn()
    first.record.begin()
    first.record.end(keys({ [A]: 'a' }), ['/wirtschaft/b.html'], NO_MEDIA)
    expect(await recordIn(first.state).record.begin()(keys({ [A]: 'a' }))).toEqual([B, ANY_KEY].sort())
  })

  it('purges the whole site after a run that did not stop cleanly (its record still says it is under way)', async () => {
    const first = recordIn()
    first.record.begin()
    first.record.end(keys({ [A]: 'a' }), [], NO_MEDIA)
    // A second run begins, then is killed: no end().
    recordIn(first.state).record.begin()
    const third = recordIn(first.state)
    expect(await third.record.begin()(keys({ [A]: 'a' }))).toEqual([SITE_KEY])
    expect(third.lines).toEqual([`purge: the last run did not stop with every purge through (a crash, a kill, a CDN that did not answer): the first state purges the whole site (key ${SITE_KEY})`])
  })

  it('purges the whole site when the record is of another CDN or SITE_URL, is not one, or a run without PURGE came between', async () => {
    const first = recordIn()
    first.record.begin()
    first.record.end(keys({ [A]: 'a' }), [], NO_MEDIA)
    const other = recordIn(first.state, 'varnish http://127.0.0.1:6081/ https://www.example.com/')
    expect(await other.record.begin()(keys({ [A]: 'a' }))).toEqual([SITE_KEY])
    expect(other.lines[0]).toContain('the last run purged another CDN, or served another SITE_URL or site settings')

    for (const text of ['{"format":1,"target":', '[]', '{"format":2,"target":"x","keys":{}}']) {
      fs.writeFileSync(first.file, text)
      const broken = recordIn(first.state)
      expect(await broken.record.begin()(keys({ [A]: 'a' })), text).toEqual([SITE_KEY])
      expect(broken.lines[0]).toContain('is not a record this service wrote')
    }

    const clean = recordIn(first.state)
    clean.record.begin()
    clean.record.end(keys({ [A]: 'a' }), [], NO_MEDIA)
    PurgeRecord.markUnpurged(stateFile(first.state, PURGE_RECORD), { info: () => {}, warn: () => {} })
    expect(await recordIn(first.state).record.begin()(keys({ [A]: 'a' }))).toEqual([SITE_KEY])
  })

  it('is for the settings documents are rendered with, which no key\'s version holds: SITE_NAME, FEED_CONTENT, site.yaml', async () => {
    // A record for the CDN and SITE_URL alone: a restart with another site name, or an author's profile edited in
    // site.yaml, purged nothing, and the CDN kept every document of before for CDN_MAX_AGE.
    const target = (env: Record<string, string>, yaml = '{}\n') =>
      recordTarget('varnish http://127.0.0.1:6081/', loadConfig({ SITE_URL: 'https://www.example.de', SITE_CONFIG: '/srv/site.yaml', ...env }, [], '/', () => yaml))
    const base = target({})
    expect(target({})).toBe(base)
    expect(target({ PORT: '8081', STATE_DIR: '/srv/other' })).toBe(base)
    for (const other of [target({ SITE_NAME: 'Anderes Blatt' }), target({ FEED_CONTENT: 'excerpt' }), target({}, 'authors:\n  Silke Mayr:\n    bio: Neu\n')]) expect(other).not.toBe(base)
    expect(target({}, 'authors:\n  Silke Mayr:\n    bio: Neu\n')).not.toBe(target({}, 'authors:\n  Silke Mayr:\n    bio: Alt\n'))
  })

  it('empties a clean stop\'s record when a start cannot mark its run as under way (a full disk): the next start purges the whole site', async () => {
    // Left as it was, the start after a run that began on a full disk trusted the stop before it: a crash of that run,
    // a purge of it that never went through, or its bodies published as plain text were never purged.
    const first = recordIn()
    first.record.begin()
    first.record.end(keys({ [A]: 'a' }), [], NO_MEDIA)
    const real = stateFile(first.state, PURGE_RECORD)
    const full: StateFile = {
      ...real,
      write: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })
      },
    }
    const lines: string[] = []
    const record = new PurgeRecord(full, 'varnish http://127.0.0.1:6081/ https://www.example.de/', { info: (line) => lines.push(line), warn: (line) => lines.push(line) })
    expect(await record.begin()(keys({ [A]: 'a' }))).toEqual([])
    expect(lines).toEqual([
      `warning STATE_DIR: cannot write ${first.file} (ENOSPC: no space left on device); emptying it instead, so that the next start does not trust it`,
      `warning STATE_DIR: emptied ${first.file}: the next start purges the whole site`,
      'purge: the last run stopped with every purge through; the first state purges what changed since',
    ])
    // This run was killed, or its stop could not write either: the next start cannot tell what the CDN holds.
    expect(await recordIn(first.state).record.begin()(keys({ [A]: 'a' }))).toEqual([SITE_KEY])
  })

  it('says so when the record cannot be written, and the run goes on', async () => {
    const lines: string[] = []
    const readOnly: StateFile = {
      path: '/srv/state/cdn-purges.v1',
      read: () => undefined,
      readBytes: () => undefined,
      write: () => {
        throw new Error('EROFS: read-only file system')
      },
      writeInTurns: async () => false,
      empty: () => {
        throw new Error('EROFS: read-only file system')
      },
    }
    const record = new PurgeRecord(readOnly, 'x', { info: (line) => lines.push(line), warn: (line) => lines.push(line) })
    expect(await record.begin()(keys({ [A]: 'a' }))).toEqual([])
    record.end(keys({ [A]: 'a' }), [], NO_MEDIA)
    expect(lines).toEqual([
      'warning STATE_DIR: cannot write /srv/state/cdn-purges.v1 (EROFS: read-only file system); emptying it instead, so that the next start does not trust it',
      'warning STATE_DIR: cannot empty /srv/state/cdn-purges.v1 either (EROFS: read-only file system); the next start may trust the record of a run before this one',
      'warning STATE_DIR: cannot write /srv/state/cdn-purges.v1 (EROFS: read-only file system); the next start purges the whole site',
    ])
  })
})

describe('mediaPurge: what a start purges of MEDIA_DIR since the last clean stop', () => {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  it('keeps the mark through the record, and purges a file replaced since, or nothing when none was', async () => {
    const media = makeTempDir('purge-media-')
    temps.push(media)
    media.write('folge.mp3', Buffer.alloc(64))
    media.write('bilder/titel.png', Buffer.alloc(32))
    await pause(50)
    const mark = { folder: (await folderId(media.dir)) ?? null, since: Date.now() }
    const first = recordIn()
    first.record.begin()
    first.record.end(keys({ [A]: 'a' }), [], mark)
    const next = recordIn(first.state)
    const purge = next.record.begin()
    // Parsed once the first purge is asked: the start did not wait for it.
    expect(next.record.media).toBeUndefined()
    expect(await purge(keys({ [A]: 'a' }))).toEqual([])
    expect(next.record.media).toEqual(mark)
    expect(await mediaPurge(media.dir, mark)).toEqual([])
    // Replaced in place: its folder's entries stay as they were.
    await pause(50)
    fs.writeFileSync(path.join(media.dir, 'bilder/titel.png'), Buffer.alloc(48))
    expect(await mediaPurge(media.dir, mark)).toEqual([mediaKey('bilder/titel.png'), ANY_KEY])
  })

  it('purges every media file when a file was removed (its folder changed), or MEDIA_DIR is another folder, came or went', async () => {
    const media = makeTempDir('purge-media-')
    temps.push(media)
    media.write('alt.png', Buffer.alloc(8))
    await pause(50)
    const mark = { folder: (await folderId(media.dir)) ?? null, since: Date.now() }
    await pause(50)
    fs.rmSync(path.join(media.dir, 'alt.png'))
    expect(await mediaPurge(media.dir, mark)).toEqual([MEDIA_KEY, ANY_KEY])
    expect(await mediaPurge(media.dir, { folder: 'another', since: Date.now() + 60_000 })).toEqual([MEDIA_KEY, ANY_KEY])
    expect(await mediaPurge(path.join(media.dir, 'fehlt'), { ...mark, since: Date.now() + 60_000 })).toEqual([MEDIA_KEY, ANY_KEY])
    expect(await mediaPurge(path.join(media.dir, 'fehlt'), { folder: null, since: 0 })).toEqual([])
  })
})


describe('UnswappedMedia: where a stop\'s media mark starts', () => {
  it('is the earliest media change whose rebuild has not swapped in: a failed one until the next state is; Infinity when none', async () => {
    const unswapped = new UnswappedMedia()
    expect(unswapped.earliest()).toBe(Infinity)
    let swap: (value: unknown) => void = () => {}
    let fail: (error: Error) => void = () => {}
    const before = Date.now()
    unswapped.track(new Promise((resolve) => (swap = resolve)))
    await new Promise((resolve) => setTimeout(resolve, 30))
    const second = Date.now()
    unswapped.track(new Promise((_, reject) => (fail = reject)))
    const first = unswapped.earliest()
    expect(first).toBeGreaterThanOrEqual(before)
    expect(first).toBeLessThan(second)
    swap(undefined)
    await Promise.resolve()
    expect(unswapped.earliest()).toBeGreaterThanOrEqual(second)
    fail(new Error('rebuild failed'))
    await Promise.resolve()
    // Failed, its documents still state the old length until the store's retry (or a later change) swaps a state in.
    expect(unswapped.earliest()).toBeGreaterThanOrEqual(second)
    expect(unswapped.earliest()).toBeLessThan(Infinity)
    unswapped.swapped()
    expect(unswapped.earliest()).toBe(Infinity)
    // A stop freezes it: a change failed after the stop began is not swapped in by any state (the store swaps none).
    unswapped.track(Promise.reject(new Error('rebuild failed')))
    const third = unswapped.earliest()
    unswapped.stop()
    await Promise.resolve()
    unswapped.swapped()
    expect(unswapped.earliest()).toBe(third)
  })
})
