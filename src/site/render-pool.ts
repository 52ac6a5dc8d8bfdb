import type { ResourceLimits, Worker } from 'node:worker_threads'
import type { BodyRendering } from '../content/render-markdown.js'
import type { WorkerEntry } from '../util/held-module.js'
import type { HealthCheck } from '../util/health.js'
import { NoWorkerError } from '../util/worker-errors.js'
import { WorkerPool } from '../util/worker-pool.js'
import type { EncodedDocument } from './resource.js'
import { bodyOrPlainText, type Renderer, type RenderRequest, type RenderWorkerData, type RenderWorkerNotice } from './render-request.js'
import { RENDER_IN_THREAD_LATER, renderInThread } from './in-thread-later.js'
import { RENDER_WORKER_LIMITS } from './render-worker-limits.js'

/**
 * Time a body may take to render in a worker; a longer one is published as
 * plain text. Measured for 2 MiB bodies on a busy 2-core machine: prose
 * 0.3 s, prose full of links 1.1 s, runs of `**_` or `[a ` 8.5 s, runs of
 * `![` (the slowest Markdown found, and linear) 16 s. The limit catches
 * whatever is slower still, so that it cannot hold a worker for long.
 */
export const BODY_TIME_LIMIT_MS = 20_000

/**
 * From this length of a body's HTML its article page renders in the workers
 * in the service too: encoded, hashed and stripped of what XML forbids in the
 * main thread, a 10 MB page (2 MiB of `&`, each `&amp;`) held the event loop
 * 100–160 ms. An article's body is tens of KB.
 */
export const PAGE_IN_WORKER_CHARS = 512 * 1024

export interface RenderPoolOptions {
  /** Worker threads at most (default 2). */
  readonly size?: number
  readonly bodyTimeLimitMs?: number
  /** Each worker's heap limits (default RENDER_WORKER_LIMITS): one that reaches them ends, and its body is published as plain text. */
  readonly resourceLimits?: ResourceLimits
  /** The worker's module; by default render-worker.js beside this one, read from disk at each worker's start (the service holds it: main.ts). */
  readonly entry?: WorkerEntry
  /**
   * Workers yield the CPU to the event loop (default true). The export, which
   * answers no request, renders at the priority of its process (false); the
   * service too until it answers requests, then they yield ('once serving':
   * serving()). Before the first feed there is no request to yield to, and
   * at nice 19 on a busy machine the first site's rendering waited most of
   * the start (issue 14: 50,000 articles at load 12–15, 27–45 s).
   */
  readonly lowPriority?: boolean | 'once serving'
  /** Start the workers at once instead of on the first render (the service and the export: they load while the articles do). */
  readonly eager?: boolean
  /**
   * Article pages render, hash and compress in the workers too (Renderer.articlePage): the export's
   * (issue 14: 1–2 ms a page on its main thread set its pace while the workers idled three quarters of the time).
   * The service renders a page on its first request, in its own thread, without a round trip to a nice-19 worker,
   * unless its body is large (PAGE_IN_WORKER_CHARS).
   */
  readonly pages?: boolean
  /**
   * One worker until serving(), then up to `size`, each more started the first time a task finds every one busy (the
   * service: a restart's first site renders on one, and its memory holds one worker's heap, ~20 MB, the fewer until
   * work overlaps; issue 14).
   */
  readonly oneUntilServing?: boolean
  /** Hears why a render worker started beside another could not start (WorkerPoolOptions.onSpareFailed): the pool renders on one. */
  readonly onSpareFailed?: (error: Error) => void
  /** Workers of the default entry already started, with the priority `lowPriority` starts them at and the limits (site/early-workers.ts): taken first. */
  readonly started?: readonly Worker[]
  /**
   * Given (the export), what no worker can run (NoWorkerError) renders in this thread as a worker would: bodies as
   * written, not as plain text (`passing` is the service's, which renders them again once workers recover; an export
   * that wrote them would publish them as the article's text), article pages too; a body with no time limit here (one
   * a worker would cut at `bodyTimeLimitMs` renders whole). Hears why, the first time.
   */
  readonly inThreadWithoutWorkers?: (failure: NoWorkerError) => void
}

/** A renderer whose work runs in worker threads; close() stops them. Its problem (health): no worker can start, or each ends on its first task. */
export interface RenderPool extends Renderer, HealthCheck {
  /** Requests are answered from now on: workers started with lowPriority 'once serving' yield to the event loop from their next task on. */
  serving(): void
  close(): Promise<void>
}

/**
 * Renders bodies and feed documents in worker threads (render-worker.ts):
 * the service's event loop only hands the work over and takes the text back,
 * however large or pathological an article file is. A body that takes longer
 * than the time limit, or fails, is published as plain text.
 */
