import { createHash } from 'node:crypto'
import path from 'node:path'
import { ANY_KEY } from './cache-keys.js'

/**
 * What the static export (src/export.ts) knows of the last export into a
 * folder, from its manifest: the files it wrote, their stamps, and what each
 * document was made of. Pure: export.ts reads and writes the file.
 */
export interface Manifest {
  /** The manifest's text as read ('' when there was none). */
  readonly text: string
  readonly files: string[]
  /** Of each document: its SHA-256 tag and the sizes of its files; of each media copy: its original's size and time. */
  readonly stamps: ReadonlyMap<string, string>
  /** Of each document: its inputDigest and the cache keys it shows, space-separated (keys hold no space). */
  readonly inputs: ReadonlyMap<string, string>
  /** Of each file written: its modification time in nanoseconds, as the export left it (none in a manifest before version 4). */
  readonly times: ReadonlyMap<string, string>
  /** Why the text is no manifest (a truncated write, an edit by hand): then nothing is known of the last export. */
  readonly problem?: string
}

/**
 * What an export writes: a media copy, or a document (with its `.gz` and
 * `.br`). Names read from a manifest of the old form are only taken when
 * they look so.
 */
const EXPORTED_NAME = /^(media\/.+|.+\.(html|xml|json|opml|css|xsl)(\.gz|\.br)?)$/

/** The manifest `text` (JSON, or the old form of one name a line) as a Manifest. */
export function parseManifest(text: string): Manifest {
  let listed: unknown[]
  let stamps: unknown
  let inputs: unknown
  let times: unknown
  let problem: string | undefined
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      const manifest = JSON.parse(text) as { files?: unknown; stamps?: unknown; inputs?: unknown; times?: unknown }
      listed = Array.isArray(manifest.files) ? manifest.files : []
      if (!Array.isArray(manifest.files)) problem = 'is JSON without a list of files'
      stamps = manifest.stamps
      inputs = manifest.inputs
      times = manifest.times
    } catch (error) {
      listed = [] // Unreadable: removing nothing is the safe mistake.
      problem = `is not JSON (${(error as Error).message})`
    }
  } else {
    // The old form, one name a line, was written until the JSON form replaced
    // it: a media file name with a line break in it was listed as two names,
    // the second an operator's file. Read once, for the export that upgrades.
    listed = text.split('\n').filter((line) => EXPORTED_NAME.test(line))
    if (listed.length === 0 && text.trim() !== '') problem = 'is neither JSON nor a list of exported files'
  }
  // Only plain relative paths: a manifest edited by hand must not point outside.
  const files = listed.filter((file): file is string => typeof file === 'string' && file !== '' && !path.isAbsolute(file) && !file.split('/').includes('..'))
  const strings = (map: unknown) =>
    new Map((typeof map === 'object' && map !== null ? Object.entries(map) : []).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
  return { text, files, stamps: strings(stamps), inputs: strings(inputs), times: strings(times), ...(problem !== undefined && { problem }) }
}

/** What inputDigest compares against: the build, the version of every cache key of the current site, each media file's size and time. */
export interface Inputs {
  /** A digest of the code, its dependencies and the configuration (export.ts buildStamp). */
  readonly build: string
  readonly versions: ReadonlyMap<string, string>
  /** By media key (mediaKey): the file's size and modification time. */
  readonly media: ReadonlyMap<string, string>
}

/**
 * What a document was made of, by the cache keys it shows (cache-keys.ts): a
 * digest of the build, of the version of each key now and, of each media
 * file named, its size and time (both, for a key that has both). A CDN purges a cached document exactly when
 * one of its keys' versions changes, so keys whose versions are all the same
 * mean the same bytes; a document that names ANY_KEY has none (always made).
 */
export function inputDigest(inputs: Inputs, keys: readonly string[], variant = ''): string | undefined {
  if (keys.includes(ANY_KEY)) return undefined
  const hash = createHash('sha256').update(inputs.build)
  // What the keys do not show but the bytes depend on (export.ts: an archive page compressed as the newest or not).
  if (variant !== '') hash.update(`\nvariant ${variant}`)
  // Both, where a key has both: an episode's audio is versioned by its access (key-versions.ts mediaAccessVersions), and
  // its size, which every feed states as the enclosure's length, is the file's (a replaced file kept the old length).
  for (const key of keys) hash.update(`\n${key} ${inputs.versions.get(key) ?? '-'} ${inputs.media.get(key) ?? '-'}`)
  return hash.digest('hex')
}
