/**
 * The first site of a start is served as soon as the identity bytes of its
 * documents exist: load() does not wait for gzip and Brotli (settled() and
 * the export do), and each encoding keeps its own ETag once it is there.
 * Brotli is held back here (node:zlib mocked) until the test lets it go.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { ContentStore } from '../../src/store/content-store.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'

const gate = vi.hoisted(() => {
  let open = (): void => {}
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open: () => open() }
})

vi.mock('node:zlib', async (importOriginal) => {
  const zlib = await importOriginal<typeof import('node:zlib')>()
  const brotliCompress = (...args: Parameters<typeof zlib.brotliCompress>) => void gate.opened.then(() => (zlib.brotliCompress as (...a: unknown[]) => void)(...args))
  const brotliCompressSync = zlib.brotliCompressSync
  return { ...zlib, brotliCompress, brotliCompressSync, default: { ...zlib, brotliCompress, brotliCompressSync } }
})

afterEach(() => gate.open())

describe('the first site', () => {
  it('is served once its identity bytes exist: load() resolves before Brotli is done, settled() after, each encoding with its own ETag', async () => {
    const config = loadConfig({ SITE_URL: 'https://www.example.de/' })
    // Enough articles for a feed over 16 KiB: compressed on the thread pool, where the mock holds it.
    const body = `${'Ein langer Absatz über die Konjunktur. '.repeat(40)}\n`
    const files = new Map(
      Array.from({ length: 60 }, (_, i) => [`a${i}.md`, articleText({ title: `Artikel ${i}`, date: `2025-01-${String((i % 28) + 1).padStart(2, '0')}T10:00:00Z`, category: 'wirtschaft', slug: `artikel-${i}` }, body)] as const),
    )
    const store = new ContentStore({ config, source: memorySource(files, config), clock: () => new Date('2026-01-01T00:00:00Z'), logger: { info: () => {}, warn: () => {} } })
    // The in-thread renderer the store loads on first use (site/in-thread-later.ts), loaded before the 3 s start: on a busy machine its modules alone took that long.
    await import('../../src/site/renderer.js')
    const loaded = await Promise.race([store.load().then(() => 'loaded'), new Promise((resolve) => setTimeout(() => resolve('still waiting for Brotli'), 3000))])
    expect(loaded).toBe('loaded')
    const feed = store.resource('/wirtschaft/feed.xml')
    expect(feed?.identity.body.byteLength).toBeGreaterThan(16 * 1024)
    expect(feed?.encodings).toEqual({})
    gate.open()
    await store.settled()
    store.close()
    const tag = feed?.identity.etag.slice(1, -1)
    expect(feed?.encodings.gzip?.etag).toBe(`"${tag}-gz"`)
    expect(feed?.encodings.br?.etag).toBe(`"${tag}-br"`)
  })
})
