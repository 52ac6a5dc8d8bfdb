/**
 * Files by key, for the index's lookups (page paths, clashing slugs and ids):
 * a key is a kind (a handful: `slug` of a category, `id` of a category, a
 * name) and a value (a slug, an id, a path: strings the article holds
 * already), so no key string is made per article; and a key used by one
 * file, as nearly all are, holds that file's name, not a Set. At 10,000
 * articles the Sets and key strings took ~700 bytes an article.
 */
export class FilesByKey {
  readonly #kinds = new Map<string, Map<string, string | Set<string>>>()

  clear(): void {
    this.#kinds.clear()
  }

  /** The files under a key, in the order they were added. */
  get(kind: string, value: string): Iterable<string> {
    const files = this.#kinds.get(kind)?.get(value)
    return files === undefined ? [] : typeof files === 'string' ? [files] : files
  }

  /** Whether more than one file is under a key. */
  shared(kind: string, value: string): boolean {
    return typeof (this.#kinds.get(kind)?.get(value) ?? '') !== 'string'
  }

  /** Every file under a key it shares with another, once each. */
  sharingFiles(): Set<string> {
    const files = new Set<string>()
    for (const values of this.#kinds.values()) for (const under of values.values()) if (typeof under !== 'string') for (const file of under) files.add(file)
    return files
  }

  add(kind: string, value: string, file: string): void {
    let values = this.#kinds.get(kind)
    if (!values) {
      values = new Map()
      this.#kinds.set(kind, values)
    }
    const files = values.get(value)
    if (files === undefined || files === file) values.set(value, file)
    else if (typeof files === 'string') values.set(value, new Set([files, file]))
    else files.add(file)
  }

  delete(kind: string, value: string, file: string): void {
    const values = this.#kinds.get(kind)
    const files = values?.get(value)
    if (values === undefined || files === undefined) return
    if (typeof files === 'string') {
      if (files === file) values.delete(value)
      return
    }
    files.delete(file)
    if (files.size === 1) values.set(value, files.values().next().value as string)
  }
}
