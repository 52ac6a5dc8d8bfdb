import { NO_DELIVERY_COUNTER, type DeliveryCounter } from '../util/delivery-counter.js'
import { redactUrl } from '../text/redact.js'
import type { Logger } from '../util/logger.js'

export interface WebSubPublisherOptions {
  /** The hub's URL. */
  readonly hub: string
  readonly logger: Logger
  /** Attempts per notification, the first included. */
  readonly attempts?: number
  /** Wait before the first retry; each further retry waits twice as long. */
  readonly retryDelayMs?: number
  readonly maxRetryDelayMs?: number
  /** Gives up on one attempt after this long. */
  readonly timeoutMs?: number
  readonly fetch?: typeof fetch
  /** Where attempts and failures are counted (metrics); none by default. */
  readonly deliveries?: DeliveryCounter
}

interface Delivery {
  attempt: number
  /** Another change arrived while a request was in flight: notify once more afterwards. */
  again: boolean
  timer?: NodeJS.Timeout
}

/**
 * Tells a WebSub hub that topics changed (W3C WebSub §7, with the
 * `hub.mode=publish` form hubs accept from publishers). Runs in the
 * background, never on a request's path: each URL is sent on its own,
 * retried with exponential backoff, and changes to a URL whose notification
 * is still under way are coalesced.
 */
export class WebSubPublisher {
  readonly #options: Required<Omit<WebSubPublisherOptions, 'fetch'>> & { fetch: typeof fetch }
  readonly #deliveries = new Map<string, Delivery>()
  readonly #inFlight = new Set<Promise<void>>()
  /** The hub as log lines show it: a token in its query or credentials stay out of the logs. */
  readonly #shownHub: string
  #closed = false

  constructor(options: WebSubPublisherOptions) {
    this.#options = {
      attempts: 6,
      retryDelayMs: 1000,
      maxRetryDelayMs: 5 * 60_000,
      timeoutMs: 10_000,
      fetch: globalThis.fetch,
      ...options,
      deliveries: options.deliveries ?? NO_DELIVERY_COUNTER,
    }
    this.#shownHub = redactUrl(options.hub)
  }

  /** Queues a publish notification for each URL; returns at once. */
  publish(urls: readonly string[]): void {
    for (const url of new Set(urls)) {
      const pending = this.#deliveries.get(url)
      if (pending) {
        // Waiting for a retry: that retry will tell the hub about this change too.
        if (pending.timer === undefined) pending.again = true
        continue
      }
      const delivery: Delivery = { attempt: 0, again: false }
      this.#deliveries.set(url, delivery)
      this.#send(url, delivery)
    }
  }

  /** Resolves when nothing is in flight (tests, shutdown). Pending retries are not waited for. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
  }

  /** Cancels pending retries. */
  close(): void {
    this.#closed = true
    for (const delivery of this.#deliveries.values()) clearTimeout(delivery.timer)
    this.#deliveries.clear()
  }

  #send(url: string, delivery: Delivery): void {
    delivery.timer = undefined
    delivery.attempt += 1
    this.#options.deliveries.attempt()
    const request = this.#post(url).then(
      (problem) => this.#settle(url, delivery, problem),
      (error: unknown) => this.#settle(url, delivery, String(error)),
    )
    this.#inFlight.add(request)
    void request.finally(() => this.#inFlight.delete(request))
  }

  /** undefined on success, else what went wrong. */
  async #post(url: string): Promise<string | undefined> {
    const response = await this.#options.fetch(this.#options.hub, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': url }).toString(),
      signal: AbortSignal.timeout(this.#options.timeoutMs),
    })
    await response.arrayBuffer().catch(() => undefined)
    return response.ok ? undefined : `hub answered ${response.status}`
  }

  #settle(url: string, delivery: Delivery, problem: string | undefined): void {
    if (this.#closed) return
    if (problem !== undefined) this.#options.deliveries.failure()
    const hub = this.#shownHub
    const fields = { hub, target: url, attempt: delivery.attempt }
    if (problem === undefined) {
      this.#options.logger.info(`websub: notified ${hub} of ${url}`, fields)
      if (delivery.again) {
        delivery.again = false
        delivery.attempt = 0
        this.#send(url, delivery)
      } else {
        this.#deliveries.delete(url)
      }
      return
    }
    if (delivery.attempt >= this.#options.attempts) {
      this.#options.logger.warn(`websub: gave up notifying ${hub} of ${url} after ${delivery.attempt} attempts: ${problem}`, { ...fields, problem })
      this.#deliveries.delete(url)
      return
    }
    const delay = Math.min(this.#options.retryDelayMs * 2 ** (delivery.attempt - 1), this.#options.maxRetryDelayMs)
    this.#options.logger.warn(`websub: notifying ${hub} of ${url} failed (${problem}); retry in ${delay} ms`, { ...fields, problem, retryInMs: delay })
    delivery.again = false
    delivery.timer = setTimeout(() => this.#send(url, delivery), delay)
    delivery.timer.unref?.()
  }
}
