import type { Article } from '../content/article.js'
import { ArticleError } from '../errors/article-error.js'
import { isPublished, newestFirst } from '../feeds/select.js'

/**
 * Every valid article, kept in the orders the site needs, and updated one
 * file at a time: a change costs a binary search and an insertion, never a
 * pass over the whole archive with sorting.
 *
 * Slugs and ids must be unique within a category. Files that clash are all
 * held back (each error names the others) until the clash is gone.
 */
export class ArticleIndex {
  readonly #byFile = new Map<string, Article>()
  /** slug or id key → files using it */
  readonly #keys = new Map<string, Set<string>>()
  readonly #clashing = new Set<string>()
  readonly #byPath = new Map<string, string>()
  /** The section's articles (drafts and clashes included), newest first. */
  readonly #section: Article[] = []
  readonly #sectionSlug: string

  constructor(sectionSlug: string) {
    this.#sectionSlug = sectionSlug
  }

  get size(): number {
    return this.#byFile.size
  }

  get(file: string): Article | undefined {
    return this.#byFile.get(file)
  }

  files(): IterableIterator<string> {
    return this.#byFile.keys()
  }

  /**
   * Replaces everything with `articles`, sorting once: inserting 50,000
   * articles one by one into a sorted list moves a billion elements.
   */
  load(articles: readonly Article[]): void {
    this.#byFile.clear()
    this.#keys.clear()
    this.#clashing.clear()
    this.#byPath.clear()
    this.#section.length = 0
    for (const article of articles) {
      this.#byFile.set(article.file, article)
      if (!this.#byPath.has(article.path)) this.#byPath.set(article.path, article.file)
      for (const key of keysOf(article)) {
        const files = this.#keys.get(key)
        if (files) files.add(article.file)
        else this.#keys.set(key, new Set([article.file]))
      }
      if (article.categories.includes(this.#sectionSlug)) this.#section.push(article)
    }
    this.#section.sort(newestFirst)
    for (const files of this.#keys.values()) if (files.size > 1) for (const file of files) this.#clashing.add(file)
  }

  /** Adds or replaces the article of `article.file`. Returns the files whose clash state changed. */
  set(article: Article): Set<string> {
    const touched = new Set<string>()
    this.#remove(article.file, touched)
    this.#byFile.set(article.file, article)
    if (!this.#byPath.has(article.path)) this.#byPath.set(article.path, article.file)
    for (const key of keysOf(article)) {
      const files = this.#keys.get(key) ?? new Set<string>()
      files.add(article.file)
      this.#keys.set(key, files)
      for (const file of files) touched.add(file)
    }
    if (article.categories.includes(this.#sectionSlug)) {
      this.#section.splice(insertionPoint(this.#section, article), 0, article)
    }
    this.#refreshClashes(touched)
    return touched
  }

  /** Removes a file's article. Returns the files whose clash state changed. */
  delete(file: string): Set<string> {
    const touched = new Set<string>()
    this.#remove(file, touched)
    this.#refreshClashes(touched)
    return touched
  }

  /** The article whose page lives at `path`, unless it clashes with another. */
  byPath(path: string): Article | undefined {
    const file = this.#byPath.get(path)
    return file === undefined || this.#clashing.has(file) ? undefined : this.#byFile.get(file)
  }

  /** The section's public, clash-free articles at `now`, newest first. */
  publishedSection(now: Date): Article[] {
    return this.#section.filter((article) => !this.#clashing.has(article.file) && isPublished(article, now))
  }

  /** Page paths of the public articles of every category at `now`, sorted. */
  publishedPaths(now: Date): string[] {
    const paths: string[] = []
    for (const article of this.#byFile.values()) {
      if (!this.#clashing.has(article.file) && isPublished(article, now) && this.#byPath.get(article.path) === article.file) paths.push(article.path)
    }
    return paths.sort()
  }

  /** Public articles of every category at `now`. */
  publishedCount(now: Date): number {
    let count = 0
    for (const article of this.#byFile.values()) if (!this.#clashing.has(article.file) && isPublished(article, now)) count += 1
    return count
  }

  /** The earliest moment after `now` at which a scheduled article goes live. */
  nextPublication(now: Date): Date | undefined {
    let next: number | undefined
    for (const article of this.#byFile.values()) {
      const time = article.date.getTime()
      if (!article.draft && time > now.getTime() && (next === undefined || time < next)) next = time
    }
    return next === undefined ? undefined : new Date(next)
  }

  /** An error for every file held back by a clash. */
  clashes(): ArticleError[] {
    return [...this.#clashing].sort().map((file) => this.#clashError(file))
  }

  clashError(file: string): ArticleError | undefined {
    return this.#clashing.has(file) ? this.#clashError(file) : undefined
  }

  #remove(file: string, touched: Set<string>): void {
    const old = this.#byFile.get(file)
    if (!old) return
    this.#byFile.delete(file)
    if (this.#byPath.get(old.path) === file) {
      this.#byPath.delete(old.path)
      // Another file may claim the page now (it was clashing on the same slug).
      for (const other of this.#keys.get(slugKey(old.categories[0] ?? '', old.slug)) ?? []) {
        // Only a file whose own page is there: one in another first category has its page elsewhere.
        if (other !== file && this.#byFile.get(other)?.path === old.path) this.#byPath.set(old.path, other)
      }
    }
    for (const key of keysOf(old)) {
      const files = this.#keys.get(key)
      if (!files) continue
      files.delete(file)
      for (const other of files) touched.add(other)
      if (files.size === 0) this.#keys.delete(key)
    }
    if (old.categories.includes(this.#sectionSlug)) {
      // It sits just before its insertion point, or among articles that compare equal.
      const index = this.#section.lastIndexOf(old, insertionPoint(this.#section, old) - 1)
      if (index >= 0) this.#section.splice(index, 1)
    }
    this.#clashing.delete(file)
    touched.add(file)
  }

  #refreshClashes(files: Set<string>): void {
    for (const file of files) {
      const article = this.#byFile.get(file)
      const clashes = article !== undefined && keysOf(article).some((key) => (this.#keys.get(key)?.size ?? 0) > 1)
      if (clashes) this.#clashing.add(file)
      else this.#clashing.delete(file)
    }
  }

  #clashError(file: string): ArticleError {
    const article = this.#byFile.get(file) as Article
    const problems: { field: string; problem: string }[] = []
    let slugOthers: string | undefined
    for (const category of article.categories) {
      for (const [field, key, value] of [
        ['slug', slugKey(category, article.slug), article.slug],
        ['id', idKey(category, article.id), article.id],
      ] as const) {
        const others = [...(this.#keys.get(key) ?? [])].filter((other) => other !== file).sort().join(', ')
        if (others === '') continue
        // Default ids are made from the slug: a slug clash needs no second line about the id.
        if (field === 'slug') slugOthers = others
        else if (others === slugOthers) continue
        problems.push({ field, problem: `"${value}" is also used in category "${category}" by ${others}; neither is published` })
      }
    }
    return new ArticleError(file, problems)
  }
}

const slugKey = (category: string, slug: string): string => `slug\n${category}\n${slug}`
const idKey = (category: string, id: string): string => `id\n${category}\n${id}`

function keysOf(article: Article): string[] {
  return article.categories.flatMap((category) => [slugKey(category, article.slug), idKey(category, article.id)])
}

/** Where `article` belongs in a newest-first list (after any equal ones). */
function insertionPoint(list: readonly Article[], article: Article): number {
  let low = 0
  let high = list.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (newestFirst(list[middle] as Article, article) <= 0) low = middle + 1
    else high = middle
  }
  return low
}
