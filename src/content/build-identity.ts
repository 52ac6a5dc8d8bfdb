import { createHash } from 'node:crypto'
import fs from 'node:fs'

/**
 * Which parsing code the service runs, for the index snapshot
 * (store/index-snapshot.ts): the parse identity (dist/.parse-identity,
 * written by every build: a digest of the bundle of the modules that read,
 * parse and hold an article and write its rows, dependencies included;
 * scripts/build.mjs), the Node version and its ICU and time-zone data (what
 * a `date:` without an offset means in SITE_TZ: a Node built on the system's
 * ICU takes a tzdata update without another version of its own); another of
 * any of them may parse a file differently. The same source built again, or
 * a change to feeds, pages or HTTP, keeps it: a restart after such a deploy
 * takes its articles from the snapshot. Undefined when the service runs
 * unbuilt (no parse identity): then no snapshot is used.
 * `mainUrl` is the entry point's import.meta.url, in dist/.
 */
export function buildIdentity(mainUrl: string): string | undefined {
  let parse: string
  try {
    parse = fs.readFileSync(new URL('./.parse-identity', mainUrl), 'utf8')
  } catch {
    return undefined
  }
  if (parse.trim() === '') return undefined
  return createHash('sha256').update(JSON.stringify([parse, runtimeIdentity()])).digest('base64url')
}

/** Node's version and its ICU, time-zone and Unicode data: what else decides how a file parses and a date reads (also the export's build digest). */
export function runtimeIdentity(): string {
  const { icu, tz, unicode } = process.versions as NodeJS.ProcessVersions & { tz?: string; unicode?: string }
  return JSON.stringify([process.version, icu, tz, unicode])
}
