/**
 * An edit is visible as soon as its identity bytes exist: the store swaps the
 * new site in before gzip and Brotli are done, and they follow. Every answer
 * meanwhile is one state, whole: its body, its ETag and its Content-Encoding
 * belong together (RFC 9110 §8.8.3: each encoding has its own entity-tag),
 * and it varies on Accept-Encoding whichever bytes it carries.
 */
import { createHash } from 'node:crypto'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createApp } from '../../src/http/app.js'
import { ContentStore } from '../../src/store/content-store.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'

const NOW = new Date('2026-01-01T00:00:00Z')
const FEED = '/wirtschaft/feed.xml'
const config = loadConfig({ SITE_URL: 'https://www.example.de/' })
const stores: ContentStore[] = []

afterEach(() => {
  for (const store of stores.splice(0)) store.close()
})

/** Ten articles, long enough to be compressed, the newest titled `title`. */
function filesWith(title: string): Map<string, string> {
  const files = new Map<string, string>()
  for (let n = 1; n <= 10; n++) {
    files.set(`m${n}.md`, `${articleText({ title: n === 10 ? title : `Meldung ${n}`, date: `2025-01-${String(n).padStart(2, '0')}T10:00:00Z`, category: 'wirtschaft' })}\n${'Die Konjunktur zieht an. '.repeat(40)}\n`)
  }
  return files
}

async function live(title: string) {
  const files = filesWith(title)
  const store = new ContentStore({ config, source: memorySource(files, config), clock: () => NOW, logger: { info: () => {}, warn: () => {} } })
  stores.push(store)
  await store.load()
  await store.settled() // the first site's encodings follow it too (first-site.test.ts)
  const app = createApp({ config, store, now: () => NOW.getTime() })
  const edit = (to: string) => {
    files.set('m10.md', filesWith(to).get('m10.md') as string)
    return store.applyChanges(['m10.md'])
  }
  return { store, app, edit }
}

/** What an answer says of itself: its bytes decoded, and whether its ETag is the one of those bytes in that encoding. */
async function answer(app: ReturnType<typeof createApp>, acceptEncoding: string) {
  const response = await app.request(FEED, { headers: { 'Accept-Encoding': acceptEncoding } })
  const raw = Buffer.from(await response.arrayBuffer())
  const encoding = response.headers.get('Content-Encoding')
  const text = (encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')
  // resource.ts: the tag is SHA-256 of the identity bytes (27 base64url characters), with -gz or -br for a compressed form.
  const tag = createHash('sha256').update(text).digest('base64url').slice(0, 27)
  const suffix = encoding === 'br' ? '-br' : encoding === 'gzip' ? '-gz' : ''
  return { status: response.status, encoding, etag: response.headers.get('ETag'), ownEtag: `"${tag}${suffix}"`, vary: response.headers.get('Vary'), text }
}

describe('an edit swapped in before its compressed forms', () => {
  it('is answered right after the swap with the new identity bytes under their own ETag, then with Brotli under its own', async () => {
    const { store, app, edit } = await live('Alte Schlagzeile')
    expect((await answer(app, 'br, gzip')).encoding).toBe('br')
    await edit('Neue Schlagzeile')
    // Swapped in: the compressed forms are still being made.
    expect(store.resource(FEED)?.encodings).toEqual({})
    const right = await answer(app, 'br, gzip')
    expect([right.status, right.encoding, right.etag, right.vary]).toEqual([200, null, right.ownEtag, 'Accept, Accept-Encoding, Sec-Fetch-Dest, Sec-Fetch-Mode'])
    expect(right.etag).toBe(store.resource(FEED)?.identity.etag)
    expect(right.text).toContain('<title>Neue Schlagzeile</title>')
    await store.settled()
    const later = await answer(app, 'br, gzip')
    expect([later.status, later.encoding, later.etag, later.text]).toEqual([200, 'br', later.ownEtag, right.text])
    expect(later.etag).toBe(`${right.etag?.slice(0, -1)}-br"`)
    expect((await answer(app, 'gzip')).etag).toBe(`${right.etag?.slice(0, -1)}-gz"`)
  })

  it('gives every request during a burst of edits one whole state: old or new title, body and ETag and encoding together', async () => {
    const { store, app, edit } = await live('Fassung 0')
    const seen: Awaited<ReturnType<typeof answer>>[] = []
    let editing = true
    const poller = (async () => {
      while (editing) {
        seen.push(await answer(app, seen.length % 3 === 0 ? 'gzip' : 'br, gzip'))
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    for (let n = 1; n <= 8; n++) await edit(`Fassung ${n}`)
    await store.settled()
    editing = false
    await poller
    seen.push(await answer(app, 'br'))
    expect(seen.length).toBeGreaterThan(8)
    for (const one of seen) {
      expect(one.etag).toBe(one.ownEtag)
      expect(one.text.match(/<title>Fassung \d<\/title>/g)).toHaveLength(1)
    }
    expect([seen.at(-1)?.encoding, seen.at(-1)?.text]).toEqual(['br', expect.stringContaining('<title>Fassung 8</title>')])
  })
})
