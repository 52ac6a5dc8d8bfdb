import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import type { Article } from './article.js'
import { ArticleError, type ArticleProblem } from '../errors/article-error.js'
import type { ParseArticleOptions, ParsedArticle } from './parse-article.js'
import { BUNDLED_PARSE_IDENTITY } from './build-identity.js'

/** A chunk's cell in the claims: not taken yet, read on the main thread, or read by the worker. */
export const UNCLAIMED = 0
export const BY_MAIN = 1
export const BY_WORKER = 2
/** How many chunks the worker may claim past the main thread's: what it read waits in the main thread's heap until taken. */
export const AHEAD_CHUNKS = 8

/** What the parse worker is given (parse-worker.ts). */
export interface ParseWorkerData {
  readonly root: string
  readonly files: readonly string[]
  readonly options: ParseArticleOptions
  /** One Int32 per chunk of files, who reads it (UNCLAIMED, BY_MAIN, BY_WORKER, taken with a compare-and-exchange); the last, the chunk the main thread has come to. */
  readonly claims: SharedArrayBuffer
  /** Files per chunk, sent in one message. */
  readonly chunk: number
  /** The parse identity of the code that started it (none unbuilt): the worker's own must be it, or it reads nothing. */
  readonly identity?: string
}

/** What reading one file for the index gave in the worker, with the stamp a read records (none: nothing could be opened). */
export type ReadOutcome =
  | {
      readonly kind: 'parsed'
      readonly stamp: string | undefined
      /** When the read began (ms): what makes a file read too close to its last save racy (racy-entries.ts) is when it was read, not taken. */
      readonly readAt: number
      readonly article: Article
      readonly warnings: readonly ArticleProblem[]
      readonly bodyDigest: string
    }
  | { readonly kind: 'gone'; readonly stamp: string | undefined }
  | { readonly kind: 'refused'; readonly stamp: string | undefined; readonly problems: readonly ArticleProblem[]; readonly moreProblems: number }
  /** Anything else went wrong: the main thread reads the file itself, and meets it there. */
  | { readonly kind: 'failed' }

/** The parse worker's young generation (MB): 50,000 files read with Node's default (16) added 51 MB to a first start's peak RSS. */
const YOUNG_MB = 4

/**
 * Fewer files than this are read on the main thread alone: a worker takes ~0.1 s to load its modules, and on two
 * cores 4,000 files came ~0.1 s later with it, 10,000 at the same time, 20,000 0.3 s earlier (helper-99).
 */
export const READ_AHEAD_MIN_FILES = 10_000

export interface ReadAheadOptions {
  /** The worker's module; parse-worker.js beside this one by default (dist/parse-worker.js; none beside the TypeScript sources: no worker). */
  readonly entry?: URL
  readonly minFiles?: number
  /** Files per chunk (default 16): the main thread's reads in flight (mapLimit: 64) span a few, each thread's own. */
  readonly chunk?: number
  /** The cores this process may use (default: usableCores): with one, the two threads would take turns, and it came later. */
  readonly cores?: number
  /** Hears why the worker stopped before its share was read (its files are then read on the main thread). */
  readonly onFallback?: (error: Error) => void
  /** Hears that the worker ended: its share read and sent, or it failed. */
  readonly onEnd?: () => void
  /** The parse identity the worker must have (default: this code's, BUNDLED_PARSE_IDENTITY). */
  readonly identity?: string
}

/** A load's files read ahead: `take` a file's outcome when the worker read it, or undefined to read it here. */
export interface ReadAhead {
  take(file: string): Promise<ReadOutcome | undefined> | undefined
  /** Stops the worker (the load is over, or failed). */
  stop(): void
}

/**
 * At a load that reads many files (a first start, a new build: 50,000 files
 * took 4.1 s to read, parse and digest on one thread), a worker thread reads
 * and parses some while the main thread reads the others. The list is cut
 * into chunks, each claimed by one of the two (an atomic
 * compare-and-exchange), in the list's order: the main thread claims a
 * chunk when it comes to it unclaimed, the worker the next unclaimed one,
 * never more than AHEAD_CHUNKS past the main thread's. So none is read
 * twice, what the worker read is taken soon after (not held until the end),
 * and a file is read about when the main thread would have read it (a save
 * during the load is seen as without the worker). Each outcome comes with
 * the stamp of what the worker read and when, so that the index records
 * what it would have recorded reading the file itself. A worker that fails
 * or cannot start leaves its files to the main thread.
 */
