import type { Article } from '../content/article.js'
import type { ArticleSource } from '../content/article-source.js'
import { digest } from '../site/cache-keys.js'

/**
 * What each published article's documents are made of, as a digest (the
 * version of its cache key, cache-keys.ts): its fields and its Markdown body.
 * Content alone decides it: a folder swapped in with the same files gives
 * the same versions, so a reload purges only what differs. (Media files
 * have keys of their own: feedKeys.)
 */
export class ArticleVersions {
  /** Digests of bodies, recorded as files are read for the index. */
  readonly #bodies = new WeakMap<Article, string>()
  readonly #versions = new WeakMap<Article, string>()

  /** `source`, recording the digest of every body read for the index. */
  wrap(source: ArticleSource): ArticleSource {
    return {
      ...source,
      readForIndex: async (file) => {
        const parsed = await source.readForIndex(file)
        if (parsed) this.#bodies.set(parsed.article, digest(parsed.body))
        return parsed
      },
    }
  }

  /** The version of an article; worked out once per article. */
  readonly of = (article: Article): string => {
    let version = this.#versions.get(article)
    if (version === undefined) {
      version = digest(JSON.stringify([article, this.#bodies.get(article) ?? null]))
      this.#versions.set(article, version)
    }
    return version
  }
}
