import { createHash, randomBytes } from 'node:crypto'
import { parseSubscribers, pollerKind, type Aggregator, type PollerKind, type SubscriberReport } from './user-agents.js'

export interface ReaderStatsOptions {
  /** Milliseconds since the epoch. */
  readonly now: () => number
  /** Distinct direct pollers counted per feed and day at most; beyond, the count says "at least" (memory stays bounded). */
  readonly maxPollersPerFeed?: number
  /** Called when an aggregator reports a count (the subscriber history keeps it per day). */
  readonly onSubscribers?: (aggregator: Aggregator, feed: string, subscribers: number, at: number) => void
}

/** The latest count an aggregator reported for a feed, and when. */
export interface SubscriberCount {
  readonly aggregator: Aggregator
  readonly feed: string
  readonly subscribers: number
  /** Milliseconds since the epoch. */
  readonly at: number
}

/** Polls of the feeds by one kind of poller, and how many were conditional (If-None-Match or If-Modified-Since). */
export interface PollCount {
  readonly kind: PollerKind
  readonly polls: number
  readonly conditional: number
}

export interface PollerCount {
  readonly feed: string
  /** Distinct direct pollers since the salt last changed (the start of the UTC day, or the start of the process). */
  readonly today: number
  /** The same for the whole previous UTC day; undefined when the process did not run then. */
  readonly yesterday: number | undefined
  /** The count reached maxPollersPerFeed and stopped growing. */
  readonly capped: boolean
}

/** A client as its connection remembers it, for as long as its User-Agent and the day (the salt) stay the same. */
interface ConnectionClient {
  readonly userAgent: string | undefined
  readonly salt: string
  readonly key: string
  readonly kind: PollerKind
  readonly report: SubscriberReport | undefined
  /** Its kind's poll counts (the very object /stats reads). */
  readonly polls: { polls: number; conditional: number }
  /** The feeds it was counted as a direct poller of today. */
  readonly feeds: string[]
}

const DAY_MS = 86_400_000
/** User-Agents whose reading is remembered: clients send few distinct ones. */
const MEMO_SIZE = 512

/**
 * Who reads the feeds: subscriber counts that aggregators report, distinct
 * direct pollers per feed and day, and the share of conditional polls.
 *
 * Direct pollers are told apart by a SHA-256 of IP address and User-Agent with
 * a random salt that lives only in memory and is replaced at the start of
 * every UTC day: no address is kept, and yesterday's hashes cannot be linked
 * to today's (docs/operations.md).
 */
export class ReaderStats {
  readonly #options: ReaderStatsOptions
  readonly #maxPollers: number
  readonly #subscribers = new Map<string, SubscriberCount>()
  readonly #polls = new Map<PollerKind, { polls: number; conditional: number }>()
  readonly #kinds = new Map<string, { kind: PollerKind; report: SubscriberReport | undefined }>()
  /** The client last seen on a connection: keep-alive clients are hashed and classified once per connection and day, not per request. */
  readonly #byConnection = new WeakMap<object, ConnectionClient>()
  #pollers = new Map<string, Set<string>>()
  #yesterday: Map<string, number> | undefined
  #day: number
  #salt: string

  constructor(options: ReaderStatsOptions) {
    this.#options = options
    this.#maxPollers = options.maxPollersPerFeed ?? 50_000
    this.#day = Math.floor(options.now() / DAY_MS)
    this.#salt = randomBytes(32).toString('hex')
  }

