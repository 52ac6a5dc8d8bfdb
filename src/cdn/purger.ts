import { NO_DELIVERY_COUNTER, type DeliveryCounter } from '../util/delivery-counter.js'
import type { HealthCheck } from '../util/health.js'
import type { Logger } from '../util/logger.js'
import { SerialTask } from '../util/serial-task.js'
import { isMediaKey, MEDIA_KEY, SITE_KEY } from '../site/cache-keys.js'
import { DOCUMENT_KEY } from './cdn-headers.js'
import { batchesOf, type PurgeClient } from './purge-clients.js'

/**
 * Requests' worth of keys beyond which every document is purged instead
 * (DOCUMENT_KEY, which every document but a media file carries, with the
 * media keys among them): a bulk change, or the keys of a long outage of the
 * CDN's API, would otherwise take dozens of requests, and Cloudflare's free
 * plan allows 5 purges a minute with a bucket of 25
 * (https://developers.cloudflare.com/cache/how-to/purge-cache/). It also
 * bounds what waits while the API is down.
 */
export const MAX_PURGE_REQUESTS = 16

export interface PurgerOptions {
  readonly client: PurgeClient
  readonly logger: Logger
  /** Wait before the first retry; each further retry waits twice as long, up to maxRetryDelayMs. */
  readonly retryDelayMs?: number
  readonly maxRetryDelayMs?: number
  /** Gives up on one request after this long (and retries it). */
  readonly timeoutMs?: number
  readonly fetch?: typeof fetch
  /** Where each request and each failed one is counted (metrics); nowhere by default. */
  readonly deliveries?: DeliveryCounter
}

/**
 * Purges cache keys from the CDN, in the background: keys are sent in
 * batches within the API's limits (purge-clients.ts), one request at a time;
 * keys whose request failed are sent again with the next keys, after 1 s,
 * 2 s, 4 s … (at most a minute apart; a 429's Retry-After is honoured),
 * until they are through. Keys that would take more than MAX_PURGE_REQUESTS
 * requests are replaced by DOCUMENT_KEY and their media keys; any with
 * SITE_KEY among them by SITE_KEY alone. Publishing never waits for it.
 * problems() says what failed while keys are waiting: for /healthz.
 */
export class Purger implements HealthCheck {
  readonly #options: Required<Omit<PurgerOptions, 'fetch'>> & { fetch: typeof fetch }
  /** Keys waiting to be sent, in the order they came. */
  #pending = new Set<string>()
  readonly #flushes = new SerialTask(() => this.#flush())
  #failures = 0
  #retry: NodeJS.Timeout | undefined
  #problem: string | undefined
  #closed = false
  /** Whether a run asked for before close() is still to send the keys queued then. */
  #lastRun = false

  constructor(options: PurgerOptions) {
    this.#options = { retryDelayMs: 1000, maxRetryDelayMs: 60_000, timeoutMs: 10_000, fetch: globalThis.fetch, deliveries: NO_DELIVERY_COUNTER, ...options }
  }

