import type { Article } from '../content/article.js'
import { ArticleError, type ArticleProblem } from '../errors/article-error.js'

/**
 * Which article files clash. Slugs and ids are unique within a category
 * among the articles that are not drafts: files that clash are all held back
 * (each error names the others) until the clash is gone. Drafts are never
 * public, so they clash with nothing: a draft that shares a slug or id is
 * warned about, naming the others, and meets the clash rules once it is
 * published.
 */
export class ArticleClashes {
  readonly #articleOf: (file: string) => Article | undefined
  /** slug or id key → files using it, drafts included */
  readonly #keys = new Map<string, Set<string>>()
  readonly #clashing = new Set<string>()

  /** @param articleOf the current article of a file */
  constructor(articleOf: (file: string) => Article | undefined) {
    this.#articleOf = articleOf
  }

  clear(): void {
    this.#keys.clear()
    this.#clashing.clear()
  }

  /** Whether `file` is held back by a clash. */
  has(file: string): boolean {
    return this.#clashing.has(file)
  }

  /** Every file held back by a clash. */
  files(): IterableIterator<string> {
    return this.#clashing.values()
  }

  /** Records an article's slugs and ids; every file sharing one (itself too) goes into `touched`. */
  add(article: Article, touched: Set<string>): void {
    for (const key of keysOf(article)) {
      const files = this.#keys.get(key) ?? new Set<string>()
      files.add(article.file)
      this.#keys.set(key, files)
      for (const file of files) touched.add(file)
    }
  }

  /** Forgets an article's slugs and ids; the files that shared one (itself too) go into `touched`. */
  remove(article: Article, touched: Set<string>): void {
    for (const key of keysOf(article)) {
      const files = this.#keys.get(key)
      if (!files) continue
      files.delete(article.file)
      for (const other of files) touched.add(other)
      if (files.size === 0) this.#keys.delete(key)
    }
    this.#clashing.delete(article.file)
    touched.add(article.file)
  }

  /** Settles whether each of `files` clashes, after adds and removes. */
  refresh(files: Iterable<string>): void {
    for (const file of files) {
      const article = this.#articleOf(file)
      if (article !== undefined && !article.draft && this.#shared(article, isPublic).length > 0) this.#clashing.add(file)
      else this.#clashing.delete(file)
    }
  }

  /** The error of a file held back by a clash. */
  error(file: string): ArticleError | undefined {
    const article = this.#articleOf(file)
    if (article === undefined || !this.#clashing.has(file)) return undefined
    return new ArticleError(file, this.#shared(article, isPublic).map(({ field, value, category, others }) => ({
      field,
      problem: `"${value}" is also used in category "${category}" by ${others}; neither is published`,
    })))
  }

  /** Warnings for a draft that shares a slug or id with other files (drafts or not). */
  warnings(file: string): ArticleProblem[] {
    const article = this.#articleOf(file)
    if (article === undefined || !article.draft) return []
    return this.#shared(article, () => true).map(({ field, value, category, others }) => ({
      field,
      problem: `"${value}" is also used in category "${category}" by ${others}; a draft may share it, but once this one is published, neither will be`,
    }))
  }

  /** The slugs and ids of `article` that other files (those `counts`) use too, with those files. */
  #shared(article: Article, counts: (other: Article) => boolean): { field: string; value: string; category: string; others: string }[] {
    const found: { field: string; value: string; category: string; others: string }[] = []
    let slugOthers: string | undefined
    for (const category of article.categories) {
      for (const [field, key, value] of [
        ['slug', slugKey(category, article.slug), article.slug],
        ['id', idKey(category, article.id), article.id],
      ] as const) {
        const others = [...(this.#keys.get(key) ?? [])]
          .filter((other) => other !== article.file && counts(this.#articleOf(other) as Article))
          .sort()
          .join(', ')
        if (others === '') continue
        // Default ids are made from the slug: a slug clash needs no second line about the id.
        if (field === 'slug') slugOthers = others
        else if (others === slugOthers) continue
        found.push({ field, value, category, others })
      }
    }
    return found
  }
}

const isPublic = (article: Article): boolean => !article.draft
const slugKey = (category: string, slug: string): string => `slug\n${category}\n${slug}`
const idKey = (category: string, id: string): string => `id\n${category}\n${id}`

function keysOf(article: Article): string[] {
  return article.categories.flatMap((category) => [slugKey(category, article.slug), idKey(category, article.id)])
}
