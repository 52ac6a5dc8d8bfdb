import { stateFile } from '../../src/ops/state-file.js'
import { articleCompactor } from '../../src/store/compact-articles.js'
import { decodeSnapshot } from '../../src/store/snapshot-format.js'

/**
 * The titles by file (sorted by file) of the index snapshot `name` in `stateDir`, as the tests' stores write it
 * (build `build-1`, the default time zone and language); or, as a string, why it holds none.
 */
export function snapshotTitles(stateDir: string, name: string, articlesDir: string, siteUrl: string): Record<string, string> | string {
  const fingerprint = { build: 'build-1', config: { ARTICLES_DIR: articlesDir, SITE_URL: siteUrl, 'time zone': 'Europe/Berlin', language: 'de' } }
  const bytes = stateFile(stateDir, name).readBytes()
  if (bytes === undefined) return 'no snapshot'
  const decoded = decodeSnapshot(bytes, fingerprint, articleCompactor())
  if ('reason' in decoded) return decoded.reason
  return Object.fromEntries([...decoded.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([file, entry]) => [file, entry.article.title]))
}
