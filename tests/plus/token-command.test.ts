import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { plusTokenCommand } from '../../src/plus/token-command.js'
import { verifyToken } from '../../src/plus/token.js'

const SECRET = 'k'.repeat(32)
const NOW = Date.parse('2026-12-01T12:00:00Z')
const config = loadConfig({ PLUS_SECRET: SECRET, SITE_URL: 'https://www.example.de/' }, [], '/srv/feeds')
const CLI = fileURLToPath(new URL('../../dist/plus-token.js', import.meta.url))

/** The token in the first URL printed. */
const tokenIn = (output: string): string => /\/wirtschaft\/plus\/([^/]+)\/feed\.xml/.exec(output)?.[1] ?? 'none printed'

describe('plus-token', () => {
  it('prints the four feed URLs of one subscriber, on SITE_URL, with a token that verifies', () => {
    const output = plusTokenCommand(['--subscriber', 'abo-4711', '--expires', '2027-01-31'], config, NOW)
    const token = tokenIn(output)
    expect(output).toBe(
      [
        'Plus feeds for abo-4711 (valid until 2027-01-30T23:00:00.000Z):',
        `RSS:        https://www.example.de/wirtschaft/plus/${token}/feed.xml`,
        `Atom:       https://www.example.de/wirtschaft/plus/${token}/atom.xml`,
        `JSON Feed:  https://www.example.de/wirtschaft/plus/${token}/feed.json`,
        `Podcast:    https://www.example.de/wirtschaft/plus/${token}/podcast.xml`,
        '',
      ].join('\n'),
    )
    // A date alone is midnight at its start in SITE_TZ (Europe/Berlin).
    expect(verifyToken(config.plus!.keys, token, NOW)).toEqual({ status: 'valid', subscriber: 'abo-4711', expires: Date.parse('2027-01-30T23:00:00Z') })
  })

  it('mints a token without expiry when --expires is left out, and says so', () => {
    const output = plusTokenCommand(['--subscriber', 'abo-1'], config, NOW)
    expect(output.split('\n')[0]).toBe('Plus feeds for abo-1 (no expiry; ends when revoked (PLUS_REVOKED)):')
    expect(verifyToken(config.plus!.keys, tokenIn(output), NOW + 100 * 365 * 86400_000).status).toBe('valid')
  })

  it('refuses what cannot make a working token, naming the variable or flag', () => {
    expect(() => plusTokenCommand(['--subscriber', 'abo'], loadConfig({}, [], '/srv'), NOW)).toThrow('PLUS_SECRET: is not set: tokens are signed with it')
    expect(() => plusTokenCommand([], config, NOW)).toThrow('--subscriber: is missing')
    expect(() => plusTokenCommand(['--subscriber', 'a b'], config, NOW)).toThrow('--subscriber: "a b" may hold only letters, digits and . _ @ + -')
    expect(() => plusTokenCommand(['--subscriber', 'abo', '--expires', 'morgen'], config, NOW)).toThrow('--expires: "morgen" is not an ISO 8601 date')
    expect(() => plusTokenCommand(['--subscriber', 'abo', '--expires', '2026-11-01'], config, NOW)).toThrow('--expires: 2026-10-31T23:00:00.000Z has passed')
    expect(() => plusTokenCommand(['--subscriber', 'abo', '--bis', 'x'], config, NOW)).toThrow('command line: give --subscriber <id>')
  })

  it('runs as the built entry point (npm run plus-token), and refuses a short PLUS_SECRET naming it', () => {
    const env = { PATH: process.env.PATH ?? '', SITE_URL: 'https://www.example.de/', PLUS_SECRET: SECRET }
    const run = spawnSync(process.execPath, [CLI, '--subscriber', 'abo-9'], { env, encoding: 'utf8', cwd: path.dirname(CLI) })
    expect([run.status, run.stderr]).toEqual([0, ''])
    expect(run.stdout).toMatch(/^Plus feeds for abo-9 \(no expiry.*\nRSS: +https:\/\/www\.example\.de\/wirtschaft\/plus\/[^/]+\/feed\.xml\n/)
    expect(verifyToken(config.plus!.keys, tokenIn(run.stdout), Date.now()).status).toBe('valid')
    const short = spawnSync(process.execPath, [CLI, '--subscriber', 'abo-9'], { env: { ...env, PLUS_SECRET: 'zu-kurz' }, encoding: 'utf8' })
    expect([short.status, short.stderr.trim()]).toEqual([1, 'configuration error: PLUS_SECRET: is 7 bytes long; it must be at least 32 bytes (e.g. the output of `openssl rand -base64 32`)'])
  })
})
