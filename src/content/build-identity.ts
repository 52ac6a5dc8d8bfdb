import { createHash } from 'node:crypto'
import fs from 'node:fs'

/**
 * Which build of the service runs, for the index snapshot (store/index-snapshot.ts):
 * the build's stamp (dist/.build-stamp, written by every build), the
 * dependencies installed (package-lock.json beside dist/) and the Node
 * version; another of any of them may parse a file differently. Undefined
 * when the service runs unbuilt (no stamp): then no snapshot is used.
 * `mainUrl` is the entry point's import.meta.url, in dist/.
 */
export function buildIdentity(mainUrl: string): string | undefined {
  const read = (relative: string): string | undefined => {
    try {
      return fs.readFileSync(new URL(relative, mainUrl), 'utf8')
    } catch {
      return undefined
    }
  }
  const stamp = read('./.build-stamp')
  if (stamp === undefined) return undefined
  return createHash('sha256').update(JSON.stringify([stamp, read('../package-lock.json') ?? '', process.version])).digest('base64url')
}
