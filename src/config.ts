import path from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError } from './errors/config-error.js'
import { LANGUAGE_TAG } from './text/patterns.js'
import { quoted, shownName } from './text/display.js'
import { redactUrl } from './text/redact.js'
import { xmlForbiddenProblem } from './text/xml-chars.js'
import type { CachePolicy } from './caching.js'
import { FEED_CONTENTS, type FeedContent } from './feeds/feed-model.js'
import { readCdnConfig, type CdnConfig } from './cdn/cdn-config.js'
import { readPlusConfig, type PlusConfig } from './plus/plus-config.js'
import { DEFAULT_SITE_SETTINGS, loadSiteSettings, type SiteSettings } from './site-settings.js'

/** The section whose feeds this service publishes (docs/contract.md: the economy desk). */
export interface Section {
  readonly slug: string
  readonly title: string
  readonly description: string
  /** Author of items whose article names none, and the feeds' own author. */
  readonly author: string
}

export interface Config {
  readonly port: number
  readonly host: string
  /** Absolute path of the folder of article files. */
  readonly articlesDir: string
  /** Absolute path of the folder served under `/media/`. */
  readonly mediaDir: string
  /** Public base URL, always ending in `/`; every absolute link starts with it. */
  readonly siteUrl: string
  readonly siteName: string
  /** Default language of articles and feeds (RFC 5646 tag). */
  readonly language: string
  /** IANA time zone for dates written without one. */
  readonly timeZone: string
  /** Items in a current feed document. */
  readonly feedLimit: number
  /** Items in one archive document (RFC 5005). */
  readonly archivePageSize: number
  /** What the section feeds' items carry: the whole article, or an excerpt with the lead image and a link. */
  readonly feedContent: FeedContent
  readonly cache: CachePolicy
  /** WebSub hub to advertise and notify; none by default. */
  readonly websubHub: string | undefined
  /** Article files read at most; more are refused with a log line. */
  readonly maxArticles: number
  /** Milliseconds between rescans of ARTICLES_DIR that catch changes the watcher missed; 0: none. */
  readonly rescanIntervalMs: number
  /** Milliseconds a client has to send its request headers (slow clients are cut off). */
  readonly headersTimeoutMs: number
  /** Milliseconds for a whole request, and for a socket to stay silent. */
  readonly requestTimeoutMs: number
  /** The site settings file (channel images, podcast, authors), and whether it was named explicitly. */
  readonly settingsFile: { readonly path: string; readonly required: boolean }
  /** Its contents; the defaults when there is no file, or when loadConfig was given no way to read one. */
  readonly settings: SiteSettings
  readonly section: Section
  /** Port of the metrics listener (/metrics, /stats); 0: none. */
  readonly metricsPort: number
  /** Address the metrics listener binds to: loopback unless the operator says otherwise. */
  readonly metricsHost: string
  /** Absolute path of the folder for small state files (the subscriber history). */
  readonly stateDir: string
  /** Milliseconds a client must wait between unconditional fetches of the same feed; 0: no limit. */
  readonly pollMinIntervalMs: number
  /** How log lines are written (LOG_FORMAT): `text` (the default) or `json`, one object per line. */
  readonly logFormat: 'text' | 'json'
  /** Whether every request is logged (ACCESS_LOG=1): method, route family, status, bytes, duration, User-Agent family. */
  readonly accessLog: boolean
  /** The CDN in front (CDN, PURGE, CDN_MAX_AGE; docs/deployment.md); undefined: none. */
  readonly cdn: CdnConfig | undefined
  /** Subscriber feeds (PLUS_SECRET, PLUS_SECRET_PREVIOUS, PLUS_REVOKED; docs/plus.md); undefined: plus articles are teasers only. */
  readonly plus: PlusConfig | undefined
}

/**
 * Each setting: its environment variable, the equivalent `--flag`, and the
 * default. The flag is the variable in lower case with `-` for `_`.
 */