export function readAhead(root: string, files: readonly string[], parse: ParseArticleOptions, options: ReadAheadOptions = {}): ReadAhead | undefined {
  const entry = options.entry ?? new URL('./parse-worker.js', import.meta.url)
  if (files.length < (options.minFiles ?? READ_AHEAD_MIN_FILES) || (options.cores ?? usableCores()) < 2) return undefined
  if (options.entry === undefined && !fs.existsSync(entry)) return undefined
  const chunk = options.chunk ?? 16
  const chunks = Math.ceil(files.length / chunk)
  // The chunks' cells, then the one of the main thread's progress.
  const claims = new SharedArrayBuffer(4 * (chunks + 1))
  const cells = new Int32Array(claims)
  const progress = chunks
  const indexOf = new Map(files.map((file, index) => [file, index]))
  const outcomes = new Map<number, ReadOutcome>()
  const waiting = new Map<number, (outcome: ReadOutcome | undefined) => void>()
  let ended = false
  const end = (error?: Error): void => {
    if (ended) return
    ended = true
    if (error) options.onFallback?.(error)
    options.onEnd?.()
    // Claimed by the worker and never sent: read here.
    for (const resolve of waiting.values()) resolve(undefined)
    waiting.clear()
  }
  let worker: Worker
  try {
    // A small young generation: what a parse leaves is garbage at once, and the worker's heap adds to the start's peak.
    // The parse options alone: the service's configuration (its CDN token among it) stays in this thread.
    // The worker's module is loaded from disk now, maybe long after this code was (a reload): a dist/ rebuilt in place
    // since must not parse some of the files with other code than the rest (the worker compares its identity).
    const identity = options.identity ?? BUNDLED_PARSE_IDENTITY
    const workerData: ParseWorkerData = { root, files, options: { siteUrl: parse.siteUrl, timeZone: parse.timeZone, language: parse.language }, claims, chunk, identity }
    worker = new Worker(entry, { workerData, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } })
  } catch (error) {
    options.onFallback?.(error as Error)
    return undefined
  }
  worker.on('message', (batch: [number, ReadOutcome][]) => {
    for (const [index, outcome] of batch) {
      const resolve = waiting.get(index)
      if (resolve) {
        waiting.delete(index)
        resolve(outcome)
      } else outcomes.set(index, outcome)
    }
  })
  worker.on('error', (error) => end(error))
  worker.on('exit', (code) => end(code === 0 ? undefined : new Error(`the parse worker exited (code ${code})`)))
  return {
    take(file) {
      const index = indexOf.get(file)
      if (index === undefined) return undefined
      indexOf.delete(file)
      const at = Math.floor(index / chunk)
      if (at > Atomics.load(cells, progress)) {
        Atomics.store(cells, progress, at)
        Atomics.notify(cells, progress)
      }
      // Unclaimed, or claimed here: read here.
      const claimed = Atomics.compareExchange(cells, at, UNCLAIMED, BY_MAIN)
      if (claimed === UNCLAIMED || claimed === BY_MAIN) return undefined
      const outcome = outcomes.get(index)
      if (outcome) {
        outcomes.delete(index)
        return Promise.resolve(outcome)
      }
      if (ended) return undefined
      return new Promise((resolve) => waiting.set(index, resolve))
    },
    stop() {
      end()
      void worker.terminate()
    },
  }
}

/** A worker's outcome as readForIndex gives it: the article (its body's digest, not the body), or the refusal thrown. */
export function parsedOf(file: string, outcome: Exclude<ReadOutcome, { kind: 'failed' }>): ParsedArticle | undefined {
  if (outcome.kind === 'gone') return undefined
  if (outcome.kind === 'parsed') return { article: outcome.article, body: '', warnings: outcome.warnings, bodyDigest: outcome.bodyDigest, readAt: outcome.readAt }
  // The problems past those shown stand in as placeholders: the error says "and N more problems" as the worker's did.
  const more = Array.from({ length: outcome.moreProblems }, () => ({ field: 'file', problem: '' }))
  throw new ArticleError(file, [...outcome.problems, ...more])
}

/**
 * The cores this process may run on at once: those it may be scheduled on (availableParallelism), fewer where a
 * cgroup quota caps its CPU time (a container given one CPU of a larger machine). The process's cgroups come from
 * `membership` (/proc/self/cgroup); the quota of its own and of each above it counts: cgroup v2's cpu.max
 * (`100000 100000`), v1's cpu.cfs_quota_us and cpu.cfs_period_us (`-1`: none).
 */
export function usableCores(root = '/sys/fs/cgroup', membership = readOrNone('/proc/self/cgroup')): number {
  const cores = os.availableParallelism()
  let limit = Infinity
  for (const line of membership?.split('\n') ?? []) {
    const [, controllers, where] = /^\d+:([^:]*):(\/.*)$/.exec(line) ?? []
    if (controllers === undefined || where === undefined) continue
    const v1 = controllers.split(',').includes('cpu')
    if (controllers !== '' && !v1) continue
    for (let folder = where; ; folder = path.posix.dirname(folder)) {
      const at = v1 ? path.join(root, controllers, folder) : path.join(root, folder)
      // v2: `max period` in one file (`max`: none); v1: the two in two files (a quota of -1: none).
      const [max, period] = v1 ? [readNumber(path.join(at, 'cpu.cfs_quota_us')), readNumber(path.join(at, 'cpu.cfs_period_us'))] : (readOrNone(path.join(at, 'cpu.max')) ?? '').trim().split(/\s+/).map(Number)
      if (max !== undefined && period !== undefined && max > 0 && period > 0) limit = Math.min(limit, max / period)
      if (folder === '/') break
    }
  }
  return Number.isFinite(limit) ? Math.max(1, Math.min(cores, Math.floor(limit))) : cores
}

const readNumber = (file: string): number => Number(readOrNone(file) ?? NaN)

function readOrNone(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}
