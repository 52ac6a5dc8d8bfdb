import { articleKey } from './cache-keys.js'

/** Exported documents named in a line, at most; the rest are counted. */
const NAMED = 3

/**
 * The documents of a static export (export.ts) that show an article whose
 * body was given to a document not as written: plain text for now (its
 * render ran out of time, perhaps the machine's: a paused VM; a worker ended
 * on it), or empty (its file could not be read). The export writes them as
 * they are but keeps no inputs of them in its manifest, so the next export
 * renders them again, as the service renders such a body again later. Before,
 * their inputs were the same, and the next exports kept the plain text until
 * the article changed. Which documents show an article: those naming its key
 * (cache-keys.ts articleKey), a few more than hold its body (the index page).
 */
export class BodiesNotAsWritten {
  /** The store's: by article file, the path of its page (ContentStore.bodiesNotAsWritten); it grows as bodies render. */
  readonly #articles: ReadonlyMap<string, string>
  /** The article files by their keys, made again when the store's map grew (nothing forgets a body while an export runs). */
  #byKey = new Map<string, string>()
  /** By article file, the exported documents that show it. */
  readonly #documents = new Map<string, string[]>()

  constructor(articles: ReadonlyMap<string, string>) {
    this.#articles = articles
  }

  /** Whether the document exported as `file`, which names `keys`, shows such an article (noted for lines()). */
  shown(file: string, keys: readonly string[]): boolean {
    if (this.#articles.size === 0) return false
    // By the document's keys, not the articles': a starved machine may time out a thousand bodies, of 50,000 documents.
    if (this.#byKey.size !== this.#articles.size) this.#byKey = new Map([...this.#articles].map(([article, path]) => [articleKey(path), article]))
    let shown = false
    for (const key of keys) {
      const article = this.#byKey.get(key)
      if (article === undefined) continue
      shown = true
      const documents = this.#documents.get(article)
      if (documents) documents.push(file)
      else this.#documents.set(article, [file])
    }
    return shown
  }

  /** One line for each such article that a document shows, naming its file and those documents. */
  lines(): string[] {
    return [...this.#documents].sort(([a], [b]) => (a < b ? -1 : 1)).map(([article, files]) => {
      const sorted = [...files].sort()
      const named = sorted.length > NAMED ? `${sorted.slice(0, NAMED).join(', ')} and ${sorted.length - NAMED} more` : sorted.join(', ')
      const documents = sorted.length === 1 ? 'the document that shows it' : `the ${sorted.length} documents that show it`
      return `warning ${article}: body: not exported as written this time (plain text, or empty); the next export renders ${documents} again: ${named}`
    })
  }
}