  /** One request for a feed (`feed` is its path, one of a fixed few). */
  observe(feed: string, userAgent: string | undefined, address: string | undefined, conditional: boolean, connection?: object): void {
    // A keep-alive client polls again with the same User-Agent: what its first poll found is taken from the
    // connection (one lookup, no hashing of the User-Agent per request), and a direct poller already
    // counted for this feed today is not added again.
    const client = connection && this.#clientOf(connection, address, userAgent)
    const { kind, report } = client ?? this.#classify(userAgent)
    const polls = client ? client.polls : this.#pollsOf(kind)
    polls.polls += 1
    if (conditional) polls.conditional += 1
    if (report) {
      const at = this.#options.now()
      this.#subscribers.set(`${report.aggregator}\n${feed}`, { aggregator: report.aggregator, feed, subscribers: report.subscribers, at })
      this.#options.onSubscribers?.(report.aggregator, feed, report.subscribers, at)
    } else if (kind === 'direct') {
      if (client?.feeds.includes(feed)) return
      const key = client ? client.key : this.clientKey(address, userAgent)
      let seen = this.#pollers.get(feed)
      if (!seen) this.#pollers.set(feed, (seen = new Set()))
      if (seen.size < this.#maxPollers) seen.add(key)
      if (client && seen.has(key)) client.feeds.push(feed)
    }
  }

  /**
   * A client's identity for today: the salted hash of its address and
   * User-Agent (never the address itself). `connection` (the socket) lets a
   * keep-alive client be hashed once.
   */
  clientKey(address: string | undefined, userAgent: string | undefined, connection?: object): string {
    if (connection) return this.#clientOf(connection, address, userAgent).key
    this.#rotate()
    return this.#hash(address, userAgent)
  }

  /** What is known of the client on a connection today, made anew when its User-Agent or the day changes. */
  #clientOf(connection: object, address: string | undefined, userAgent: string | undefined): ConnectionClient {
    this.#rotate()
    const known = this.#byConnection.get(connection)
    if (known && known.userAgent === userAgent && known.salt === this.#salt) return known
    const { kind, report } = this.#classify(userAgent)
    const client: ConnectionClient = { userAgent, salt: this.#salt, key: this.#hash(address, userAgent), kind, report, polls: this.#pollsOf(kind), feeds: [] }
    this.#byConnection.set(connection, client)
    return client
  }

  /**
   * One SHA-256 of salt, address and User-Agent: half the time of an HMAC (measured 4.7 µs against
   * 10.8 µs here), and as unlinkable while the 256-bit salt stays in memory.
   */
  #hash(address: string | undefined, userAgent: string | undefined): string {
    return createHash('sha256').update(`${this.#salt}\n${address ?? ''}\n${userAgent ?? ''}`).digest('base64url').slice(0, 22)
  }

  #pollsOf(kind: PollerKind): { polls: number; conditional: number } {
    let polls = this.#polls.get(kind)
    if (!polls) this.#polls.set(kind, (polls = { polls: 0, conditional: 0 }))
    return polls
  }

  /** The latest count of every aggregator and feed, largest first. */
  subscribers(): SubscriberCount[] {
    return [...this.#subscribers.values()].sort((a, b) => b.subscribers - a.subscribers || a.aggregator.localeCompare(b.aggregator))
  }

  polls(): PollCount[] {
    return [...this.#polls].map(([kind, count]) => ({ kind, ...count })).sort((a, b) => b.polls - a.polls)
  }

  pollers(): PollerCount[] {
    this.#rotate()
    const feeds = new Set([...this.#pollers.keys(), ...(this.#yesterday?.keys() ?? [])])
    return [...feeds].sort().map((feed) => {
      const today = this.#pollers.get(feed)?.size ?? 0
      return { feed, today, yesterday: this.#yesterday ? (this.#yesterday.get(feed) ?? 0) : undefined, capped: today >= this.#maxPollers }
    })
  }

  #classify(userAgent: string | undefined): { kind: PollerKind; report: SubscriberReport | undefined } {
    const key = userAgent ?? ''
    const known = this.#kinds.get(key)
    if (known) return known
    const reading = { kind: pollerKind(userAgent), report: parseSubscribers(userAgent) }
    if (this.#kinds.size >= MEMO_SIZE) this.#kinds.clear()
    this.#kinds.set(key, reading)
    return reading
  }

  /** A new UTC day: a new salt, and today's sets become yesterday's counts. */
  #rotate(): void {
    const day = Math.floor(this.#options.now() / DAY_MS)
    if (day === this.#day) return
    this.#yesterday = day === this.#day + 1 ? new Map([...this.#pollers].map(([feed, seen]) => [feed, seen.size])) : new Map()
    this.#pollers = new Map()
    this.#day = day
    this.#salt = randomBytes(32).toString('hex')
  }
}
