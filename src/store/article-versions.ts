import type { Article } from '../content/article.js'
import type { ArticleSource } from '../content/article-source.js'
import { articleKeyFacts, versionDigest, type ArticleKeyFacts } from '../site/article-key-facts.js'
import { bodyDigest } from '../content/body-digest.js'

/**
 * What each published article's documents are made of, as a digest (the
 * version of its cache key, key-versions.ts): its fields and its Markdown body.
 * Content alone decides it: a folder swapped in with the same files gives
 * the same versions, so a reload purges only what differs. (Media files
 * have keys of their own: feedKeys.)
 */
export class ArticleVersions {
  /** Digests of bodies, recorded as files are read for the index. */
  readonly #bodies = new WeakMap<Article, string>()
  /** Versions, keys and view keys of articles, each worked out once (planSite). */
  readonly facts: ArticleKeyFacts = articleKeyFacts((article) => versionDigest(JSON.stringify([article, this.#bodies.get(article) ?? null])))

  /**
   * Whether `b`, read again, is what `a` was: the same fields and body. A
   * save shows up as two or more watch events, and a rescan may read a file
   * again: the published object then stays, and nothing is rendered again
   * (each edit rendered the current feeds twice).
   */
  same(a: Article, b: Article): boolean {
    const body = this.#bodies.get(a)
    return body !== undefined && body === this.#bodies.get(b) && JSON.stringify(a) === JSON.stringify(b)
  }

  /** `source`, recording the digest of every body read for the index. */
  wrap(source: ArticleSource): ArticleSource {
    return {
      ...source,
      readForIndex: async (file) => {
        const parsed = await source.readForIndex(file)
        if (parsed) this.#bodies.set(parsed.article, parsed.bodyDigest ?? (await bodyDigest(parsed.body)))
        return parsed
      },
      takeUnchanged:
        source.takeUnchanged &&
        ((file, stamp) => {
          const taken = source.takeUnchanged?.(file, stamp)
          if (taken) this.#bodies.set(taken.article, taken.bodyDigest)
          return taken
        }),
    }
  }
}
