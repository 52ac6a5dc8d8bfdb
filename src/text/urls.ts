/**
 * A site path (`/media/x.jpg` or `media/x.jpg`) or an absolute URL, as an
 * absolute URL under the site. Paths are relative to SITE_URL, so a site
 * served below a prefix (https://example.de/news/) keeps its prefix.
 */
export function siteUrlFor(siteUrl: string, pathOrUrl: string): string {
  return new URL(pathOrUrl.replace(/^\/(?!\/)/, ''), siteUrl).href
}

/** Whether a URL is absolute http(s). */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

/**
 * German-friendly URL slug: `Börsen-Beben im Überblick` → `boersen-beben-im-ueberblick`.
 * NFC first: macOS tools write file names decomposed (NFD, `o` + U+0308),
 * which the umlaut rules would otherwise miss (`borse`, not `boerse`).
 */
export function slugify(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

/** The slug rule for explicit `slug` values and category names. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
