/**
 * Fast non-cryptographic hashes for cache keys and their versions
 * (site/cache-keys.ts): cyrb53 (bryc, public domain), 53 bits, on text and
 * on sequences of numbers. Not for anything an attacker may choose to collide.
 */

/** cyrb53 (bryc, public domain): 53 bits, as 14 hex digits. */
export function fastHash(text: string): string {
  return hashNumber(text).toString(16).padStart(14, '0')
}

/** cyrb53 (bryc, public domain): 53 bits, as a number. */
export function hashNumber(text: string): number {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ code, 2654435761)
    h2 = Math.imul(h2 ^ code, 1597334677)
  }
  return finish(h1, h2)
}

function finish(h1: number, h2: number): number {
  const a = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  const b = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909)
  return 4294967296 * (2097151 & b) + (a >>> 0)
}

/**
 * An order-sensitive digest of a sequence of numbers (cyrb53's mixing, fed
 * 32-bit words, with a rotation): the version of a list of articles from
 * each one's hash, worked out once per article, without writing the list as
 * text. At 50,000 articles the sitemap's version was a SHA-256 of 2 MB of
 * text written on every edit.
 */
export class Sequence {
  #h1 = 0xdeadbeef
  #h2 = 0x41c6ce57

  add(value: number): this {
    this.#word(value >>> 0)
    this.#word(Math.floor(value / 4294967296) >>> 0)
    return this
  }

  /** The digest so far, as text; more may be added after. */
  value(): string {
    return finish(this.#h1, this.#h2).toString(36)
  }

  #word(word: number): void {
    const h1 = Math.imul(this.#h1 ^ word, 2654435761)
    const h2 = Math.imul(this.#h2 ^ word, 1597334677)
    this.#h1 = (h1 << 13) | (h1 >>> 19)
    this.#h2 = (h2 << 17) | (h2 >>> 15)
  }
}
