import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { ContentStore } from '../store/content-store.js'
import type { DeliveryCounter } from '../util/delivery-counter.js'
import type { Logger } from '../util/logger.js'
import { PollLimiter } from './poll-limit.js'
import { ReaderStats, type SubscriberCount } from './readers.js'
import { renderStatsPage } from './stats-page.js'
import type { StateFile } from './state-file.js'
import { HistoryFormatError, SubscriberHistory } from './subscriber-history.js'
import type { RouteFamily } from '../http/route-family.js'
import { RequestTallies, type Encoding, type PollGate, type Traffic } from './traffic.js'
import { isDocumentedClient } from '../http/user-agent-family.js'

export interface OperationsOptions {
  readonly siteName: string
  /** POLL_MIN_INTERVAL in milliseconds; 0: no limit. */
  readonly pollMinIntervalMs: number
  readonly logger: Logger
  /** Where the subscriber history is kept; none: in memory only. */
  readonly historyFile?: StateFile
  /** Milliseconds since the epoch. */
  readonly now?: () => number
}

const PREFIX = 'wirtschaft_feeds_'
/** The history is written at most this often (and at shutdown): counts change once per poll, not per request. */
const SAVE_DELAY_MS = 60_000

/**
 * What an operator sees: the Prometheus series on /metrics and the readers
 * on /stats (both on the metrics listener, main.ts). Fed by the HTTP layer
 * (Traffic), the store's swaps (watch) and the reads of article files
 * (saved, through ops/timed-source.ts), and holds the subscriber history across restarts.
 */
export class Operations implements Traffic {
  readonly registry = new Registry()
  readonly readers: ReaderStats
  readonly websub: DeliveryCounter
  readonly purges: DeliveryCounter
  readonly #options: OperationsOptions
  readonly #now: () => number
  readonly #tallies = new RequestTallies()
  readonly #limiter: PollLimiter | undefined
  readonly #history: SubscriberHistory
  readonly #limited: Counter
  readonly #articles: Gauge
  readonly #lastLoad: Gauge
  readonly #lastChange: Gauge
  readonly #rebuild: Histogram
  readonly #delay: Histogram
  #saveTimer: NodeJS.Timeout | undefined
  /** The newest modification time among files read since the last swap: the save a reader waits for. */
  #newestSave: number | undefined

