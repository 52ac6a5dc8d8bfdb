/**
 * Who polls a feed, read from the User-Agent: the aggregators that fetch on
 * behalf of many readers and say how many (the convention Google's
 * Feedfetcher started: "…; 52 subscribers; …"). Which clients are never
 * rate-limited is http/user-agent-family.ts's, with the access log's families. Pure functions; the sources of each format are listed
 * in docs/operations.md and cited in tests/ops/user-agents.test.ts.
 */

import { MAX_USER_AGENT } from '../http/user-agent-family.js'

/** Aggregators whose subscriber counts are read; `other` is any fetcher using the common "N subscribers" form. */
export const AGGREGATORS = ['feedly', 'inoreader', 'newsblur', 'feedbin', 'theoldreader', 'other'] as const
export type Aggregator = (typeof AGGREGATORS)[number]
/** Aggregator label of a poll: an aggregator, or `direct` for a reader's own app or script. */
export type PollerKind = Aggregator | 'direct'

export interface SubscriberReport {
  readonly aggregator: Aggregator
  readonly subscribers: number
}

/** Longer User-Agents are not parsed (no legitimate fetcher needs more; it bounds the regular expressions' work). */
/** A count above this is not believed (larger than any aggregator's user base). */
const MAX_SUBSCRIBERS = 100_000_000

/** Each aggregator: how to recognise it, and where its count stands. */
const PARSERS: readonly { readonly aggregator: Aggregator; readonly name: RegExp; readonly count: RegExp }[] = [
  // Feedly/1.0 (+http://www.feedly.com/fetcher.html; 52 subscribers; )
  { aggregator: 'feedly', name: /^Feedly\//, count: /^Feedly\/[\d.]+ \([^)]*?;\s*(\d+) subscribers?\b/ },
  // Inoreader/1.0 (+http://www.inoreader.com/feed-fetcher; 3 subscribers; )
  { aggregator: 'inoreader', name: /^Inoreader\//, count: /^Inoreader\/[\d.]+ \([^)]*?;\s*(\d+) subscribers?\b/ },
  // NewsBlur Feed Fetcher - 7 subscribers - https://www.newsblur.com/site/… (…)
  { aggregator: 'newsblur', name: /NewsBlur Feed Fetcher/, count: /NewsBlur Feed Fetcher - (\d+) subscribers?\b/ },
  // Feedbin feed-id:1234 - 5 subscribers
  { aggregator: 'feedbin', name: /^Feedbin /, count: /^Feedbin feed-id:\d+ - (\d+) subscribers?\b/ },
  // Mozilla/5.0 (compatible; theoldreader.com; 12 subscribers; feed-id=…)
  { aggregator: 'theoldreader', name: /theoldreader\.com/, count: /\(compatible; theoldreader\.com; (\d+) subscribers?\b/ },
]

/** The common form other fetchers use: "(…; 16 subscribers; …)", "(+ 1 subscribers)". */
const OTHER_COUNT = /[(;+]\s*(\d+) subscribers?\b/

/** The subscriber count an aggregator reports in its User-Agent, or undefined when it reports none. */
export function parseSubscribers(userAgent: string | undefined): SubscriberReport | undefined {
  if (userAgent === undefined || userAgent.length > MAX_USER_AGENT) return undefined
  for (const parser of PARSERS) {
    if (!parser.name.test(userAgent)) continue
    return report(parser.aggregator, parser.count.exec(userAgent)?.[1])
  }
  return report('other', OTHER_COUNT.exec(userAgent)?.[1])
}

/** Which aggregator a poll comes from (by name, whether or not it reports a count), else `direct`. */
export function pollerKind(userAgent: string | undefined): PollerKind {
  if (userAgent === undefined || userAgent.length > MAX_USER_AGENT) return 'direct'
  for (const parser of PARSERS) if (parser.name.test(userAgent)) return parser.aggregator
  return OTHER_COUNT.test(userAgent) ? 'other' : 'direct'
}

function report(aggregator: Aggregator, digits: string | undefined): SubscriberReport | undefined {
  if (digits === undefined || digits.length > 9) return undefined
  const subscribers = Number(digits)
  return subscribers <= MAX_SUBSCRIBERS ? { aggregator, subscribers } : undefined
}
