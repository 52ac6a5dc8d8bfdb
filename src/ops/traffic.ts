import type { Registry } from 'prom-client'
import { ROUTE_FAMILIES, type RouteFamily } from '../http/route-family.js'

export const ENCODINGS = ['br', 'gzip', 'identity'] as const
export type Encoding = (typeof ENCODINGS)[number]
const METHODS = ['GET', 'HEAD', 'OPTIONS', 'other'] as const

/** What the HTTP layer reports (app.ts); implemented by Operations, absent when metrics are off. */
export interface Traffic {
  /** A response is ready: its family, method, status and the seconds it took. */
  request(family: RouteFamily, method: string, status: number, seconds: number): void
  /** Body bytes of a document sent from memory, by content coding. */
  sent(encoding: Encoding, bytes: number): void
  /**
   * A poll of a current feed (`feed` is its path), counted for /stats.
   * `connection` (the socket) spares hashing the same client twice.
   */
  feedPoll(feed: string, userAgent: string | undefined, address: string | undefined, conditional: boolean, connection?: object): void
  /**
   * POLL_MIN_INTERVAL for a GET of a current feed or a filtered view (`view`:
   * its path, or its canonical URL): undefined when the client is never
   * limited (the limit off, a documented client), else a gate to call once
   * the answer is a full body: the seconds to wait (answer 429 instead), or
   * undefined (the body goes out and is recorded).
   */
  pollGate(view: string, userAgent: string | undefined, address: string | undefined, connection?: object): PollGate | undefined
}

/** A POLL_MIN_INTERVAL gate for one request (Traffic.pollGate). */
export interface PollGate {
  /** The seconds to wait (answer 429 instead), or undefined: the body may go out, and is recorded. */
  wait(): number | undefined
  /**
   * Takes back what wait() recorded when the body then did not go out (its identity bytes failed to inflate: a
   * 500), so that the client's retry is not refused for the server's failure.
   */
  release(): void
}

/** Request-duration buckets (seconds): a 304 from memory takes tens of microseconds, a first render of a page milliseconds. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

interface Sample {
  readonly labels: Record<string, string | number>
  readonly value: number
  readonly metricName?: string
}

/**
 * The request counters, kept as plain numbers so a request costs a few
 * additions and no allocation (prom-client's own metrics hash their label
 * objects into strings on every call); turned into Prometheus series only
 * when /metrics is scraped.
 */
export class RequestTallies {
  /** Count per family × method, by status: a tally object each, so a request costs one lookup and an addition. */
  readonly #requests = ROUTE_FAMILIES.map(() => METHODS.map(() => new Map<number, { count: number }>()))
  /** Per family: one count per bucket (not cumulative), then +Inf; and the sum of seconds. */
  readonly #buckets = ROUTE_FAMILIES.map(() => new Float64Array(BUCKETS.length + 1))
  readonly #sums = new Float64Array(ROUTE_FAMILIES.length)
  readonly #bytes = new Float64Array(ENCODINGS.length)

  request(family: RouteFamily, method: string, status: number, seconds: number): void {
    const f = ROUTE_FAMILIES.indexOf(family)
    const m = method === 'GET' ? 0 : method === 'HEAD' ? 1 : method === 'OPTIONS' ? 2 : 3
    const byStatus = this.#requests[f]?.[m] as Map<number, { count: number }>
    const tally = byStatus.get(status)
    if (tally) tally.count += 1
    else byStatus.set(status, { count: 1 })
    let bucket = 0
    while (bucket < BUCKETS.length && seconds > (BUCKETS[bucket] as number)) bucket++
    const buckets = this.#buckets[f] as Float64Array
    buckets[bucket] = (buckets[bucket] as number) + 1
    this.#sums[f] = (this.#sums[f] as number) + seconds
  }

  sent(encoding: Encoding, bytes: number): void {
    const e = ENCODINGS.indexOf(encoding)
    this.#bytes[e] = (this.#bytes[e] as number) + bytes
  }

  /** Registers the series with a registry: read at scrape time. */
  register(registry: Registry, prefix: string): void {
    const metric = (name: string, help: string, type: 'counter' | 'histogram', values: () => Sample[]) => {
      const get = () => ({ name, help, type, values: values(), aggregator: 'sum' as const })
      registry.registerMetric({ name, help, type, get, reset: () => {} } as unknown as Parameters<Registry['registerMetric']>[0])
    }
    metric(`${prefix}http_requests_total`, 'Requests answered, by route family, method and status.', 'counter', () =>
      ROUTE_FAMILIES.flatMap((family, f) =>
        METHODS.flatMap((method, m) => [...(this.#requests[f]?.[m] ?? [])].map(([status, { count }]) => ({ labels: { family, method, status }, value: count }))),
      ),
    )
    metric(`${prefix}http_response_bytes_total`, 'Body bytes of documents sent from memory, by content coding.', 'counter', () =>
      ENCODINGS.map((encoding, e) => ({ labels: { encoding }, value: this.#bytes[e] as number })),
    )
    const name = `${prefix}http_request_duration_seconds`
    metric(name, 'Time from a request reaching the app to its response being ready, by route family.', 'histogram', () =>
      ROUTE_FAMILIES.flatMap((family, f) => {
        const counts = this.#buckets[f] as Float64Array
        let cumulative = 0
        const buckets = [...BUCKETS, Number.POSITIVE_INFINITY].map((le, index) => {
          cumulative += counts[index] as number
          return { metricName: `${name}_bucket`, labels: { family, le: le === Number.POSITIVE_INFINITY ? '+Inf' : le }, value: cumulative }
        })
        return [...buckets, { metricName: `${name}_sum`, labels: { family }, value: this.#sums[f] as number }, { metricName: `${name}_count`, labels: { family }, value: cumulative }]
      }),
    )
  }
}