const VARIABLES = [
  'PORT',
  'HOST',
  'ARTICLES_DIR',
  'MEDIA_DIR',
  'SITE_URL',
  'SITE_NAME',
  'SITE_LANG',
  'SITE_TZ',
  'FEED_LIMIT',
  'ARCHIVE_PAGE_SIZE',
  'FEED_CONTENT',
  'CACHE_MAX_AGE',
  'CACHE_STALE_WHILE_REVALIDATE',
  'CACHE_STALE_IF_ERROR',
  'ARCHIVE_MAX_AGE',
  'MEDIA_MAX_AGE',
  'WEBSUB_HUB',
  'MAX_ARTICLES',
  'RESCAN_INTERVAL',
  'HEADERS_TIMEOUT',
  'REQUEST_TIMEOUT',
  'SITE_CONFIG',
  'METRICS_PORT',
  'METRICS_HOST',
  'STATE_DIR',
  'POLL_MIN_INTERVAL',
  'LOG_FORMAT',
  'ACCESS_LOG',
  'CDN',
  'PURGE',
  'CDN_MAX_AGE',
] as const
type Variable = (typeof VARIABLES)[number]

export const MAX_FEED_LIMIT = 500
const YEAR = 365 * 24 * 3600

const flagName = (variable: Variable): string => variable.toLowerCase().replaceAll('_', '-')

/**
 * Reads a file's text; throws (with the error's `code`, such as ENOENT) when
 * it cannot. The entry points pass the file system's; tests pass none.
 */
export type ReadTextFile = (file: string) => string

