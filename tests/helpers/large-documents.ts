import zlib from 'node:zlib'
import { vi, type MockInstance } from 'vitest'

/**
 * A part of a sitemap as the service writes one: 6,000 URLs, about 640 KB,
 * over INFLATED_WHEN_ASKED_BYTES (inflated-identity.ts). Each `n` gives other text.
 */
export function sitemapPartText(n: number): string {
  const urls = Array.from({ length: 6000 }, (_, i) => `<url><loc>https://www.example.de/wirtschaft/meldung-${n}-${i}-boerse-im-blick.html</loc><lastmod>2025-11-0${1 + (i % 9)}T06:30:00+01:00</lastmod></url>`)
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`
}

/**
 * An article body of about 620 KB: the feeds that carry it pass INFLATED_WHEN_ASKED_BYTES, so their identity bytes
 * are held as Brotli once compressed, and inflated for a client that takes no compression.
 */
export const LARGE_BODY = 'Die Stadt erhöht die Gebühren für Müll und Wasser. '.repeat(12_000)

/** Makes every Brotli inflate on the thread pool fail, as an answer's would if its bytes were broken; restore the spy after. */
export function failingInflates(): MockInstance<typeof zlib.brotliDecompress> {
  return vi.spyOn(zlib, 'brotliDecompress').mockImplementation(((_: unknown, __: unknown, done: (error: Error) => void) =>
    setImmediate(() => done(new Error('inflate failed')))) as unknown as typeof zlib.brotliDecompress)
}
