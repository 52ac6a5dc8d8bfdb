import { createHash } from 'node:crypto'

/**
 * The parse identity of the code that runs: put into the service's bundle by
 * the build (scripts/build.mjs: parseIdentity, esbuild's `define`), a digest
 * of the bundle of the modules that read, parse and hold an article and
 * write its rows, dependencies included. Carried by the code itself, never
 * beside it: tsc's unbundled output (a build that failed after tsc wrote,
 * the tests) has none, and no copy of dist/ can pair one build's code with
 * another's identity.
 */
declare const __PARSE_IDENTITY__: string | undefined
export const BUNDLED_PARSE_IDENTITY: string | undefined = typeof __PARSE_IDENTITY__ === 'string' ? __PARSE_IDENTITY__ : undefined

/**
 * Which parsing code the service runs, for the index snapshot
 * (store/index-snapshot.ts): the parse identity (above), the Node version
 * and its ICU and time-zone data (what a `date:` without an offset means in
 * SITE_TZ: a Node built on the system's ICU takes a tzdata update without
 * another version of its own); another of any of them may parse a file
 * differently. The same source built again, or a change to feeds, pages or
 * HTTP, keeps it: a restart after such a deploy takes its articles from the
 * snapshot. Undefined without a parse identity (the service run unbuilt):
 * then no snapshot is used.
 */
export function buildIdentity(parse: string | undefined = BUNDLED_PARSE_IDENTITY): string | undefined {
  if (parse === undefined || parse === '') return undefined
  return createHash('sha256').update(JSON.stringify([parse, runtimeIdentity()])).digest('base64url')
}

/** Node's version and its ICU, time-zone and Unicode data: what else decides how a file parses and a date reads (also the export's build digest). */
export function runtimeIdentity(): string {
  const { icu, tz, unicode } = process.versions as NodeJS.ProcessVersions & { tz?: string; unicode?: string }
  return JSON.stringify([process.version, icu, tz, unicode])
}
