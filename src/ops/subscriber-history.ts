import { AGGREGATORS, type Aggregator } from './user-agents.js'

/** Days of history kept, and plotted on /stats. */
export const HISTORY_DAYS = 30
const DAY_MS = 86_400_000
const DAY = /^\d{4}-\d{2}-\d{2}$/
/** Feeds per aggregator and day kept at most: the service has a handful; a file with more is not ours. */
const MAX_FEEDS = 64

/** One aggregator's daily totals (the sum over feeds of each feed's last count that day), oldest first. */
export interface HistorySeries {
  readonly aggregator: Aggregator
  /** One value per day of the window, undefined where nothing was reported. */
  readonly values: readonly (number | undefined)[]
}

/** A state file that is not a subscriber history; the caller warns and starts afresh. */
export class HistoryFormatError extends Error {
  constructor(problem: string) {
    super(problem)
    this.name = 'HistoryFormatError'
  }
}

/** A UTC calendar day, as the file stores it. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

/**
 * Subscriber counts per day, aggregator and feed, for the last 30 days:
 * small enough to rewrite whole (state-file.ts), kept across restarts.
 */
export class SubscriberHistory {
  readonly #days = new Map<string, Map<Aggregator, Map<string, number>>>()

  /**
   * Keeps a reported count as the day's value for that aggregator and feed;
   * forgets days out of the window. `other` (any unnamed fetcher) is not
   * kept: anybody can send such a User-Agent, and they all share one slot.
   */
  record(aggregator: Aggregator, feed: string, subscribers: number, at: number): boolean {
    if (aggregator === 'other') return false
    const day = dayOf(at)
    const byFeed = this.#days.get(day)?.get(aggregator)
    if (byFeed?.get(feed) === subscribers || (byFeed && !byFeed.has(feed) && byFeed.size >= MAX_FEEDS)) return false
    this.#set(day, aggregator, feed, subscribers)
    const oldest = dayOf(at - (HISTORY_DAYS - 1) * DAY_MS)
    for (const known of this.#days.keys()) if (known < oldest) this.#days.delete(known)
    return true
  }

  /** Each aggregator with a value in the window ending `today`: one value per day. */
  series(now: number): HistorySeries[] {
    const days = Array.from({ length: HISTORY_DAYS }, (_, index) => dayOf(now - (HISTORY_DAYS - 1 - index) * DAY_MS))
    return AGGREGATORS.flatMap((aggregator) => {
      const values = days.map((day) => {
        const byFeed = this.#days.get(day)?.get(aggregator)
        return byFeed ? [...byFeed.values()].reduce((sum, value) => sum + value, 0) : undefined
      })
      return values.some((value) => value !== undefined) ? [{ aggregator, values }] : []
    })
  }

  /** The file's text: `{"version":1,"days":{"2026-12-01":{"feedly":{"/wirtschaft/feed.xml":52}}}}`. */
  serialize(): string {
    const days: Record<string, Record<string, Record<string, number>>> = {}
    for (const [day, byAggregator] of [...this.#days].sort(([a], [b]) => a.localeCompare(b))) {
      days[day] = Object.fromEntries([...byAggregator].map(([aggregator, byFeed]) => [aggregator, Object.fromEntries(byFeed)]))
    }
    return `${JSON.stringify({ version: 1, days })}\n`
  }

  /** Reads a file's text; throws HistoryFormatError naming what is wrong. */
  static parse(text: string): SubscriberHistory {
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch {
      throw new HistoryFormatError('is not JSON')
    }
    const root = data as { version?: unknown; days?: unknown }
    if (typeof data !== 'object' || data === null || root.version !== 1) throw new HistoryFormatError('has no "version": 1')
    if (typeof root.days !== 'object' || root.days === null) throw new HistoryFormatError('has no "days" object')
    const history = new SubscriberHistory()
    for (const [day, byAggregator] of Object.entries(root.days)) {
      if (!DAY.test(day)) throw new HistoryFormatError(`day ${JSON.stringify(day)} is not a date such as 2026-12-01`)
      if (typeof byAggregator !== 'object' || byAggregator === null) throw new HistoryFormatError(`day ${day} is not an object`)
      for (const [aggregator, byFeed] of Object.entries(byAggregator as Record<string, unknown>)) {
        if (!(AGGREGATORS as readonly string[]).includes(aggregator)) throw new HistoryFormatError(`day ${day}: "${aggregator}" is not a known aggregator`)
        if (typeof byFeed !== 'object' || byFeed === null) throw new HistoryFormatError(`day ${day}: ${aggregator} is not an object`)
        const entries = Object.entries(byFeed as Record<string, unknown>)
        if (entries.length > MAX_FEEDS) throw new HistoryFormatError(`day ${day}: ${aggregator} has more than ${MAX_FEEDS} feeds`)
        for (const [feed, value] of entries) {
          if (!Number.isSafeInteger(value) || (value as number) < 0) throw new HistoryFormatError(`day ${day}: ${aggregator} ${feed}: not a count`)
          // `other`, kept by versions before it was dropped, is dropped as well.
          if (aggregator !== 'other') history.#set(day, aggregator as Aggregator, feed, value as number)
        }
      }
    }
    return history
  }

  #set(day: string, aggregator: Aggregator, feed: string, value: number): void {
    let byAggregator = this.#days.get(day)
    if (!byAggregator) this.#days.set(day, (byAggregator = new Map()))
    let byFeed = byAggregator.get(aggregator)
    if (!byFeed) byAggregator.set(aggregator, (byFeed = new Map()))
    byFeed.set(feed, value)
  }
}
