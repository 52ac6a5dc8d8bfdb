import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { keyIdOf, macsEqual, mintToken, plusKeys, verifyToken } from '../../src/plus/token.js'

const SECRET = 'a'.repeat(32) + '-current-secret-of-the-desk'
const PREVIOUS = 'b'.repeat(32) + '-previous-secret-of-the-desk'
const NOW = Date.parse('2026-12-01T12:00:00Z')
const keys = plusKeys(SECRET)
const rotating = plusKeys(SECRET, PREVIOUS)

/** The token with its part at `index` (0 key id, 1 subscriber, 2 expiry, 3 mac) replaced. */
function withPart(token: string, index: number, replace: (part: string) => string): string {
  const parts = token.split('.')
  parts[index] = replace(parts[index] as string)
  return parts.join('.')
}

/** One character changed to another of the base64url alphabet. */
const flipFirst = (part: string): string => (part[0] === 'A' ? 'B' : 'A') + part.slice(1)

describe('plus tokens', () => {
  it('mints a token of four base64url parts that verifies to its subscriber and expiry', () => {
    const token = mintToken(keys, 'abo-4711', Date.parse('2027-01-31T00:00:00Z'))
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[0-9]+\.[A-Za-z0-9_-]{43}$/)
    expect(verifyToken(keys, token, NOW)).toEqual({ status: 'valid', subscriber: 'abo-4711', expires: Date.parse('2027-01-31T00:00:00Z') })
  })

  it('mints a token without expiry that stays valid', () => {
    const token = mintToken(keys, 'abo-1', undefined)
    expect(verifyToken(keys, token, NOW + 50 * 365 * 86400_000)).toEqual({ status: 'valid', subscriber: 'abo-1', expires: undefined })
  })

  it('says expired for a genuine token past its expiry, and only then', () => {
    const token = mintToken(keys, 'abo-2', Date.parse('2026-11-30T23:59:59Z'))
    expect(verifyToken(keys, token, NOW)).toEqual({ status: 'expired', subscriber: 'abo-2', expires: Date.parse('2026-11-30T23:59:59Z') })
  })

  it('refuses a token tampered in each of its parts: key id, subscriber id, expiry, mac', () => {
    const token = mintToken(keys, 'abo-3', Date.parse('2026-12-02T00:00:00Z'))
    expect(verifyToken(keys, withPart(token, 0, flipFirst), NOW).status).toBe('invalid')
    expect(verifyToken(keys, withPart(token, 1, () => Buffer.from('abo-4').toString('base64url')), NOW).status).toBe('invalid')
    // A later expiry written by the holder: the mac no longer matches.
    expect(verifyToken(keys, withPart(token, 2, () => String(Date.parse('2030-01-01T00:00:00Z') / 1000)), NOW).status).toBe('invalid')
    expect(verifyToken(keys, withPart(token, 3, flipFirst), NOW).status).toBe('invalid')
    // The last character's unused bits set: the same mac bytes, but not the token that was minted.
    const unused = (mac: string) => mac.slice(0, -1) + String.fromCharCode(mac.charCodeAt(42) + 1)
    expect(verifyToken(keys, withPart(token, 3, unused), NOW).status).toBe('invalid')
    // An expired token made to look fresh is invalid, not expired: only a genuine expiry is told.
    const old = mintToken(keys, 'abo-3', Date.parse('2026-01-01T00:00:00Z'))
    expect(verifyToken(keys, withPart(old, 2, () => '1900000000'), NOW).status).toBe('invalid')
  })

  it('refuses a token whose key id names no key it knows, even with a mac made by another secret', () => {
    const other = plusKeys('c'.repeat(40))
    const foreign = mintToken(other, 'abo-5', undefined)
    expect(verifyToken(keys, foreign, NOW).status).toBe('invalid')
    // The right key id with a mac by another secret.
    expect(verifyToken(keys, withPart(foreign, 0, () => keyIdOf(SECRET)), NOW).status).toBe('invalid')
  })

  it('refuses malformed tokens: too few parts, bad characters, a mac of the wrong length, a non-number expiry', () => {
    const token = mintToken(keys, 'abo-6', undefined)
    for (const bad of ['', 'x', token.split('.').slice(0, 3).join('.'), `${token}.x`, token.replace('.', '!'), withPart(token, 3, (mac) => mac.slice(0, 20)), withPart(token, 2, () => '1e9')]) {
      expect(verifyToken(keys, bad, NOW).status, bad).toBe('invalid')
    }
  })

  it('keeps tokens of the previous secret valid during a rotation, and mints with the current one', () => {
    const old = mintToken(plusKeys(PREVIOUS), 'abo-7', undefined)
    expect(verifyToken(keys, old, NOW).status).toBe('invalid')
    expect(verifyToken(rotating, old, NOW)).toEqual({ status: 'valid', subscriber: 'abo-7', expires: undefined })
    expect(mintToken(rotating, 'abo-7', undefined).split('.')[0]).toBe(keyIdOf(SECRET))
  })

  it('derives the key id from the secret, and it does not reveal the secret', () => {
    expect(keyIdOf(SECRET)).toBe(keyIdOf(SECRET))
    expect(keyIdOf(SECRET)).not.toBe(keyIdOf(PREVIOUS))
    expect(keyIdOf(SECRET)).toMatch(/^[A-Za-z0-9_-]{8}$/)
    expect(keyIdOf(SECRET)).not.toBe(createHmac('sha256', SECRET).digest('base64url').slice(0, 8))
  })

  it('refuses to mint for a subscriber id that cannot be written in the revocation file', () => {
    expect(() => mintToken(keys, 'two words', undefined)).toThrow('subscriber id "two words" may hold only letters, digits and . _ @ + - (1 to 64 characters)')
    expect(() => mintToken(keys, '', undefined)).toThrow('subscriber id "" may hold only')
  })

  it('compares macs with crypto.timingSafeEqual, equal lengths given', () => {
    const a = Buffer.alloc(32, 1)
    expect(macsEqual(a, Buffer.alloc(32, 1))).toBe(true)
    expect(macsEqual(a, Buffer.from([...Buffer.alloc(31, 1), 2]))).toBe(false)
    expect(macsEqual(a, Buffer.alloc(16, 1))).toBe(false)
    const source = readFileSync(new URL('../../src/plus/token.ts', import.meta.url), 'utf8')
    const body = source.slice(source.indexOf('export function macsEqual'))
    expect(body.slice(0, body.indexOf('\n}\n'))).toContain('timingSafeEqual(')
    // No other comparison of macs in the file: no === on strings or buffers of macs.
    expect(source).not.toMatch(/mac\w*\s*===|===\s*\w*mac/i)
  })
})