export function createRenderPool(options: RenderPoolOptions = {}): RenderPool {
  const lowPriority = options.lowPriority ?? true
  const recovered: (() => void)[] = []
  /** Whether a body was published as plain text (passing, or a worker ended on it) since workers last recovered. */
  let plainMeanwhile = false
  const pool = new WorkerPool<RenderRequest, BodyRendering | Uint8Array | EncodedDocument>({
    entry: options.entry ?? new URL('./render-worker.js', import.meta.url),
    size: options.size,
    workerData: { lowPriority: lowPriority === true } satisfies RenderWorkerData,
    resourceLimits: options.resourceLimits ?? RENDER_WORKER_LIMITS,
    started: options.started,
    sizeAtFirst: options.oneUntilServing ? 1 : undefined,
    onSpareFailed: options.onSpareFailed,
    // A worker works after none could (a probe after a pause, WorkerPool): bodies published as plain text meanwhile render
    // again. None was (documents only, rendered here as a worker would): no one is told, nothing rendered again nor purged.
    onStarted: () => {
      if (plainMeanwhile) recovered.forEach((listener) => listener())
      plainMeanwhile = false
    },
    // What a probe renders after workers ended on their first task: its answer says they render again.
    check: { kind: 'body', markdown: 'Ein *Absatz*.', articleUrl: 'https://example.org/', siteUrl: 'https://example.org/' } satisfies RenderRequest,
  })
  let yielding = lowPriority !== 'once serving'
  if (options.eager) pool.start()
  const timeLimit = options.bodyTimeLimitMs ?? BODY_TIME_LIMIT_MS
  let told = false
  /** Renders `request` in this thread, no worker being able to (`failure`): `inThreadWithoutWorkers` hears why, once. */
  const inThread = async (request: RenderRequest, failure: NoWorkerError): Promise<BodyRendering | string> => {
    if (!told) options.inThreadWithoutWorkers?.(failure)
    told = true
    return renderInThread(request)
  }
  // Documents come back encoded, their bytes moved rather than copied: the event loop never touches their text.
  // When no worker can start, or each ends on its first task (NoWorkerError), a document is rendered in this thread (its
  // size is the index's, not a file's: the service's event loop holds a few milliseconds to ~100 at 50,000 articles), a
  // body as plain text (bodyOrPlainText) unless `inThreadWithoutWorkers`.
  const here = async (request: RenderRequest, timeLimitMs?: number): Promise<BodyRendering | Uint8Array | EncodedDocument | string> => {
    try {
      return await pool.run(request, timeLimitMs)
    } catch (error) {
      if (error instanceof NoWorkerError) return inThread(request, error)
      throw error
    }
  }
  const bytes = async (request: RenderRequest): Promise<string | Uint8Array> => (await here(request)) as string | Uint8Array
  const wholeBodies = options.inThreadWithoutWorkers !== undefined
  return {
    body: async (markdown, articleUrl, siteUrl) => {
      const request = { kind: 'body', markdown, articleUrl, siteUrl } as const
      const done = await bodyOrPlainText(
        markdown,
        async () => (await (wholeBodies ? here(request, timeLimit) : pool.run(request, timeLimit))) as BodyRendering,
        async () => (await pool.run({ ...request, plain: true })) as BodyRendering,
        wholeBodies ? async (failure) => (await inThread(request, failure)) as BodyRendering : undefined,
      )
      if (done.passing || done.workerFailed) plainMeanwhile = true
      return done
    },
    feed: (document, format) => bytes({ kind: 'feed', document, format }),
    podcast: (document) => bytes({ kind: 'podcast', document }),
    feedPage: (document, format, context) => bytes({ kind: 'feed page', document, format, context }),
    podcastPage: (document, context) => bytes({ kind: 'podcast page', document, context }),
    // Without workers, the page's text: createResource hashes and compresses it as the worker does (the same bytes).
    // A plus article's page shows no body. A worker that ends on a page leaves it to this thread (undefined), as before.
    articlePage: async (page) =>
      options.pages || (page.html.length >= PAGE_IN_WORKER_CHARS && (page.transcript || page.article.access !== 'plus'))
        ? ((await here({ kind: 'article page', ...page }).catch(() => undefined)) as EncodedDocument | string | undefined)
        : undefined,
    // Never a body: Markdown of 4 KiB took 80 ms (runs of `![`, load 13); a document of 32 Ki characters 1–2 ms (10 at load 13).
    small: RENDER_IN_THREAD_LATER,
    serving: () => {
      if (!yielding) pool.notify({ lowPriority: true } satisfies RenderWorkerNotice, { lowPriority: true } satisfies RenderWorkerData)
      yielding = true
      // Workers started from now on get the notice as their workerData. The second starts the first time a task finds
      // the first busy, and takes tasks once loaded: a restart that is not edited holds one heap the fewer (issue 14).
      if (options.oneUntilServing) pool.widen(false)
    },
    problems: () => {
      const failure = pool.startFailure
      const bodies = wholeBodies ? 'bodies and article pages too' : 'bodies are published as plain text'
      return failure ? [`render workers: ${failure.message}; documents render in the main thread, ${bodies}`] : []
    },
    onRecovered: (listener) => void recovered.push(listener),
    close: () => pool.close(),
  }
}
