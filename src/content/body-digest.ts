import { createHash, webcrypto } from 'node:crypto'

/** Bodies this long are hashed on libuv's thread pool (webcrypto), shorter ones at once. */
const HASHED_AWAY = 64 * 1024

/**
 * The version of a Markdown body: 128 bits of its SHA-256, as 22 characters
 * (held for every article, and only ever compared). A body of up to 64 KiB
 * is hashed at once: at 50,000 files the promise of webcrypto's digest cost
 * ~5 s of the start, the hashing itself ~0.1 s. A longer one (up to 2 MiB)
 * is encoded here and hashed on the thread pool: for a body string of 2 M
 * characters that cost the event loop about what createHash of the string
 * does (4.0 against 3.7 ms, bench/hash-cost.ts), and the hash runs elsewhere.
 * (resource.ts hashes bytes here: Web Crypto's copy of bytes it is given
 * costs more than their hash.)
 */
export function bodyDigest(body: string): string | Promise<string> {
  if (body.length < HASHED_AWAY) return versionOf(createHash('sha256').update(body).digest())
  return webcrypto.subtle.digest('SHA-256', new TextEncoder().encode(body)).then((hash) => versionOf(Buffer.from(hash)))
}

/**
 * The first 22 characters of a hash's base64url, as a string of their own: a
 * slice of 13 characters or more is a view that keeps the whole text alive
 * (~100 bytes held per article against ~40, tests/content/held-strings.test.ts).
 */
const versionOf = (hash: Buffer): string => Buffer.from(hash.toString('base64url'), 'latin1').toString('latin1', 0, 22)
