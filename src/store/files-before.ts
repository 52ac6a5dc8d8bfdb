import type { Article } from '../content/article.js'
import type { ArticleError } from '../errors/article-error.js'
import type { ArticleIndex } from './article-index.js'

interface FileBefore {
  readonly article: Article | undefined
  readonly refused: ArticleError | undefined
  readonly held: ArticleError | undefined
}

/**
 * Each file a change touched, as the catalog held it before (article-
 * catalog.ts notes it the first time the change touches it): what a change
 * whose site could not be built is put back to, so that the index is the
 * published site's again and an article page does not answer 200 for an
 * article in no feed (content-store.ts).
 */
export class FilesBefore {
  readonly #files = new Map<string, FileBefore>()

  /** Notes `file` as it is now, unless the change noted it already. */
  note(file: string, index: Pick<ArticleIndex, 'get'>, refused: ReadonlyMap<string, ArticleError>, held: ReadonlyMap<string, ArticleError>): void {
    if (!this.#files.has(file)) this.#files.set(file, { article: index.get(file), refused: refused.get(file), held: held.get(file) })
  }

  /** The files noted: those a change naming a folder touched, one by one (a batch that fails again is split by them). */
  files(): string[] {
    return [...this.#files.keys()]
  }

  /** Puts every file noted back as it was; returns the files. */
  restore(index: Pick<ArticleIndex, 'set' | 'delete'>, refused: Map<string, ArticleError>, held: Map<string, ArticleError>): string[] {
    for (const [file, before] of this.#files) {
      if (before.article) index.set(before.article)
      else index.delete(file)
      put(refused, file, before.refused)
      put(held, file, before.held)
    }
    return [...this.#files.keys()]
  }
}

function put<V>(map: Map<string, V>, key: string, value: V | undefined): void {
  if (value === undefined) map.delete(key)
  else map.set(key, value)
}
