import fs from 'node:fs'
import path from 'node:path'
import { isHidden } from './files.js'

/**
 * Which `/media/` paths name a file the site serves: the parts of `encoded`
 * (as in the URL: percent-encoded, relative to MEDIA_DIR, `/`-separated),
 * decoded; undefined for a path it never serves. Refused: an empty path or
 * part, a hidden, `.` or `..` part, NUL, a backslash, an encoded slash (it
 * would be decoded into a separator: refused rather than guessed) and broken
 * percent-encoding. Whether the file is there, and inside MEDIA_DIR past any
 * symbolic link, is for servedMediaFile to find out.
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

/**
 * The regular file at `file` (a path under `root`, from servedMediaParts) as
 * `/media/` serves it: its real path and stat, or undefined when there is
 * none, it is not a regular file, or a symbolic link on the way leads
 * outside `root`. The one rule for requests and for what feeds may say of
 * a file (its length, its pixel size).
 */
export function servedMediaFile(root: string, file: string): { readonly real: string; readonly stat: fs.Stats } | undefined {
  try {
    const realRoot = fs.realpathSync(root)
    const real = fs.realpathSync(file)
    if (!real.startsWith(realRoot + path.sep)) return undefined
    const stat = fs.statSync(real)
    return stat.isFile() ? { real, stat } : undefined
  } catch {
    return undefined
  }
}
