import { ConfigError } from '../errors/config-error.js'
import { redactUrl } from '../text/redact.js'

/** The CDNs (or cache tiers) whose cache-key header and purge API the service speaks. */
export const CDN_PROVIDERS = ['varnish', 'fastly', 'cloudflare'] as const
export type CdnProvider = (typeof CDN_PROVIDERS)[number]

/** Where purges go (PURGE). */
export type PurgeTarget =
  /** Varnish with varnish-modules' xkey: a PURGE request to this base URL. */
  | { readonly provider: 'varnish'; readonly url: string }
  | { readonly provider: 'fastly'; readonly serviceId: string; readonly token: string }
  | { readonly provider: 'cloudflare'; readonly zoneId: string; readonly token: string }

/** The CDN in front of the service, if any (docs/deployment.md). */
export interface CdnConfig {
  /** Whose cache-key header responses carry. */
  readonly provider: CdnProvider
  /** Seconds the CDN may keep a document (CDN_MAX_AGE); undefined: as long as Cache-Control says. */
  readonly maxAge: number | undefined
  /** Where purges go; undefined: keys are sent, and someone else purges. */
  readonly purge: PurgeTarget | undefined
}

export interface CdnValues {
  readonly CDN: string | undefined
  readonly PURGE: string | undefined
  readonly CDN_MAX_AGE: string | undefined
  readonly FASTLY_API_TOKEN: string | undefined
  readonly CLOUDFLARE_API_TOKEN: string | undefined
}

const YEAR = 365 * 24 * 3600
/** Service ids and zone ids are alphanumeric (Fastly: 22 characters; Cloudflare: 32 hex digits). */
const API_ID = /^[A-Za-z0-9]{1,64}$/

/**
 * The CDN settings, checked: CDN names the header (or PURGE's provider does),
 * PURGE where purges go, CDN_MAX_AGE the shared lifetime. Undefined when none
 * is set. Throws a ConfigError naming the variable.
 */
export function readCdnConfig(values: CdnValues): CdnConfig | undefined {
  const purge = values.PURGE === undefined ? undefined : readPurge(values.PURGE, values)
  const named = values.CDN === undefined ? undefined : readProvider(values.CDN)
  if (named && purge && named !== purge.provider) {
    throw new ConfigError('CDN', `"${named}" does not match PURGE, which purges ${purge.provider}; leave CDN out or name the same`)
  }
  const provider = named ?? purge?.provider
  const maxAge = values.CDN_MAX_AGE === undefined ? undefined : readSeconds(values.CDN_MAX_AGE)
  if (provider === undefined) {
    if (maxAge !== undefined) throw new ConfigError('CDN_MAX_AGE', 'needs CDN or PURGE: a long shared lifetime is safe only where purges reach')
    return undefined
  }
  return Object.freeze({ provider, maxAge, purge })
}

function readProvider(raw: string): CdnProvider {
  const found = CDN_PROVIDERS.find((provider) => provider === raw)
  if (!found) throw new ConfigError('CDN', `"${raw}" is not one of ${CDN_PROVIDERS.join(', ')}`)
  return found
}

function readSeconds(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > YEAR) throw new ConfigError('CDN_MAX_AGE', `"${raw}" is not a whole number from 1 to ${YEAR}`)
  return Number(raw)
}

function readPurge(raw: string, values: CdnValues): PurgeTarget {
  const colon = raw.indexOf(':')
  const provider = colon < 0 ? raw : raw.slice(0, colon)
  const target = colon < 0 ? '' : raw.slice(colon + 1)
  const example = 'varnish:http://127.0.0.1:6081/, fastly:<service id> or cloudflare:<zone id>'
  if (!(CDN_PROVIDERS as readonly string[]).includes(provider) || target === '') {
    throw new ConfigError('PURGE', `"${raw}" is not one of ${example}`)
  }
  if (provider === 'varnish') {
    let url: URL
    try {
      url = new URL(target)
    } catch (cause) {
      throw new ConfigError('PURGE', `"${target}" is not an absolute URL such as http://127.0.0.1:6081/`, { cause })
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('PURGE', `"${target}" must start with http:// or https://`)
    // fetch() refuses a URL with credentials, so every purge would fail; and PURGE's value may reach a log line.
    if (url.username || url.password) {
      throw new ConfigError('PURGE', `"${redactUrl(target)}" must not carry a user name or password; restrict PURGE in the VCL by client address instead`)
    }
    return { provider, url: url.href }
  }
  if (!API_ID.test(target)) throw new ConfigError('PURGE', `"${target}" is not a ${provider === 'fastly' ? 'Fastly service id' : 'Cloudflare zone id'} (letters and digits)`)
  const variable = provider === 'fastly' ? 'FASTLY_API_TOKEN' : 'CLOUDFLARE_API_TOKEN'
  const token = values[variable]
  if (token === undefined) throw new ConfigError(variable, `is needed by PURGE=${provider}:…, and is not set`)
  if (/[\s\u0000-\u001f\u007f]/.test(token)) throw new ConfigError(variable, 'holds spaces or control characters; give the token alone')
  return provider === 'fastly' ? { provider, serviceId: target, token } : { provider: 'cloudflare', zoneId: target, token }
}
