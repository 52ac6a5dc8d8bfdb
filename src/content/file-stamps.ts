import fs from 'node:fs'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { hasBadBytes } from '../text/file-names.js'
import { pathUnder } from './files.js'

/**
 * What changes whenever a file's content does: a save (mtime, size), a
 * replacement by rename (inode, ctime) or a change of permissions (ctime).
 */
export function stampOf(stat: fs.Stats): string {
  // One flat string: a template literal is a tree of pieces (7 of 32 bytes each, beside the text) that V8 keeps
  // as it is, 50,000 times over in the stamps a load and a rescan hold; join writes the text once.
  return [stat.ino, stat.size, stat.mtimeMs, stat.ctimeMs].join(':')
}

/** The stamp of `file` under `root` as it is now (a link: of what it leads to); undefined when it cannot be stat'ed. */
export function stampFile(root: string, file: string): string | undefined {
  return stampAt(pathUnder(root, file))
}

/**
 * stampFile of a file this process may read (undefined otherwise): an index
 * snapshot takes a file by its stamp without reading it, and must not take
 * one the service can no longer read (started as another user, a group or
 * ACL taken away: nothing in the stamp changes), which a read would refuse.
 */
export function readableStamp(root: string, file: string): string | undefined {
  return readableStampAt(pathUnder(root, file))
}

/** The user this process reads files as (none on Windows: access() decides there). */
const READER = process.geteuid?.()

/**
 * One stat, and an `access` only for a file this process does not own (or
 * owns without its read bit): for its owner the kernel decides by the owner's
 * bits alone (an ACL never narrows them), as the read would. At a restart
 * over 50,000 files of the service's own, 50,000 calls fewer.
 */
function readableStampAt(where: string | Buffer): string | undefined {
  let stat: fs.Stats | undefined
  try {
    stat = fs.statSync(where, { throwIfNoEntry: false })
    if (stat === undefined) return undefined
    if (stat.uid !== READER || (stat.mode & 0o400) === 0) fs.accessSync(where, fs.constants.R_OK)
  } catch {
    return undefined
  }
  return stampOf(stat)
}

function stampAt(where: string | Buffer): string | undefined {
  try {
    return stampOf(fs.statSync(where))
  } catch {
    return undefined
  }
}

/** A path segment that is empty, `.` or `..`: path.join would change the path. */
const UNNORMAL = /(^|\/)\.{0,2}(\/|$)/

/**
 * readableStamp of each of `files`, one line each (empty for none): what
 * stamp-worker.ts sends, one string per chunk (the structured clone of an
 * array of 2,048 strings cost more than the stats). A path as the listing
 * gives it is joined to the root by concatenation: path.join normalising
 * each again took a third of the worker's time at 50,000 files.
 */
export function readableStampLines(root: string, files: readonly string[]): string {
  const base = path.join(root, '/')
  return files.map((file) => readableStampAt(hasBadBytes(file) || UNNORMAL.test(file) ? pathUnder(root, file) : base + file) ?? '').join('\n')
}

/** The young generation of a stamp worker (MB). */
const YOUNG_MB = 4

/** What stamp-worker.ts is given. */
export interface StampWorkerData {
  readonly root: string
  readonly files: readonly string[]
  /** Stamps per message. */
  readonly chunk: number
}

export interface StampFilesOptions {
  /** The worker's module; by default stamp-worker.js beside this one (none beside the TypeScript sources: stamped on this thread). */
  readonly entry?: URL
  /** Called when the worker cannot be started or fails: the files it has not stamped are stamped on this thread. */
  readonly onFallback?: (error: Error) => void
  /** Stamps per chunk (default 2048). */
  readonly chunk?: number
  /** Stops the workers (the stamps are not wanted after all). */
  readonly signal?: AbortSignal
  /**
   * Worker threads, each stamping a run of the files (default 1: the main thread decodes on one of the two cores meanwhile;
   * a second worker cost a Node start-up, ~60 ms of CPU, and three threads shared two cores: issue 14).
   */
  readonly workers?: number
}

/**
 * readableStamp of each of `files` under `root`, in order, in chunks, taken
 * by worker threads (stamp-worker.ts; the files in `workers` runs, one
 * worker each) while this one goes on: at a restart over 50,000 files the
 * `access` and `stat` per file took 1.1–1.35 s of the main thread (issue
 * 14; now a stat, and an `access` only for another's file), which meanwhile decodes the index snapshot and takes the files whose
 * chunks have come. Each stamp is taken after the call, as stampNow's: never
 * older than the files at the start. A worker that cannot start or fails
 * costs its files a stamp on this thread (onFallback hears it once).
 */
export function stampFiles(root: string, files: readonly string[], options: StampFilesOptions = {}): AsyncIterable<readonly (string | undefined)[]> {
  const { onFallback } = options
  let told = false
  const once = (error: Error): void => void (told || ((told = true), onFallback?.(error)))
  const size = Math.ceil(files.length / (options.workers ?? 1))
  const runs: AsyncIterable<readonly (string | undefined)[]>[] = []
  for (let from = 0; from < files.length; from += size) runs.push(stampRun(root, files.slice(from, from + size), { ...options, onFallback: once }))
  return (async function* () {
    for (const run of runs) yield* run
  })()
}

/** stampFiles of one run of files, by one worker. */
function stampRun(root: string, files: readonly string[], options: StampFilesOptions): AsyncIterable<readonly (string | undefined)[]> {
  const chunk = options.chunk ?? 2048
  const entry = options.entry ?? new URL('./stamp-worker.js', import.meta.url)
  const chunks: string[] = []
  let failed: Error | undefined
  let wake: (() => void) | undefined
  const stop = (error: Error): void => ((failed ??= error), wake?.())
  let worker: Worker | undefined
  // Run from the TypeScript sources (tests) there is no worker module beside this one: no worker is expected.
  const expected = files.length > 0 && (options.entry !== undefined || fs.existsSync(entry))
  if (expected) {
    try {
      // A small young generation: what a stamp leaves is garbage at once, and a worker's heap adds to the service's peak RSS.
      worker = new Worker(entry, { workerData: { root, files, chunk } satisfies StampWorkerData, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } })
      // Kept as the one string that came until the chunk is taken: 2,048 strings each would wait in the heap meanwhile.
      worker.on('message', (lines: string) => (chunks.push(lines), wake?.()))
      worker.on('error', stop)
      worker.on('exit', (code) => stop(new Error(`the stamp worker exited (code ${code})`)))
      options.signal?.addEventListener('abort', () => void worker?.terminate(), { once: true })
    } catch (error) {
      stop(error as Error)
    }
  } else failed = new Error('no worker')
  let given = 0
  // Started above, at the call: not at the first chunk asked for.
  return (async function* () {
    try {
      while (given < files.length) {
        const lines = chunks.shift()
        const stamps = lines !== undefined ? lines.split('\n').map((line) => line || undefined) : failed ? fallback() : undefined
        if (stamps) {
          given += stamps.length
          yield stamps
        } else await new Promise<void>((resolve) => (wake = resolve))
      }
    } finally {
      void worker?.terminate()
    }
  })()

  function fallback(): readonly (string | undefined)[] {
    if (expected) options.onFallback?.(failed as Error)
    return files.slice(given, given + chunk).map((file) => readableStamp(root, file))
  }
}
