/** The files under one value of a key: one file's name as it is (nearly all), a Set once a second file shares it. */
export type Files = string | Set<string>
/** Files by value, for one kind of key. */
export type FilesByValue = Map<string, Files>

/** Puts `file` under `value`: held as the file's own string until a second file shares it. */
export function addFile(values: FilesByValue, value: string, file: string): void {
  const files = values.get(value)
  if (files === undefined) values.set(value, file)
  else if (typeof files !== 'string') files.add(file)
  else if (files !== file) values.set(value, new Set([files, file]))
}

/** Takes `file` from under `value`; the one file left is held as its string again. */
export function deleteFile(values: FilesByValue, value: string, file: string): void {
  const files = values.get(value)
  if (files === undefined) return
  if (typeof files === 'string') {
    if (files === file) values.delete(value)
    return
  }
  files.delete(file)
  if (files.size === 1) values.set(value, files.values().next().value as string)
}

/** Adds the files of one value (none, one, or a Set) to `into`. */
export function addFiles(into: Set<string>, files: Files | undefined): void {
  if (files === undefined) return
  if (typeof files === 'string') into.add(files)
  else for (const file of files) into.add(file)
}

/** Adds every file under a value it shares with another to `into`. */
export function addSharing(into: Set<string>, values: FilesByValue): void {
  for (const files of values.values()) if (typeof files !== 'string') for (const file of files) into.add(file)
}

/**
 * Files by key, for the index's lookups by page path and by plus media: a
 * key is a kind (a handful) and a value (a path: strings the article holds
 * already), so no key string is made per article; and a key used by one
 * file, as nearly all are, holds that file's name, not a Set. At 10,000
 * articles the Sets and key strings took ~700 bytes an article. (The
 * clashing slugs and ids keep a FilesByValue per kind: ArticleClashes.)
 */
export class FilesByKey {
  readonly #kinds = new Map<string, FilesByValue>()

  clear(): void {
    this.#kinds.clear()
  }

  /** The files under a key, in the order they were added. */
  get(kind: string, value: string): Iterable<string> {
    const files = this.#kinds.get(kind)?.get(value)
    return files === undefined ? [] : typeof files === 'string' ? [files] : files
  }

  add(kind: string, value: string, file: string): void {
    let values = this.#kinds.get(kind)
    if (!values) {
      values = new Map()
      this.#kinds.set(kind, values)
    }
    addFile(values, value, file)
  }

  delete(kind: string, value: string, file: string): void {
    const values = this.#kinds.get(kind)
    if (values !== undefined) deleteFile(values, value, file)
  }

  /** Moves `file` from the values `from` of a kind to the values `to`, leaving in place a value in both (ArticleIndex#change). */
  move(kind: string, from: readonly string[], to: readonly string[], file: string): void {
    for (const value of to) this.add(kind, value, file)
    for (const value of from) if (!to.includes(value)) this.delete(kind, value, file)
  }
}
