export interface BadTokenLimitOptions {
  /** Bad tokens a client may send in a burst. */
  readonly burst?: number
  /** Milliseconds in which one more bad token is allowed again. */
  readonly refillMs?: number
  /** Clients remembered at most; the least recently refused are forgotten first (memory stays bounded). */
  readonly maxClients?: number
  /** Milliseconds since the epoch. */
  readonly now: () => number
}

interface Bucket {
  tokens: number
  at: number
}

/**
 * Slows down a client that guesses tokens: a token bucket per client
 * address (clientKey), of `burst` bad tokens, refilled by one every
 * `refillMs` (default: 10 at once, then one every 6 s, 10 a minute). A
 * client whose bucket is empty gets 429 with Retry-After for a bad token
 * (plus-feeds.ts); a good token is served whatever its
 * address sent, as subscribers behind one NAT or proxy share an address.
 * Valid tokens cost nothing. A client whose bucket is full again is
 * forgotten; at most `maxClients` are remembered.
 */
export class BadTokenLimit {
  readonly #burst: number
  readonly #refillMs: number
  readonly #maxClients: number
  readonly #now: () => number
  /** A Map iterates in insertion order: the least recently refused first. */
  readonly #buckets = new Map<string, Bucket>()

  constructor(options: BadTokenLimitOptions) {
    this.#burst = options.burst ?? 10
    this.#refillMs = options.refillMs ?? 6000
    this.#maxClients = options.maxClients ?? 50_000
    this.#now = options.now
  }

  /** Seconds (whole, at least 1) the client must wait before it may try a token, or undefined when it may now. */
  waitFor(client: string): number | undefined {
    const bucket = this.#buckets.get(client)
    if (!bucket) return undefined
    const tokens = this.#refilled(bucket)
    if (tokens >= this.#burst) {
      this.#buckets.delete(client)
      return undefined
    }
    return tokens >= 1 ? undefined : Math.max(1, Math.ceil(((1 - tokens) * this.#refillMs) / 1000))
  }

  /** The client sent a bad token. */
  failed(client: string): void {
    const bucket = this.#buckets.get(client)
    const tokens = bucket ? this.#refilled(bucket) : this.#burst
    this.#buckets.delete(client)
    this.#buckets.set(client, { tokens: Math.max(0, tokens - 1), at: this.#now() })
    if (this.#buckets.size > this.#maxClients) this.#buckets.delete(this.#buckets.keys().next().value as string)
  }

  /** Clients remembered (tests). */
  get size(): number {
    return this.#buckets.size
  }

  #refilled(bucket: Bucket): number {
    return Math.min(this.#burst, bucket.tokens + (this.#now() - bucket.at) / this.#refillMs)
  }
}

/**
 * Whom a limit counts: an IPv4 address as it is (an IPv4-mapped IPv6 address
 * as its IPv4), an IPv6 address by its /64, the block one line or host gets:
 * per address, a guesser would have 2^64 of them.
 */
export function clientKey(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown'
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped) return mapped[1] as string
  if (!address.includes(':')) return address
  const [head = '', tail = ''] = address.split('%')[0]!.split('::')
  const front = head === '' ? [] : head.split(':')
  const back = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : []
  const groups = [...front, ...Array(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back]
  return `${groups.slice(0, 4).map((group) => group.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`
}
