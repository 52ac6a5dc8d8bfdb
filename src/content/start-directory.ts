import fs from 'node:fs'
import path from 'node:path'

/**
 * The directory the service starts in, as the shell named it: `$PWD` when it
 * is that directory (the same device and inode), else the real path. Started
 * in `/srv/app/current` (`npm start` keeps `$PWD`), a relative ARTICLES_DIR,
 * MEDIA_DIR, STATE_DIR or SITE_CONFIG then leads through `current`, to the
 * release a deploy swaps in, not into `releases/C`: a review found
 * ARTICLES_DIR missing, and the subscriber history written into a deleted
 * folder, once the release it was started in was removed. `pwd -L` does the same.
 */
export function startDirectory(pwd: string | undefined, real: string = process.cwd()): string {
  if (pwd === undefined || !path.isAbsolute(pwd) || pwd === real) return real
  // As `pwd -L`: not with `.` or `..` in it. Checked on disk, `current/..` is the folder the link leads into's parent; normalized, another.
  if (pwd.split('/').some((part) => part === '.' || part === '..')) return real
  try {
    const named = fs.statSync(pwd)
    const actual = fs.statSync(real)
    return named.dev === actual.dev && named.ino === actual.ino ? path.normalize(pwd) : real
  } catch {
    return real
  }
}
