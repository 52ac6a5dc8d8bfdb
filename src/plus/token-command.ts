import { parseArgs } from 'node:util'
import type { Config } from '../config.js'
import { parseFrontMatterDate } from '../content/dates.js'
import { ConfigError } from '../errors/config-error.js'
import { siteUrlFor } from '../text/urls.js'
import { subscriberPaths } from './plus-paths.js'
import { mintToken } from './token.js'

/**
 * `npm run plus-token -- --subscriber <id> [--expires <ISO date>]`: the
 * subscriber's four feed URLs, one per line after a heading line, built on
 * SITE_URL. `--expires` is read as front matter dates are: a date alone is
 * midnight at its start in SITE_TZ. Throws a ConfigError naming the flag.
 */
export function plusTokenCommand(argv: readonly string[], config: Pick<Config, 'plus' | 'siteUrl' | 'timeZone' | 'section'>, now: number): string {
  if (!config.plus) throw new ConfigError('PLUS_SECRET', 'is not set: tokens are signed with it (docs/plus.md)')
  let values: { subscriber?: string | undefined; expires?: string | undefined }
  try {
    values = parseArgs({ args: [...argv], options: { subscriber: { type: 'string' }, expires: { type: 'string' } }, strict: true }).values
  } catch (cause) {
    throw new ConfigError('command line', 'give --subscriber <id> and, if the token is to expire, --expires <ISO date>', { cause })
  }
  if (values.subscriber === undefined) throw new ConfigError('--subscriber', 'is missing: name the subscriber id the token is for')
  const expires = values.expires === undefined ? undefined : readExpiry(values.expires, config.timeZone, now)
  let token: string
  try {
    token = mintToken(config.plus.keys, values.subscriber, expires)
  } catch (cause) {
    throw new ConfigError('--subscriber', (cause as Error).message.replace(/^subscriber id /, ''), { cause })
  }
  const paths = subscriberPaths(config.section.slug, token)
  const until = expires === undefined ? 'no expiry; ends when revoked (PLUS_REVOKED)' : `valid until ${new Date(expires).toISOString()}`
  return [
    `Plus feeds for ${values.subscriber} (${until}):`,
    `RSS:        ${siteUrlFor(config.siteUrl, paths.rss)}`,
    `Atom:       ${siteUrlFor(config.siteUrl, paths.atom)}`,
    `JSON Feed:  ${siteUrlFor(config.siteUrl, paths.json)}`,
    `Podcast:    ${siteUrlFor(config.siteUrl, paths.podcast)}`,
    '',
  ].join('\n')
}

function readExpiry(raw: string, timeZone: string, now: number): number {
  const date = parseFrontMatterDate(raw, timeZone)
  if (date === undefined) throw new ConfigError('--expires', `"${raw}" is not an ISO 8601 date such as 2027-01-31 or 2027-01-31T12:00:00+01:00`)
  if (typeof date === 'string') throw new ConfigError('--expires', date)
  if (date.getTime() <= now) throw new ConfigError('--expires', `${date.toISOString()} has passed: the token would never work`)
  return date.getTime()
}