  /**
   * Queues keys for purging. Resolves (never rejects) once a first attempt
   * for them was made, sent or failed: what the WebSub ping waits for.
   */
  purge(keys: Iterable<string>): Promise<void> {
    // Closed: nothing is sent any more (close()), nor said of what would have been; kept, so that delivered() says so.
    if (this.#closed) {
      for (const key of keys) this.#pending.add(key)
      return Promise.resolve()
    }
    for (const key of keys) this.#pending.add(key)
    this.#coverWhenMany()
    if (this.#pending.size === 0) return Promise.resolve()
    return this.#flushes.run()
  }

  /** What went wrong with the keys still waiting; empty: the CDN holds nothing stale that we know of. */
  problems(): readonly string[] {
    return this.#problem === undefined ? [] : [this.#problem]
  }

  /** Resolves when no request is in flight (tests, shutdown). A retry waiting is not waited for. */
  async idle(): Promise<void> {
    while (this.#flushes.running) await this.#flushes.running
  }

  /** Whether every key queued went through: none waits, for a retry, behind a request in flight, or came after close(). */
  delivered(): boolean {
    return this.#pending.size === 0 && !this.#flushes.running
  }

  /**
   * Cancels the retry waiting; keys not sent stay unsent. Keys queued behind the request in flight go in one more run
   * (idle() waits for it): a stop's purges (ChangePurges.now(), one purge() a change) went no further than the first
   * change's, delivered() stayed false, and the next start purged the whole site (a hostile review).
   */
  close(): void {
    this.#closed = true
    this.#lastRun = this.#flushes.running !== undefined && this.#pending.size > 0
    clearTimeout(this.#retry)
  }

  async #flush(): Promise<void> {
    if (this.#closed && !this.#lastRun) return
    this.#lastRun = false
    clearTimeout(this.#retry)
    this.#retry = undefined
    const keys = [...this.#pending]
    this.#pending = new Set()
    const { client, logger } = this.#options
    let failed: { keys: string[]; problem: string; retryAfterMs: number | undefined } | undefined
    for (const batch of batchesOf(keys, client)) {
      if (failed) {
        failed.keys.push(...batch)
        continue
      }
      const outcome = await this.#send(batch)
      if (outcome === undefined) logger.info(`purge: purged ${batch.length} key(s) at ${client.target}`, { target: client.target, attempt: this.#failures + 1 })
      else failed = { keys: [...batch], ...outcome }
    }
    if (!failed) {
      if (this.#failures > 0) logger.info(`purge: ${client.target} purges again after ${this.#failures} failed attempt(s)`, { target: client.target, attempt: this.#failures + 1 })
      this.#failures = 0
      if (this.#pending.size === 0) this.#problem = undefined
      return
    }
    // Sent again first, with whatever came meanwhile.
    this.#pending = new Set([...failed.keys, ...this.#pending])
    this.#coverWhenMany()
    this.#failures += 1
    const backoff = Math.min(this.#options.retryDelayMs * 2 ** (this.#failures - 1), this.#options.maxRetryDelayMs)
    const delay = Math.max(backoff, Math.min(failed.retryAfterMs ?? 0, this.#options.maxRetryDelayMs))
    const what = this.#pending.has(SITE_KEY) ? `the whole site (key ${SITE_KEY})` : this.#pending.has(DOCUMENT_KEY) ? everyDocument(this.#pending.size - 1) : `${this.#pending.size} cache key(s)`
    this.#problem = `purging ${what} at ${client.target} failed ${this.#failures} time(s) (${failed.problem}); the CDN may serve stale copies of them until a retry succeeds`
    logger.warn(`purge: ${failed.keys.length} key(s) at ${client.target} failed (${failed.problem}); retry in ${delay} ms`, {
      target: client.target,
      attempt: this.#failures,
      problem: failed.problem,
      retryInMs: delay,
    })
    if (this.#closed) return
    this.#retry = setTimeout(() => void this.#flushes.run(), delay)
    this.#retry.unref?.()
  }

  /**
   * The keys waiting, in as few as cover them: SITE_KEY alone when it is among them; DOCUMENT_KEY and the media keys
   * among them (MEDIA_KEY for more than one request of those) when they would take more than MAX_PURGE_REQUESTS
   * requests, or DOCUMENT_KEY already waits.
   */
  #coverWhenMany(): void {
    const pending = this.#pending
    const client = this.#options.client
    if (pending.has(SITE_KEY)) {
      if (pending.size > 1) this.#pending = new Set([SITE_KEY])
      return
    }
    const covered = pending.has(DOCUMENT_KEY)
    // Counted in batches only when it could matter: no more keys than requests fit in them whatever their lengths.
    if (!covered && (pending.size <= MAX_PURGE_REQUESTS || (pending.size <= client.maxKeys * MAX_PURGE_REQUESTS && batchesOf([...pending], client).length <= MAX_PURGE_REQUESTS))) return
    const media = [...pending].filter(isMediaKey)
    if (!covered) {
      const fields = { target: client.target, keys: pending.size }
      this.#options.logger.info(`purge: ${pending.size} key(s) waiting at ${client.target} would take more than ${MAX_PURGE_REQUESTS} requests; purging ${everyDocument(media.length)} instead`, fields)
    }
    this.#pending = new Set([DOCUMENT_KEY, ...(media.length < client.maxKeys ? media : [MEDIA_KEY])])
  }

  /** One request; undefined when it worked, else what went wrong (and how long the API asked us to wait). */
  async #send(keys: readonly string[]): Promise<{ problem: string; retryAfterMs: number | undefined } | undefined> {
    const { client } = this.#options
    const request = client.request(keys)
    this.#options.deliveries.attempt()
    try {
      const response = await this.#options.fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      })
      const body = await response.text().catch(() => '')
      const problem = client.check(response.status, body)
      if (problem === undefined) return undefined
      this.#options.deliveries.failure()
      const retryAfter = Number(response.headers.get('retry-after'))
      return { problem, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined }
    } catch (error) {
      this.#options.deliveries.failure()
      return { problem: error instanceof Error ? `${error.name}: ${error.message}` : String(error), retryAfterMs: undefined }
    }
  }
}

/** DOCUMENT_KEY and `media` media keys, as log lines and /healthz name them. */
const everyDocument = (media: number): string => `every document (key ${DOCUMENT_KEY})${media > 0 ? ` and ${media} media key(s)` : ''}`
