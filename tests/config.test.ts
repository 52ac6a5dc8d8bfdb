import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { ConfigError } from '../src/errors/config-error.js'

const cwd = path.resolve('/srv/feeds')

function thrown(fn: () => unknown): Error {
  try {
    fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

describe('loadConfig', () => {
  it('uses the contract defaults when nothing is set', () => {
    const config = loadConfig({}, [], cwd)
    expect(config.port).toBe(3000)
    expect(config.host).toBe('127.0.0.1')
    expect(config.articlesDir).toBe(path.join(cwd, 'articles'))
    expect(config.mediaDir).toBe(path.join(cwd, 'media'))
    expect(config.siteUrl).toBe('http://localhost:3000/')
    expect(config.timeZone).toBe('Europe/Berlin')
    expect(config.language).toBe('de')
    expect(config.feedLimit).toBe(50)
    expect(config.section.slug).toBe('wirtschaft')
    expect(config.rescanIntervalMs).toBe(60_000)
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('reads RESCAN_INTERVAL in seconds, 0 turning the rescan off', () => {
    expect(loadConfig({ RESCAN_INTERVAL: '15' }, [], cwd).rescanIntervalMs).toBe(15_000)
    expect(loadConfig({ RESCAN_INTERVAL: '0' }, [], cwd).rescanIntervalMs).toBe(0)
    expect(() => loadConfig({ RESCAN_INTERVAL: '-1' }, [], cwd)).toThrow('RESCAN_INTERVAL: "-1" is not a whole number from 0 to 86400')
  })

  it('reads the operations settings: the metrics listener on 127.0.0.1:9464, STATE_DIR, POLL_MIN_INTERVAL off', () => {
    const defaults = loadConfig({}, [], cwd)
    expect([defaults.metricsPort, defaults.metricsHost, defaults.stateDir, defaults.pollMinIntervalMs]).toEqual([9464, '127.0.0.1', path.join(cwd, 'state'), 0])
    const set = loadConfig({ METRICS_PORT: '0', METRICS_HOST: '10.0.0.5', STATE_DIR: '/var/lib/feeds', POLL_MIN_INTERVAL: '300' }, [], cwd)
    expect([set.metricsPort, set.metricsHost, set.stateDir, set.pollMinIntervalMs]).toEqual([0, '10.0.0.5', '/var/lib/feeds', 300_000])
    expect(loadConfig({}, ['--metrics-port', '9100', '--poll-min-interval=60'], cwd).metricsPort).toBe(9100)
    expect(() => loadConfig({ METRICS_PORT: '70000' }, [], cwd)).toThrow('METRICS_PORT: "70000" is not a whole number from 0 to 65535')
    expect(() => loadConfig({ POLL_MIN_INTERVAL: '5m' }, [], cwd)).toThrow('POLL_MIN_INTERVAL: "5m" is not a whole number from 0 to 86400')
  })

  it('reads LOG_FORMAT (text by default, or json) and ACCESS_LOG (off by default, 1 turns it on), refusing other values', () => {
    expect([loadConfig({}, [], cwd).logFormat, loadConfig({}, [], cwd).accessLog]).toEqual(['text', false])
    const config = loadConfig({ LOG_FORMAT: 'json', ACCESS_LOG: '1' }, [], cwd)
    expect([config.logFormat, config.accessLog]).toEqual(['json', true])
    expect(loadConfig({ ACCESS_LOG: '0' }, ['--log-format', 'json'], cwd).logFormat).toBe('json')
    expect(() => loadConfig({ LOG_FORMAT: 'JSON' }, [], cwd)).toThrow('LOG_FORMAT: "JSON" is not one of text, json')
    expect(() => loadConfig({ ACCESS_LOG: 'yes' }, [], cwd)).toThrow('ACCESS_LOG: "yes" is not one of 0, 1')
  })

  it('never shows a secret of a WEBSUB_HUB it refuses: its query and credentials are redacted', () => {
    expect(() => loadConfig({ WEBSUB_HUB: 'ftp://u:geheim@hub.example/?token=geheim' }, [], cwd)).toThrow(
      /^WEBSUB_HUB: "ftp:\/\/\[redacted\]@hub\.example\/\?\[redacted\]" must start with http:\/\/ or https:\/\/$/,
    )
    expect(() => loadConfig({ WEBSUB_HUB: 'hub.example/?token=geheim' }, [], cwd)).toThrow(
      'WEBSUB_HUB: "hub.example/?[redacted]" is not an absolute URL such as https://pubsubhubbub.appspot.com/',
    )
  })

  it('refuses a WEBSUB_HUB with credentials, which fetch cannot send and every feed would publish', () => {
    expect(() => loadConfig({ WEBSUB_HUB: 'http://user:sekret@127.0.0.1:9/hub?token=X' }, [], cwd)).toThrow(
      /^WEBSUB_HUB: "http:\/\/\[redacted\]@127\.0\.0\.1:9\/hub\?\[redacted\]" must not carry a user name or password: the hub URL is published in every feed$/,
    )
    expect(() => loadConfig({ WEBSUB_HUB: 'https://user@hub.example/' }, [], cwd)).toThrow(
      'WEBSUB_HUB: "https://[redacted]@hub.example/" must not carry a user name or password: the hub URL is published in every feed',
    )
  })

  it('derives the default SITE_URL from PORT', () => {
    expect(loadConfig({ PORT: '8080' }, [], cwd).siteUrl).toBe('http://localhost:8080/')
  })

  it('reads every variable from the environment', () => {
    const config = loadConfig(
      {
        PORT: '3100',
        HOST: '0.0.0.0',
        ARTICLES_DIR: 'content/texte',
        MEDIA_DIR: '/var/media',
        SITE_URL: 'https://www.example.de/nachrichten',
        SITE_NAME: 'Rheinpost',
        SITE_LANG: 'de-AT',
        SITE_TZ: 'Europe/Vienna',
        FEED_LIMIT: '20',
      },
      [],
      cwd,
    )
    expect(config).toMatchObject({
      port: 3100,
      host: '0.0.0.0',
      articlesDir: path.join(cwd, 'content/texte'),
      mediaDir: path.resolve('/var/media'),
      siteUrl: 'https://www.example.de/nachrichten/',
      siteName: 'Rheinpost',
      language: 'de-AT',
      timeZone: 'Europe/Vienna',
      feedLimit: 20,
    })
  })

  it('lets command-line flags override the environment', () => {
    const config = loadConfig({ PORT: '3100', SITE_URL: 'http://a.example/' }, ['--port', '4000', '--site-url=https://b.example'], cwd)
    expect(config.port).toBe(4000)
    expect(config.siteUrl).toBe('https://b.example/')
  })

  it.each([
    [{ PORT: 'abc' }, 'PORT: "abc" is not a whole number from 0 to 65535'],
    [{ PORT: '70000' }, 'PORT: "70000" is not a whole number from 0 to 65535'],
    [{ SITE_URL: 'example.de' }, 'SITE_URL: "example.de" is not an absolute URL such as https://www.example.de/'],
    [{ SITE_URL: 'ftp://example.de/' }, 'SITE_URL: "ftp://example.de/" must start with http:// or https://'],
    [{ SITE_URL: 'https://example.de/?x=1' }, 'SITE_URL: "https://example.de/?x=1" must not carry a query, fragment or credentials'],
    [{ SITE_TZ: 'Mars/Olympus' }, 'SITE_TZ: "Mars/Olympus" is not an IANA time zone such as "Europe/Berlin"'],
    [{ SITE_LANG: 'deutsch!' }, 'SITE_LANG: "deutsch!" is not a language tag such as "de" or "de-DE"'],
    [{ FEED_LIMIT: '0' }, 'FEED_LIMIT: "0" is not a whole number from 1 to 500'],
    [{ SITE_NAME: 'Rhein\u0001post\u0085' }, 'SITE_NAME: holds control or non-characters XML cannot carry (U+0001, U+0085); remove them'],
    [{ SITE_NAME: 'Rheinpost \uFFFE\uD800' }, 'SITE_NAME: holds control or non-characters XML cannot carry (U+FFFE, U+D800); remove them'],
  ])('refuses %o with an error naming the variable', (env, message) => {
    const error = thrown(() => loadConfig(env, [], cwd))
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.message).toBe(message)
    expect((error as ConfigError).variable).toBe(Object.keys(env)[0])
  })

  it('refuses an unknown flag and lists the known ones', () => {
    expect(() => loadConfig({}, ['--prot', '1'], cwd)).toThrow(/^command line: --prot is not a known flag \(known flags: --port, --host, --articles-dir/)
    expect(() => loadConfig({}, ['-p', '1'], cwd)).toThrow(/^command line: -p is not a known flag \(known flags: --port, --host, --articles-dir/)
  })

  it.each([
    [['--port'], 'command line: --port needs a value, as in --port=VALUE'],
    [['--port', '--host', 'x'], 'command line: --port needs a value, as in --port=VALUE'],
    [['artikel'], 'command line: "artikel" is not a flag; flags start with --'],
  ])('refuses the command line %j in its own words', (argv, message) => {
    const error = thrown(() => loadConfig({}, argv, cwd))
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.message).toBe(message)
  })
})