/**
 * Reads the configuration from environment variables, overridden by
 * command-line flags, and the site settings file through `readFile`, in one
 * step: the result is complete and frozen. The only code that interprets the
 * environment (the entry points hand it `process.env`). Without `readFile` no
 * settings file is read and the settings are the defaults. Throws a
 * ConfigError naming the variable or file at fault.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[] = [],
  cwd: string = process.cwd(),
  readFile?: ReadTextFile,
): Config {
  const values = readValues(env, argv)
  const get = (variable: Variable): string | undefined => {
    const value = values[variable]?.trim()
    return value === undefined || value === '' ? undefined : value
  }

  const port = readInteger('PORT', get('PORT'), 3000, 0, 65535)
  const host = get('HOST') ?? '127.0.0.1'
  const articlesDir = path.resolve(cwd, get('ARTICLES_DIR') ?? 'articles')
  const mediaDir = path.resolve(cwd, get('MEDIA_DIR') ?? 'media')
  const siteUrl = readSiteUrl(get('SITE_URL') ?? `http://localhost:${port}/`)
  const language = get('SITE_LANG') ?? 'de'
  if (!LANGUAGE_TAG.test(language)) {
    throw new ConfigError('SITE_LANG', `"${language}" is not a language tag such as "de" or "de-DE"`)
  }
  const timeZone = get('SITE_TZ') ?? 'Europe/Berlin'
  try {
    new Intl.DateTimeFormat('en', { timeZone })
  } catch (cause) {
    throw new ConfigError('SITE_TZ', `"${timeZone}" is not an IANA time zone such as "Europe/Berlin"`, { cause })
  }

  const settingsFile = Object.freeze({ path: path.resolve(cwd, get('SITE_CONFIG') ?? 'site.yaml'), required: get('SITE_CONFIG') !== undefined })

  return Object.freeze({
    port,
    host,
    articlesDir,
    mediaDir,
    siteUrl,
    siteName: readText('SITE_NAME', get('SITE_NAME') ?? 'Beispielzeitung'),
    language,
    timeZone,
    feedLimit: readInteger('FEED_LIMIT', get('FEED_LIMIT'), 50, 1, MAX_FEED_LIMIT),
    archivePageSize: readInteger('ARCHIVE_PAGE_SIZE', get('ARCHIVE_PAGE_SIZE'), 50, 1, MAX_FEED_LIMIT),
    feedContent: readFeedContent(get('FEED_CONTENT')),
    cache: Object.freeze({
      maxAge: readInteger('CACHE_MAX_AGE', get('CACHE_MAX_AGE'), 300, 0, YEAR),
      staleWhileRevalidate: readInteger('CACHE_STALE_WHILE_REVALIDATE', get('CACHE_STALE_WHILE_REVALIDATE'), 60, 0, YEAR),
      staleIfError: readInteger('CACHE_STALE_IF_ERROR', get('CACHE_STALE_IF_ERROR'), 86400, 0, YEAR),
      archiveMaxAge: readInteger('ARCHIVE_MAX_AGE', get('ARCHIVE_MAX_AGE'), 86400, 0, YEAR),
      assetMaxAge: 3600,
      mediaMaxAge: readInteger('MEDIA_MAX_AGE', get('MEDIA_MAX_AGE'), 86400, 0, YEAR),
    }),
    websubHub: readHub(get('WEBSUB_HUB')),
    maxArticles: readInteger('MAX_ARTICLES', get('MAX_ARTICLES'), 200_000, 1, 10_000_000),
    rescanIntervalMs: readInteger('RESCAN_INTERVAL', get('RESCAN_INTERVAL'), 60, 0, 86400) * 1000,
    headersTimeoutMs: readInteger('HEADERS_TIMEOUT', get('HEADERS_TIMEOUT'), 10, 1, 3600) * 1000,
    requestTimeoutMs: readInteger('REQUEST_TIMEOUT', get('REQUEST_TIMEOUT'), 30, 1, 3600) * 1000,
    settingsFile,
    settings: readFile ? readSettings(settingsFile, siteUrl, readFile) : DEFAULT_SITE_SETTINGS,
    section: Object.freeze({
      slug: 'wirtschaft',
      title: 'Wirtschaft',
      description: 'Nachrichten und Analysen aus dem Wirtschaftsressort',
      author: 'Wirtschaftsredaktion',
    }),
    metricsPort: readInteger('METRICS_PORT', get('METRICS_PORT'), 9464, 0, 65535),
    metricsHost: get('METRICS_HOST') ?? '127.0.0.1',
    stateDir: path.resolve(cwd, get('STATE_DIR') ?? 'state'),
    pollMinIntervalMs: readInteger('POLL_MIN_INTERVAL', get('POLL_MIN_INTERVAL'), 0, 0, 86400) * 1000,
    logFormat: readChoice('LOG_FORMAT', get('LOG_FORMAT'), ['text', 'json']),
    accessLog: readChoice('ACCESS_LOG', get('ACCESS_LOG'), ['0', '1']) === '1',
    // The API tokens from the environment only: a flag would show them in the process list.
    cdn: readCdnConfig({
      CDN: get('CDN'),
      PURGE: get('PURGE'),
      CDN_MAX_AGE: get('CDN_MAX_AGE'),
      FASTLY_API_TOKEN: env.FASTLY_API_TOKEN?.trim() || undefined,
      CLOUDFLARE_API_TOKEN: env.CLOUDFLARE_API_TOKEN?.trim() || undefined,
    }),
    // Environment only, as the API tokens: the secrets must not show in the process list.
    plus: readPlusConfig(
      { PLUS_SECRET: env.PLUS_SECRET || undefined, PLUS_SECRET_PREVIOUS: env.PLUS_SECRET_PREVIOUS || undefined, PLUS_REVOKED: env.PLUS_REVOKED?.trim() || undefined },
      cwd,
    ),
  })
}

/** One of the allowed words; the first when the variable is not set. */
function readChoice<T extends string>(variable: Variable, raw: string | undefined, allowed: readonly [T, ...T[]]): T {
  if (raw === undefined) return allowed[0]
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(variable, `${quoted(raw)} is not one of ${allowed.join(', ')}`)
  return raw as T
}

