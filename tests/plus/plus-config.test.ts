import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { ConfigError } from '../../src/errors/config-error.js'
import { keyIdOf } from '../../src/plus/token.js'

const cwd = path.resolve('/srv/feeds')
const SECRET = 's'.repeat(32)

describe('the plus settings in loadConfig', () => {
  it('has no plus without PLUS_SECRET', () => {
    expect(loadConfig({}, [], cwd).plus).toBeUndefined()
  })

  it('reads PLUS_SECRET, PLUS_SECRET_PREVIOUS and PLUS_REVOKED (resolved against the working folder)', () => {
    const plus = loadConfig({ PLUS_SECRET: SECRET, PLUS_SECRET_PREVIOUS: 'p'.repeat(40), PLUS_REVOKED: 'state/widerrufen.txt' }, [], cwd).plus
    expect(plus?.keys.map((key) => key.id)).toEqual([keyIdOf(SECRET), keyIdOf('p'.repeat(40))])
    expect(plus?.revokedFile).toBe(path.join(cwd, 'state/widerrufen.txt'))
    expect(loadConfig({ PLUS_SECRET: SECRET }, [], cwd).plus?.revokedFile).toBeUndefined()
  })

  it('refuses a PLUS_SECRET shorter than 32 bytes, naming the variable and never showing the secret', () => {
    const load = () => loadConfig({ PLUS_SECRET: 'kurz-und-geheim' }, [], cwd)
    expect(load).toThrow(ConfigError)
    // The whole message: the secret is not in it.
    expect(load).toThrow(/^PLUS_SECRET: is 15 bytes long; it must be at least 32 bytes \(e\.g\. the output of `openssl rand -base64 32`\)$/)
  })

  it('counts bytes, not characters: 31 bytes are refused, 32 accepted', () => {
    expect(() => loadConfig({ PLUS_SECRET: 'x'.repeat(31) }, [], cwd)).toThrow('PLUS_SECRET: is 31 bytes long')
    expect(loadConfig({ PLUS_SECRET: 'ä'.repeat(16) }, [], cwd).plus).toBeDefined()
  })

  it('refuses a short PLUS_SECRET_PREVIOUS, one equal to PLUS_SECRET, and either of the others without PLUS_SECRET', () => {
    expect(() => loadConfig({ PLUS_SECRET: SECRET, PLUS_SECRET_PREVIOUS: 'alt' }, [], cwd)).toThrow('PLUS_SECRET_PREVIOUS: is 3 bytes long')
    expect(() => loadConfig({ PLUS_SECRET: SECRET, PLUS_SECRET_PREVIOUS: SECRET }, [], cwd)).toThrow('PLUS_SECRET_PREVIOUS: is the same as PLUS_SECRET')
    expect(() => loadConfig({ PLUS_SECRET_PREVIOUS: SECRET }, [], cwd)).toThrow('PLUS_SECRET_PREVIOUS: needs PLUS_SECRET')
    expect(() => loadConfig({ PLUS_REVOKED: 'x.txt' }, [], cwd)).toThrow('PLUS_REVOKED: needs PLUS_SECRET')
  })

  it('takes the secrets from the environment only: no flag shows them in the process list', () => {
    expect(() => loadConfig({}, ['--plus-secret', SECRET], cwd)).toThrow('command line: --plus-secret is not a known flag')
  })
})
