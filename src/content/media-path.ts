import { isHidden } from './files.js'

/**
 * Which `/media/` paths name a file the site serves: the parts of `encoded`
 * (as in the URL: percent-encoded, relative to MEDIA_DIR, `/`-separated),
 * decoded; undefined for a path it never serves. Refused: an empty path or
 * part, a hidden, `.` or `..` part, NUL, a backslash, an encoded slash (it
 * would be decoded into a separator: refused rather than guessed) and broken
 * percent-encoding. Whether the file is there, and inside MEDIA_DIR past any
 * symbolic link, is for the caller to find out.
 */
export function servedMediaParts(encoded: string): string[] | undefined {
  if (/%2f/i.test(encoded)) return undefined
  let decoded: string
  try {
    decoded = decodeURIComponent(encoded)
  } catch {
    return undefined
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined
  const parts = decoded.split('/')
  return parts.some((part) => part === '' || isHidden(part)) ? undefined : parts
}
