/**
 * A strong ETag names one sequence of bytes (RFC 9110 §8.8.3): `"…-br"` is
 * derived from the identity bytes, so the same identity bytes must always be
 * compressed to the same Brotli bytes. The newest archive page is cached like
 * a live feed and the others like archives; its Brotli quality followed that
 * class, so a JSON Feed page (which links only to the older page: its bytes
 * stay the same when the next page begins) was sent with other Brotli bytes
 * under the same ETag; so was a browser's page of an archive page (summaries,
 * no text) cached like a live feed while a body could not be read. Found by
 * an invariant checker polling a running service during bulk imports.
 */
import { brotliDecompressSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createApp } from '../../src/http/app.js'
import { ContentStore } from '../../src/store/content-store.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'

const NOW = new Date('2026-01-01T00:00:00Z')
const config = loadConfig({ SITE_URL: 'https://www.example.de/', FEED_LIMIT: '3', ARCHIVE_PAGE_SIZE: '2' })
const stores: ContentStore[] = []

afterEach(() => {
  for (const store of stores.splice(0)) store.close()
})

const article = (n: number) =>
  articleText({ title: `Meldung ${n}`, date: `2025-01-${String(n).padStart(2, '0')}T10:00:00Z`, category: 'wirtschaft' }, `${Array.from({ length: 150 }, (_, k) => `Satz ${k} zu Meldung ${n}: die Konjunktur zieht an.`).join(' ')}\n`)

describe('an archive page that stops being the newest', () => {
  it('keeps its Brotli bytes under its ETag when its identity bytes stay the same', async () => {
    const files = new Map<string, string>()
    for (let n = 1; n <= 11; n++) files.set(`m${n}.md`, article(n))
    const store = new ContentStore({ config, source: memorySource(files, config), clock: () => NOW, logger: { info: () => {}, warn: () => {} } })
    stores.push(store)
    await store.load()
    await store.settled()
    const app = createApp({ config, store, now: () => NOW.getTime() })
    const get = async (path: string) => {
      const response = await app.request(path, { headers: { 'Accept-Encoding': 'br' } })
      const bytes = Buffer.from(await response.arrayBuffer())
      return { etag: response.headers.get('ETag'), encoding: response.headers.get('Content-Encoding'), cache: response.headers.get('Cache-Control'), bytes, text: brotliDecompressSync(bytes).toString() }
    }
    // Eight articles behind the three current ones: page 4 (m7, m8) is full and the newest.
    const json = await get('/wirtschaft/archiv/4/feed.json')
    expect([json.encoding, json.cache]).toEqual(['br', expect.stringContaining('max-age=300')])
    files.set('m12.md', article(12))
    await store.applyChanges(['m12.md'])
    await store.settled()
    expect((await app.request('/wirtschaft/archiv/5/feed.json')).status).toBe(200) // the next page has begun
    const jsonLater = await get('/wirtschaft/archiv/4/feed.json')
    expect(jsonLater.cache).not.toBe(json.cache) // cached as an archive now
    // Same identity bytes, so the same ETag: then the same Brotli bytes.
    expect([jsonLater.text, jsonLater.etag]).toEqual([json.text, json.etag])
    expect(jsonLater.bytes.equals(json.bytes)).toBe(true)
  })
})
