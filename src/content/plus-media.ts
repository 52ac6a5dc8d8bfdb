import { siteUrlFor } from '../text/urls.js'
import type { Article } from './article.js'

/**
 * Media files of plus articles, which the public never gets (issue 13): an
 * episode's audio or video and its transcript file. They are not served
 * under /media/ (404, as if absent) and not copied by the static export;
 * subscribers get them under their token path.
 *
 * Known by the URL path an article gives them, compared as `mediaPathKey`
 * writes it: percent-decoded, in Unicode NFC and lower case, so that no
 * other spelling of the same request (`%2D` for `-`, `PLUS.mp3` on a
 * case-insensitive file system, NFD from macOS) reaches the file. Withholding
 * a free file whose name differs only in case is the safe mistake.
 */
export function plusMediaKeys(article: Pick<Article, 'access' | 'enclosure' | 'transcript'>): string[] {
  if (article.access === 'free') return []
  const urls = [article.enclosure?.url, typeof article.transcript === 'object' ? article.transcript.url : undefined]
  return urls.flatMap((url) => {
    const key = url === undefined ? undefined : mediaPathKey(url)
    return key === undefined ? [] : [key]
  })
}

/** The key of an absolute URL's path (see plusMediaKeys); as written when it cannot be decoded. Undefined for no URL. */
export function mediaPathKey(url: string): string | undefined {
  let pathname: string
  try {
    pathname = new URL(url).pathname
  } catch {
    return undefined
  }
  try {
    pathname = decodeURIComponent(pathname)
  } catch {
    // Kept as written: withheld all the same.
  }
  return pathname.normalize('NFC').toLowerCase()
}

/**
 * The folder under MEDIA_DIR whose files are never public, whatever the
 * articles say: plus audio put there stays withheld even while its article
 * is refused (a plus article without a summary) and so names nothing.
 */
export const PLUS_MEDIA_FOLDER = 'plus'

/**
 * A free article's audio or transcript file in the plus/ folder, as problems
 * (`[field, URL]` each): /media/ never serves it, so its podcast
 * item and download link would answer 404 (a plus article turned free with
 * its audio left there). Refused, so a running service keeps the plus version.
 */
// Not the path as written: a log line's redaction (text/redact.ts) takes what follows `/plus/` for a token.
export function plusFolderProblems(siteUrl: string, files: readonly (readonly [string, string | undefined])[]): { field: string; problem: string }[] {
  const folder = plusFolderKey(siteUrl)
  return files.flatMap(([field, url]) =>
    url !== undefined && mediaPathKey(url)?.startsWith(folder)
      ? [{ field, problem: `names a file in the plus folder of MEDIA_DIR, which is never public: set access: plus, or move the file out of that folder` }]
      : [],
  )
}

/**
 * Whether /media/ withholds the file at `relative` (URL-encoded as requested,
 * relative to MEDIA_DIR): it lies in the `plus/` folder (`plusFolder`, plusFolderKey), or a known plus
 * article names it (`isPlusMedia`, by mediaPathKey).
 */
export function isWithheldMedia(siteUrl: string, plusFolder: string, relative: string, isPlusMedia: (key: string) => boolean): boolean {
  const key = mediaPathKey(siteUrlFor(siteUrl, `/media/${relative}`))
  if (key === undefined) return true
  return key.startsWith(plusFolder) || isPlusMedia(key)
}

/** The mediaPathKey every file of the `plus/` folder starts with (`plusFolder` above): one per site, worked out once. */
export function plusFolderKey(siteUrl: string): string {
  return mediaPathKey(siteUrlFor(siteUrl, `/media/${PLUS_MEDIA_FOLDER}/`)) as string
}
