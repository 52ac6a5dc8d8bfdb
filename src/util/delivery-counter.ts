/**
 * Counts deliveries to another service: every attempt (each retry counts),
 * and the failed ones. WebSub notifications report here; so can CDN purges.
 * Operations (src/ops/operations.ts) turns them into
 * `wirtschaft_feeds_<kind>_attempts_total` and `…_failures_total`.
 */
export interface DeliveryCounter {
  attempt(): void
  failure(): void
}

/** Counts nothing: what a publisher uses when metrics are off. */
export const NO_DELIVERY_COUNTER: DeliveryCounter = Object.freeze({ attempt: () => {}, failure: () => {} })
