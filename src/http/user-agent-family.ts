/** Longer User-Agents are not matched (no client needs more; it bounds the work per request). */
export const MAX_USER_AGENT = 512

/**
 * User-Agent families, first match wins: aggregators and readers, podcast
 * apps, crawlers, tools, then browsers (whose strings name each other, so
 * they come last). A bounded set: the full string is never logged (it can
 * identify a reader, and it is the client's to choose).
 */
const FAMILIES: readonly (readonly [string, RegExp])[] = [
  ['feedly', /^Feedly\//],
  ['inoreader', /^Inoreader\//],
  ['newsblur', /NewsBlur/],
  ['feedbin', /^Feedbin /],
  ['theoldreader', /theoldreader\.com/],
  ['netnewswire', /NetNewsWire/],
  ['newsboat', /^Newsboat\//i],
  ['rss2email', /rss2email/],
  ['miniflux', /Miniflux/],
  ['freshrss', /FreshRSS/],
  ['tt-rss', /Tiny Tiny RSS/],
  ['apple-podcasts', /^(?:AppleCoreMedia\/|iTMS|Podcasts\/)/],
  ['overcast', /^Overcast\//],
  ['pocketcasts', /^(?:PocketCasts\/|Pocket Casts)/],
  ['spotify', /^Spotify\//],
  ['antennapod', /^AntennaPod\//],
  ['castro', /^Castro /],
  ['podcastaddict', /^(?:PodcastAddict\/|Podcast Addict)/],
  ['googlebot', /Googlebot/],
  ['bingbot', /bingbot/],
  ['curl', /^curl\//],
  ['wget', /^Wget\//],
  ['python', /^(?:python-requests|Python-urllib|python-httpx|feedparser)/],
  ['go', /^Go-http-client\//],
  ['node', /^(?:node|undici)(?:\/|$)/],
  ['browser', /^Mozilla\/5\.0 .*(?:Firefox|Chrome|Safari)\//],
]

/** The family of a User-Agent: one of FAMILIES' names, `other`, or `none` when there is none. */
export function userAgentFamily(userAgent: string | undefined): string {
  if (userAgent === undefined || userAgent.trim() === '') return 'none'
  if (userAgent.length > MAX_USER_AGENT) return 'other'
  for (const [family, pattern] of FAMILIES) if (pattern.test(userAgent)) return family
  return 'other'
}

/**
 * Families that poll on a schedule of their own and are documented: aggregators
 * and podcast apps, which POLL_MIN_INTERVAL never limits (docs/operations.md).
 */
const DOCUMENTED_CLIENTS: ReadonlySet<string> = new Set([
  'feedly', 'inoreader', 'newsblur', 'feedbin', 'theoldreader',
  'apple-podcasts', 'overcast', 'pocketcasts', 'spotify', 'castro', 'antennapod', 'podcastaddict',
])

/** Whether a client is one POLL_MIN_INTERVAL never limits: a documented aggregator or podcast app. */
export function isDocumentedClient(userAgent: string | undefined): boolean {
  return DOCUMENTED_CLIENTS.has(userAgentFamily(userAgent))
}
