import { addFile, addFiles, deleteFile, type Files, type FilesByValue } from './files-by-key.js'

/**
 * Article files whose names are one name once normalised (ö as one character
 * or as o and U+0308, which macOS tools write; K and the Kelvin sign), for
 * ArticleClashes. Only the files whose names are not their own normal form
 * are held, very few; the file that bears a name itself is the index's
 * (`has`). A map of every file's name took 46 bytes an article
 * (tests/store/clash-memory.test.ts).
 */
export class NameForms {
  readonly #has: (file: string) => boolean
  /** name once normalised → the files whose names are not so already */
  readonly #others: FilesByValue = new Map()

  /** @param has whether the index holds a file of that name */
  constructor(has: (file: string) => boolean) {
    this.#has = has
  }

  clear(): void {
    this.#others.clear()
  }

  add(file: string): void {
    const name = nameOf(file)
    if (name !== file) addFile(this.#others, name, file)
  }

  remove(file: string): void {
    const name = nameOf(file)
    if (name !== file) deleteFile(this.#others, name, file)
  }

  /** The files (`file` too, while the index has it) whose names are `file`'s once normalised: a Set when there are two or more. */
  of(file: string): Files | undefined {
    const name = nameOf(file)
    const others = this.#others.get(name)
    if (!this.#has(name)) return others
    if (others === undefined) return name
    return new Set([name, ...(typeof others === 'string' ? [others] : others)])
  }

  /** Adds to `into` every file whose name another shares once normalised. */
  addSharing(into: Set<string>): void {
    for (const name of this.#others.keys()) {
      const files = this.of(name)
      if (typeof files === 'object') addFiles(into, files)
    }
  }
}

/** The file's name once normalised: the file's own string when it is so already (nearly always: ASCII is), no copy. */
function nameOf(file: string): string {
  return ASCII.test(file) ? file : file.normalize('NFC')
}
const ASCII = /^[\x00-\x7f]*$/
