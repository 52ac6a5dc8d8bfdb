/**
 * A Map that forgets its least recently used entries beyond `capacity`
 * entries, or beyond `maxWeight` in all (bytes, say). An entry's weight may be
 * given later, with weigh(), when it is known only once a promise resolves.
 */
export class LruCache<K, V> {
  readonly #entries = new Map<K, { readonly value: V; weight: number }>()
  readonly #capacity: number
  readonly #maxWeight: number
  #weight = 0

  constructor(capacity: number, maxWeight = Number.POSITIVE_INFINITY) {
    this.#capacity = capacity
    this.#maxWeight = maxWeight
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key)
    if (entry !== undefined) {
      // Re-insert: a Map iterates in insertion order, so the oldest comes first.
      this.#entries.delete(key)
      this.#entries.set(key, entry)
    }
    return entry?.value
  }

  set(key: K, value: V, weight = 0): void {
    this.delete(key)
    this.#entries.set(key, { value, weight })
    this.#weight += weight
    this.#evict()
  }

  /** Sets the weight of an entry that is still there (and evicts what no longer fits). */
  weigh(key: K, weight: number, value: V): void {
    const entry = this.#entries.get(key)
    // Only the entry that was set with this value: it may have been replaced meanwhile.
    if (entry === undefined || entry.value !== value) return
    this.#weight += weight - entry.weight
    entry.weight = weight
    this.#evict()
  }

  delete(key: K): void {
    const entry = this.#entries.get(key)
    if (entry === undefined) return
    this.#weight -= entry.weight
    this.#entries.delete(key)
  }

  clear(): void {
    this.#entries.clear()
    this.#weight = 0
  }

  get size(): number {
    return this.#entries.size
  }

  /** The weights of all entries, added up. */
  get weight(): number {
    return this.#weight
  }

  #evict(): void {
    while (this.#entries.size > this.#capacity || this.#weight > this.#maxWeight) {
      const oldest = this.#entries.keys().next()
      if (oldest.done) return
      this.delete(oldest.value)
    }
  }
}