/** The site settings file, read and checked; the defaults when it is missing and SITE_CONFIG did not name it. */
function readSettings(file: Config['settingsFile'], siteUrl: string, readFile: ReadTextFile): SiteSettings {
  let source: string
  try {
    source = readFile(file.path)
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    if (code === 'ENOENT' && !file.required) return DEFAULT_SITE_SETTINGS
    throw new ConfigError('SITE_CONFIG', `cannot read ${file.path} (${code ?? String(cause)})`, { cause })
  }
  return loadSiteSettings(source, path.basename(file.path), siteUrl)
}

function readValues(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
): Partial<Record<Variable, string>> {
  const options = Object.fromEntries(VARIABLES.map((v) => [flagName(v), { type: 'string' as const }]))
  let flags: Record<string, unknown>
  try {
    flags = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values
  } catch (cause) {
    throw new ConfigError('command line', commandLineProblem(argv), { cause })
  }
  const values: Partial<Record<Variable, string>> = {}
  for (const variable of VARIABLES) {
    const flag = flags[flagName(variable)]
    const value = typeof flag === 'string' ? flag : env[variable]
    if (value !== undefined) values[variable] = value
  }
  return values
}

/** What parseArgs refused, in our words rather than Node's: the first argument at fault. */
function commandLineProblem(argv: readonly string[]): string {
  const known = VARIABLES.map((v) => `--${flagName(v)}`)
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string
    const flag = /^-{1,2}[^=]*/.exec(arg)?.[0]
    if (flag === undefined) return `${quoted(arg)} is not a flag; flags start with --`
    if (!known.includes(flag)) return `${shownName(flag)} is not a known flag (known flags: ${known.join(', ')})`
    if (arg.includes('=')) continue
    // As parseArgs: a value that starts with a dash must be given as --flag=-value.
    const value = argv[++index]
    if (value === undefined || value.startsWith('-')) return `${flag} needs a value, as in ${flag}=VALUE`
  }
  return 'cannot be read: give each flag as --name VALUE or --name=VALUE'
}

function readInteger(variable: Variable, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(variable, `"${raw}" is not a whole number from ${min} to ${max}`)
  }
  return Number(raw)
}

/**
 * Text every document carries (titles of feeds, pages, the OPML list). It is
 * the operator's to fix, so it is refused at start rather than cleaned as
 * article text is (docs/configuration.md).
 */
function readText(variable: Variable, value: string): string {
  const problem = xmlForbiddenProblem(value)
  if (problem !== undefined) throw new ConfigError(variable, problem)
  return value
}

function readFeedContent(raw: string | undefined): FeedContent {
  if (raw === undefined) return 'full'
  if (!FEED_CONTENTS.includes(raw as FeedContent)) throw new ConfigError('FEED_CONTENT', `${quoted(raw)} is not full or excerpt`)
  return raw as FeedContent
}

function readSiteUrl(raw: string): string {
  const url = readHttpUrl('SITE_URL', raw, 'https://www.example.de/')
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError('SITE_URL', `"${raw}" must not carry a query, fragment or credentials`)
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/'
  return url.href
}

function readHub(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  const url = readHttpUrl('WEBSUB_HUB', raw, 'https://pubsubhubbub.appspot.com/')
  // fetch() refuses a URL with credentials (every ping would fail), and every feed publishes this URL (W3C WebSub §4).
  if (url.username || url.password) {
    throw new ConfigError('WEBSUB_HUB', `"${redactUrl(raw)}" must not carry a user name or password: the hub URL is published in every feed`)
  }
  return url.href
}

function readHttpUrl(variable: Variable, raw: string, example: string): URL {
  let url: URL
  // Shown without its query or credentials: a hub URL may carry a token.
  const shown = redactUrl(raw)
  try {
    url = new URL(raw)
  } catch (cause) {
    throw new ConfigError(variable, `"${shown}" is not an absolute URL such as ${example}`, { cause })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(variable, `"${shown}" must start with http:// or https://`)
  }
  return url
}