  constructor(options: OperationsOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
    const registers = [this.registry]
    collectDefaultMetrics({ register: this.registry })
    this.#tallies.register(this.registry, PREFIX)
    this.#history = this.#loadHistory()
    this.readers = new ReaderStats({ now: this.#now, onSubscribers: (...report) => this.#history.record(...report) && this.#scheduleSave() })
    this.#limiter = options.pollMinIntervalMs > 0 ? new PollLimiter({ intervalMs: options.pollMinIntervalMs, now: this.#now }) : undefined
    this.#limited = new Counter({ name: `${PREFIX}polls_limited_total`, help: 'Feed polls refused with 429 by POLL_MIN_INTERVAL.', registers })
    this.#articles = new Gauge({ name: `${PREFIX}articles`, help: 'Article files: published (public now), refused, held (valid, not yet public: drafts, scheduled).', labelNames: ['state'], registers })
    this.#lastLoad = new Gauge({ name: `${PREFIX}last_load_timestamp_seconds`, help: 'When a site was last built and swapped in successfully (Unix time).', registers })
    this.#lastChange = new Gauge({ name: `${PREFIX}last_change_timestamp_seconds`, help: 'When the documents rendered ahead last changed (Unix time).', registers })
    this.#rebuild = new Histogram({ name: `${PREFIX}rebuild_duration_seconds`, help: 'Time to plan and render a new site.', buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers })
    this.#delay = new Histogram({ name: `${PREFIX}publish_delay_seconds`, help: "From a file's modification time to the swap of the site that shows it.", buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900], registers })
    this.websub = this.#deliveries('websub', 'WebSub hub notifications')
    this.purges = this.#deliveries('purge', 'CDN purge requests')
    this.#readerSeries()
  }

  request(family: RouteFamily, method: string, status: number, seconds: number): void {
    this.#tallies.request(family, method, status, seconds)
  }

  sent(encoding: Encoding, bytes: number): void {
    this.#tallies.sent(encoding, bytes)
  }

  feedPoll(feed: string, userAgent: string | undefined, address: string | undefined, conditional: boolean, connection?: object): void {
    this.readers.observe(feed, userAgent, address, conditional, connection)
  }

  pollGate(view: string, userAgent: string | undefined, address: string | undefined, connection?: object): PollGate | undefined {
    // Documented aggregators and podcast apps are never limited; a 304 never reaches the gate.
    const limiter = this.#limiter
    if (!limiter || isDocumentedClient(userAgent)) return undefined
    return new ClientGate(limiter, view, this.readers.clientKey(address, userAgent, connection), this.#limited)
  }

  /** Follows the store: article counts, load and change times, rebuild durations, publish delays. */
  watch(store: ContentStore): void {
    store.onChange((previous, current, seconds) => {
      const now = this.#now()
      const refused = store.refused().length
      this.#articles.set({ state: 'published' }, current.plan.published)
      this.#articles.set({ state: 'refused' }, refused)
      this.#articles.set({ state: 'held' }, Math.max(0, store.knownFiles().length - refused - current.plan.published))
      this.#lastLoad.set(now / 1000)
      if (!previous || previous.resources !== current.resources) this.#lastChange.set(now / 1000)
      if (seconds !== undefined) this.#rebuild.observe(seconds)
      // The first load reads every file: that is a start, not a publication.
      if (previous && this.#newestSave !== undefined) this.#delay.observe(Math.max(0, now - this.#newestSave) / 1000)
      this.#newestSave = undefined
    })
  }

  /** A file read for the index was last modified at `time` (ms; ops/timed-source.ts): the publish delay starts at the newest. */
  saved(time: number): void {
    if (time > (this.#newestSave ?? 0)) this.#newestSave = time
  }

  /** The Prometheus text exposition of every series. */
  metrics(): Promise<string> {
    return this.registry.metrics()
  }

  /** The German /stats page. */
  statsPage(): string {
    const now = this.#now()
    return renderStatsPage({
      siteName: this.#options.siteName,
      now,
      subscribers: this.readers.subscribers(),
      pollers: this.readers.pollers(),
      polls: this.readers.polls(),
      history: this.#history.series(now),
    })
  }

  /** Writes the history if it changed; stops the timer. */
  close(): void {
    if (this.#saveTimer) {
      clearTimeout(this.#saveTimer)
      this.#saveTimer = undefined
      this.#save(true)
    }
  }

  #deliveries(kind: string, what: string): DeliveryCounter {
    const attempts = new Counter({ name: `${PREFIX}${kind}_attempts_total`, help: `${what} attempted (each retry counts).`, registers: [this.registry] })
    const failures = new Counter({ name: `${PREFIX}${kind}_failures_total`, help: `${what} that failed.`, registers: [this.registry] })
    return { attempt: () => attempts.inc(), failure: () => failures.inc() }
  }

  #readerSeries(): void {
    const registers = [this.registry]
    const readers = this.readers
    const now = this.#now
    const perAggregator = (name: string, help: string, valueOf: (count: SubscriberCount) => number) =>
      new Gauge({
        name: `${PREFIX}${name}`,
        help,
        labelNames: ['aggregator', 'feed'],
        registers,
        collect() {
          this.reset()
          for (const count of readers.subscribers()) this.set({ aggregator: count.aggregator, feed: count.feed }, valueOf(count))
        },
      })
    perAggregator('subscribers', 'Subscribers an aggregator last reported in its User-Agent, by aggregator and feed.', (count) => count.subscribers)
    perAggregator('subscribers_age_seconds', 'How long ago that count was reported.', (count) => Math.max(0, now() - count.at) / 1000)
    new Gauge({
      name: `${PREFIX}direct_pollers`,
      help: 'Distinct direct pollers (hashed address and User-Agent) per feed: today (UTC) so far, and yesterday.',
      labelNames: ['feed', 'day'],
      registers,
      collect() {
        this.reset()
        for (const count of readers.pollers()) {
          this.set({ feed: count.feed, day: 'today' }, count.today)
          if (count.yesterday !== undefined) this.set({ feed: count.feed, day: 'yesterday' }, count.yesterday)
        }
      },
    })
    new Counter({
      name: `${PREFIX}feed_polls_total`,
      help: 'Polls of the current feeds, by aggregator (direct: none) and whether they were conditional.',
      labelNames: ['aggregator', 'conditional'],
      registers,
      collect() {
        this.reset()
        for (const count of readers.polls()) {
          this.inc({ aggregator: count.kind, conditional: 'yes' }, count.conditional)
          this.inc({ aggregator: count.kind, conditional: 'no' }, count.polls - count.conditional)
        }
      },
    })
  }

  #loadHistory(): SubscriberHistory {
    const file = this.#options.historyFile
    if (!file) return new SubscriberHistory()
    try {
      const text = file.read()
      return text === undefined ? new SubscriberHistory() : SubscriberHistory.parse(text)
    } catch (error) {
      const problem = error instanceof HistoryFormatError ? error.message : `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`
      this.#options.logger.warn(`warning ${file.path}: ${problem}; starting a new subscriber history`)
      return new SubscriberHistory()
    }
  }

  #scheduleSave(): void {
    if (!this.#options.historyFile || this.#saveTimer) return
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined
      this.#save()
    }, SAVE_DELAY_MS)
    this.#saveTimer.unref()
  }

  /** `closing`: the last write, at a stop; one that fails loses what changed since the one before (no memory to stay in). */
  #save(closing = false): void {
    const file = this.#options.historyFile
    if (!file) return
    try {
      file.write(this.#history.serialize())
    } catch (error) {
      const then = closing ? 'the counts since its last write are lost with this stop' : 'the subscriber history stays in memory'
      this.#options.logger.warn(`warning ${file.path}: cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)}); ${then}`)
    }
  }
}

/** One request's POLL_MIN_INTERVAL gate: one object, no closures, per gated poll. */
class ClientGate implements PollGate {
  constructor(
    private readonly limiter: PollLimiter,
    private readonly view: string,
    private readonly client: string,
    private readonly limited: Counter,
  ) {}

  wait(): number | undefined {
    const wait = this.limiter.check(this.view, this.client)
    if (wait !== undefined) this.limited.inc()
    return wait
  }

  release(): void {
    this.limiter.release(this.view, this.client)
  }
}
