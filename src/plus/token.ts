import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Plus tokens: stateless, so any instance checks any subscriber's feed URL
 * without a database. A token is four parts joined by `.`, each safe in a URL
 * path segment:
 *
 *     <key id>.<subscriber id, base64url>.<expiry, Unix seconds; 0: none>.<HMAC-SHA256, base64url>
 *
 * The mac covers the key id, the subscriber id and the expiry, so changing
 * any part invalidates it. The key id is derived from the secret: a token
 * names the secret that signed it, and PLUS_SECRET_PREVIOUS keeps the
 * tokens of the last secret valid while a rotation runs (docs/plus.md).
 */

/** A secret and the key id derived from it. */
export interface PlusKey {
  readonly id: string
  readonly secret: Buffer
}

/** The keys tokens are checked with: the current one (which mints) first. */
export type PlusKeys = readonly [PlusKey, ...PlusKey[]]

export type TokenCheck =
  | { readonly status: 'valid' | 'expired'; readonly subscriber: string; readonly expires: number | undefined }
  | { readonly status: 'invalid' }

/** What a subscriber id may hold: it goes into the revocation file, one per line, and into log-free URLs. */
export const SUBSCRIBER_ID = /^[A-Za-z0-9._@+-]{1,64}$/
// 32 bytes of mac are 43 base64url characters whose last holds 2 unused bits: only the spelling with
// them 0 is the token minted (else four spellings of one token would each pass).
const TOKEN = /^([A-Za-z0-9_-]{8})\.([A-Za-z0-9_-]{1,88})\.(0|[1-9][0-9]{0,11})\.([A-Za-z0-9_-]{42}[AEIMQUYcgkosw048])$/
/** Separates the mac's input from any other use of the secret. */
const DOMAIN = 'wirtschaft-feeds plus token v1'

/** The key id of a secret: 8 base64url characters of a hash, which tell secrets apart and reveal nothing of them. */
export function keyIdOf(secret: string | Buffer): string {
  return createHash('sha256').update('wirtschaft-feeds plus key id\0').update(secret).digest('base64url').slice(0, 8)
}

/** The keys for PLUS_SECRET and, during a rotation, PLUS_SECRET_PREVIOUS. */
export function plusKeys(secret: string, previous?: string): PlusKeys {
  const key = (text: string): PlusKey => ({ id: keyIdOf(text), secret: Buffer.from(text, 'utf8') })
  return previous === undefined ? [key(secret)] : [key(secret), key(previous)]
}

function macOf(key: PlusKey, subscriberPart: string, expiryPart: string): Buffer {
  return createHmac('sha256', key.secret).update(`${DOMAIN}\n${key.id}\n${subscriberPart}\n${expiryPart}`).digest()
}

/**
 * A token for `subscriber`, signed with the current key; `expires` in
 * milliseconds since the epoch (rounded down to the second), or undefined
 * for a token that ends only by revocation.
 */
export function mintToken(keys: PlusKeys, subscriber: string, expires: number | undefined): string {
  if (!SUBSCRIBER_ID.test(subscriber)) {
    throw new Error(`subscriber id "${subscriber}" may hold only letters, digits and . _ @ + - (1 to 64 characters)`)
  }
  const key = keys[0]
  const subscriberPart = Buffer.from(subscriber, 'utf8').toString('base64url')
  const expiryPart = expires === undefined ? '0' : String(Math.max(1, Math.floor(expires / 1000)))
  return `${key.id}.${subscriberPart}.${expiryPart}.${macOf(key, subscriberPart, expiryPart).toString('base64url')}`
}

/**
 * Checks a token at `now` (ms): `valid`, `expired` (genuine, but past its
 * expiry) or `invalid` (malformed, an unknown key id, or any part changed).
 * The mac is compared in constant time (macsEqual); only a token whose mac
 * holds is told apart as expired. Revocation is the caller's to check.
 */
export function verifyToken(keys: PlusKeys, token: string, now: number): TokenCheck {
  const match = TOKEN.exec(token)
  if (!match) return INVALID
  const [, keyId, subscriberPart, expiryPart, macPart] = match as unknown as [string, string, string, string, string]
  const key = keys.find((candidate) => candidate.id === keyId)
  if (!key) return INVALID
  const given = Buffer.from(macPart, 'base64url')
  if (!macsEqual(macOf(key, subscriberPart, expiryPart), given)) return INVALID
  // Canonical base64url only: another spelling of the same bytes is not the token that was minted.
  const subscriberBytes = Buffer.from(subscriberPart, 'base64url')
  const subscriber = subscriberBytes.toString('utf8')
  if (subscriberBytes.toString('base64url') !== subscriberPart || !SUBSCRIBER_ID.test(subscriber)) return INVALID
  const expires = expiryPart === '0' ? undefined : Number(expiryPart) * 1000
  return { status: expires !== undefined && now >= expires ? 'expired' : 'valid', subscriber, expires }
}

const INVALID: TokenCheck = Object.freeze({ status: 'invalid' })

/**
 * Whether two macs are equal, in time that depends on their length only
 * (crypto.timingSafeEqual): a client timing its guesses learns nothing of
 * the right mac. Different lengths are unequal (timingSafeEqual throws on them).
 */
export function macsEqual(expected: Buffer, given: Buffer): boolean {
  return expected.length === given.length && timingSafeEqual(expected, given)
}
