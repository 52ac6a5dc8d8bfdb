import { createHash } from 'node:crypto'
import fs from 'node:fs'

/**
 * Which build of the service runs, for the index snapshot (store/index-snapshot.ts):
 * the build's stamp (dist/.build-stamp, written by every build), the
 * dependencies installed (package-lock.json beside dist/), the Node
 * version and its ICU and time-zone data (what a `date:` without an offset
 * means in SITE_TZ: a Node built on the system's ICU takes a tzdata update
 * without another version of its own); another of any of them may parse a
 * file differently. Undefined
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
  return createHash('sha256').update(JSON.stringify([stamp, read('../package-lock.json') ?? '', runtimeIdentity()])).digest('base64url')
}

/** Node's version and its ICU, time-zone and Unicode data: what else decides how a file parses and a date reads (also the export's build digest). */
export function runtimeIdentity(): string {
  const { icu, tz, unicode } = process.versions as NodeJS.ProcessVersions & { tz?: string; unicode?: string }
  return JSON.stringify([process.version, icu, tz, unicode])
}
