// Reading the index snapshot at a start (index-snapshot.ts): the file, its decoding, and its bytes freed at once.
import type { Logger } from '../util/logger.js'
import type { ArticleCompactor } from './compact-articles.js'
import { decodeSnapshot, type SnapshotFile, type SnapshotFingerprint, type SnapshotRows } from './snapshot-format.js'

/** The snapshot's entries by file; none (with a line saying why) when there is none or it cannot be used. */
export function readSnapshot(file: SnapshotFile, fingerprint: SnapshotFingerprint, logger: Logger, compact: ArticleCompactor): SnapshotRows | null {
  let bytes: Buffer | undefined
  try {
    bytes = file.readBytes()
  } catch (error) {
    logger.warn(`warning STATE_DIR: cannot read the index snapshot ${file.path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); reading every file`)
    return null
  }
  if (bytes === undefined) {
    logger.info(`no index snapshot at ${file.path} yet: reading every file`)
    return null
  }
  const decoded = decodeSnapshot(bytes, fingerprint, compact)
  freeNow(bytes)
  if ('reason' in decoded) {
    logger.info(`not using the index snapshot ${file.path}: it ${decoded.reason}; reading every file`)
    return null
  }
  logger.info(`index snapshot ${file.path}: ${decoded.size} files; those unchanged since are not read again`)
  return decoded
}

/**
 * Frees the snapshot's bytes once decoded (nothing holds them: snapshot-format.ts copies what it keeps):
 * moved to an ArrayBuffer nothing references, they go with the next minor GC, during the load, rather
 * than with the next full one, after it: 26 MB of the restart's peak at 50,000 files.
 */
function freeNow(bytes: Buffer): void {
  try {
    structuredClone(bytes.buffer, { transfer: [bytes.buffer as ArrayBuffer] })
  } catch {
    // A buffer that cannot be moved (a small file: Node 20's pool below 4 KiB, Node 24's 64 KiB buffer) goes with the GC, as any other.
  }
}
