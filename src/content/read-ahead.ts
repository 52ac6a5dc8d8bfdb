import fs from 'node:fs'
import { Worker } from 'node:worker_threads'
import type { Article } from './article.js'
import { ArticleError, type ArticleProblem } from '../errors/article-error.js'
import type { ParseArticleOptions, ParsedArticle } from './parse-article.js'

/** A file's slot in the claims: not taken yet, read on the main thread, or read by the worker. */
export const UNCLAIMED = 0
export const BY_MAIN = 1
export const BY_WORKER = 2

/** What the parse worker is given (parse-worker.ts). */
export interface ParseWorkerData {
  readonly root: string
  readonly files: readonly string[]
  readonly options: ParseArticleOptions
  /** One Int32 per file: who reads it (UNCLAIMED, BY_MAIN, BY_WORKER), each taken with a compare-and-exchange. */
  readonly claims: SharedArrayBuffer
  /** Outcomes per message. */
  readonly batch: number
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

/** Fewer files than this are read on the main thread alone: a worker takes ~0.1 s to load its modules. */
export const READ_AHEAD_MIN_FILES = 4000

export interface ReadAheadOptions {
  /** The worker's module; dist/content/parse-worker.js by default (none beside the TypeScript sources: no worker). */
  readonly entry?: URL
  readonly minFiles?: number
  readonly batch?: number
  /** Hears why the worker stopped before its share was read (its files are then read on the main thread). */
  readonly onFallback?: (error: Error) => void
  /** Hears that the worker ended: its share read and sent, or it failed. */
  readonly onEnd?: () => void
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
 * and parses them from the end of the list while the main thread reads from
 * its start: each file is claimed by one of the two (an atomic
 * compare-and-exchange), so they meet wherever their pace puts them and
 * none is read twice. The worker's outcomes come in batches, each with the
 * stamp of what it read, so that the index records what it would have
 * recorded reading the file itself. A worker that fails or cannot start
 * leaves its files to the main thread.
 */
export function readAhead(root: string, files: readonly string[], parse: ParseArticleOptions, options: ReadAheadOptions = {}): ReadAhead | undefined {
  const entry = options.entry ?? new URL('./parse-worker.js', import.meta.url)
  if (files.length < (options.minFiles ?? READ_AHEAD_MIN_FILES) || (options.entry === undefined && !fs.existsSync(entry))) return undefined
  const claims = new SharedArrayBuffer(4 * files.length)
  const claimed = new Int32Array(claims)
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
    const workerData: ParseWorkerData = { root, files, options: parse, claims, batch: options.batch ?? 64 }
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
      // Taken here first (or never): read here.
      if (Atomics.compareExchange(claimed, index, UNCLAIMED, BY_MAIN) === UNCLAIMED) return undefined
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
