/**
 * A part of a sitemap as the service writes one: 6,000 URLs, about 640 KB,
 * over INFLATED_WHEN_ASKED_BYTES (inflated-identity.ts). Each `n` gives other text.
 */
export function sitemapPartText(n: number): string {
  const urls = Array.from({ length: 6000 }, (_, i) => `<url><loc>https://www.example.de/wirtschaft/meldung-${n}-${i}-boerse-im-blick.html</loc><lastmod>2025-11-0${1 + (i % 9)}T06:30:00+01:00</lastmod></url>`)
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`
}
