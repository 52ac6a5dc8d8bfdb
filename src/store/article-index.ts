import type { Article } from '../content/article.js'
import type { ArticleError, ArticleProblem } from '../errors/article-error.js'
import { isPublished, newestFirst } from '../feeds/select.js'
import { plusMediaKeys } from '../content/plus-media.js'
import { ArticleClashes } from './article-clashes.js'

/**
 * Every valid article, kept in the orders the site needs, and updated one
 * file at a time: a change costs a binary search and an insertion, never a
 * pass over the whole archive with sorting.
 *
 * Slugs and ids must be unique within a category (ArticleClashes: drafts
 * clash with nothing, and are warned about instead).
 */
export class ArticleIndex {
  readonly #byFile = new Map<string, Article>()
  readonly #clashes = new ArticleClashes((file) => this.#byFile.get(file))
  /** page path → files whose page it is (a draft may share a published article's) */
  readonly #byPath = new Map<string, Set<string>>()
  /** The section's articles (drafts and clashes included), newest first. */
  readonly #section: Article[] = []
  readonly #sectionSlug: string
  /** mediaPathKey → how many known plus articles (of any state: drafts, scheduled, clashing) name that file. */
  readonly #plusMedia = new Map<string, number>()

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
    this.#clashes.clear()
    this.#byPath.clear()
    this.#plusMedia.clear()
    this.#section.length = 0
    for (const article of articles) {
      this.#add(article, new Set())
      if (article.categories.includes(this.#sectionSlug)) this.#section.push(article)
    }
    this.#section.sort(newestFirst)
    this.#clashes.refresh(this.#byFile.keys())
  }

  /** Adds or replaces the article of `article.file`. Returns the files whose clash state changed. */
  set(article: Article): Set<string> {
    const touched = new Set<string>()
    this.#remove(article.file, touched)
    this.#add(article, touched)
    if (article.categories.includes(this.#sectionSlug)) {
      this.#section.splice(insertionPoint(this.#section, article), 0, article)
    }
    this.#clashes.refresh(touched)
    return touched
  }

  /** Removes a file's article. Returns the files whose clash state changed. */
  delete(file: string): Set<string> {
    const touched = new Set<string>()
    this.#remove(file, touched)
    this.#clashes.refresh(touched)
    return touched
  }

  /** Whether a plus article names the media file at this mediaPathKey (plus-media.ts): then /media/ withholds it. */
  isPlusMedia(key: string): boolean {
    return this.#plusMedia.has(key)
  }

  /** The article whose page lives at `path`, unless it clashes with another; a draft only when no other has it. */
  byPath(path: string): Article | undefined {
    let draft: Article | undefined
    for (const file of this.#byPath.get(path) ?? []) {
      const article = this.#byFile.get(file)
      if (article === undefined || this.#clashes.has(file)) continue
      if (!article.draft) return article
      draft ??= article
    }
    return draft
  }

  /** The section's public, clash-free articles at `now`, newest first. */
  publishedSection(now: Date): Article[] {
    return this.#section.filter((article) => !this.#clashes.has(article.file) && isPublished(article, now))
  }

  /** Page paths of the public articles of every category at `now`, sorted. */
  publishedPaths(now: Date): string[] {
    return this.publishedPages(now).map((article) => article.path).sort()
  }

  /** The public articles of every category at `now` that own their page, oldest first (the sitemaps). */
  publishedPages(now: Date): Article[] {
    const pages: Article[] = []
    for (const article of this.#byFile.values()) {
      if (isPublished(article, now) && this.byPath(article.path) === article) pages.push(article)
    }
    return pages.sort((a, b) => newestFirst(b, a))
  }

  /** Public articles of every category at `now`. */
  publishedCount(now: Date): number {
    let count = 0
    for (const article of this.#byFile.values()) if (!this.#clashes.has(article.file) && isPublished(article, now)) count += 1
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
    return [...this.#clashes.files()].sort().map((file) => this.#clashes.error(file) as ArticleError)
  }

  clashError(file: string): ArticleError | undefined {
    return this.#clashes.error(file)
  }

  /** Warnings for a file that is not held back but shares a slug or id (a draft). */
  clashWarnings(file: string): ArticleProblem[] {
    return this.#clashes.warnings(file)
  }

  #add(article: Article, touched: Set<string>): void {
    this.#byFile.set(article.file, article)
    const files = this.#byPath.get(article.path) ?? new Set<string>()
    this.#byPath.set(article.path, files.add(article.file))
    this.#clashes.add(article, touched)
    for (const key of plusMediaKeys(article)) this.#plusMedia.set(key, (this.#plusMedia.get(key) ?? 0) + 1)
  }

  #remove(file: string, touched: Set<string>): void {
    const old = this.#byFile.get(file)
    if (!old) return
    this.#byFile.delete(file)
    const files = this.#byPath.get(old.path)
    files?.delete(file)
    if (files?.size === 0) this.#byPath.delete(old.path)
    this.#clashes.remove(old, touched)
    for (const key of plusMediaKeys(old)) {
      const count = (this.#plusMedia.get(key) ?? 1) - 1
      if (count > 0) this.#plusMedia.set(key, count)
      else this.#plusMedia.delete(key)
    }
    if (old.categories.includes(this.#sectionSlug)) {
      // It sits just before its insertion point, or among articles that compare equal.
      const index = this.#section.lastIndexOf(old, insertionPoint(this.#section, old) - 1)
      if (index >= 0) this.#section.splice(index, 1)
    }
  }
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
