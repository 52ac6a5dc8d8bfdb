import type { Article } from '../content/article.js'
import type { ArticleError, ArticleProblem } from '../errors/article-error.js'
import { isEpisode, isPublished, newestFirst } from '../feeds/select.js'
import { plusMediaKeys } from '../content/plus-media.js'
import { ArticleClashes } from './article-clashes.js'
import { FilesByKey } from './files-by-key.js'
import { SortedArticles } from './sorted-articles.js'

/**
 * Every valid article, kept in the orders the site needs, and updated one
 * file at a time: a change costs a binary search and an insertion, never a
 * pass over the whole archive with sorting. What is public at an instant is
 * a prefix (or suffix) of those orders, found by a binary search: at 50,000
 * articles filtering and sorting them on every edit took ~100 ms.
 *
 * Slugs and ids must be unique within a category (ArticleClashes: drafts
 * clash with nothing, and are warned about instead).
 */
export class ArticleIndex {
  readonly #byFile = new Map<string, Article>()
  readonly #clashes = new ArticleClashes((file) => this.#byFile.get(file))
  /** page path → files whose page it is (a draft may share a published article's); plus media key → plus articles naming it */
  readonly #byPath = new FilesByKey()
  /** The section's articles that are neither drafts nor held back by a clash, newest first. */
  readonly #section = new SortedArticles(newestFirstByFile)
  /** Those of them that are podcast episodes, newest first. */
  readonly #episodes = new SortedArticles(newestFirstByFile)
  /** Every article that is not a draft, oldest first: scheduled ones at the end. */
  readonly #dated = new SortedArticles(oldestFirst)
  /** Those of them whose page shows them (byPath), oldest first: the sitemaps. */
  readonly #pages = new SortedArticles(oldestFirst)
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

  /** Replaces everything, sorting once (50,000 inserted one by one move a billion elements); returns the files sharing a name, slug or id. */
  load(articles: readonly Article[]): Set<string> {
    this.#byFile.clear()
    this.#clashes.clear()
    this.#byPath.clear()
    for (const article of articles) this.#add(article)
    const sharing = this.#clashes.refresh(this.#clashes.sharingFiles())
    const all = [...this.#byFile.values()]
    this.#section.load(all.filter((article) => this.#inSection(article)))
    this.#episodes.load(this.#section.items.filter(isEpisode))
    this.#dated.load(all.filter((article) => !article.draft))
    this.#pages.load(all.filter((article) => this.#ownsPage(article)))
    return sharing
  }

  /** Adds or replaces the article of `article.file`. Returns the files whose clash state changed. */
  set(article: Article): Set<string> {
    return this.#change(article.file, article)
  }

  /** Removes a file's article. Returns the files whose clash state changed. */
  delete(file: string): Set<string> {
    return this.#change(file, undefined)
  }

  /** Whether a plus article names the media file at this mediaPathKey (plus-media.ts): then /media/ withholds it. */
  isPlusMedia(key: string): boolean {
    for (const _ of this.#byPath.get(PLUS_MEDIA, key)) return true
    return false
  }

  /** The article whose page lives at `path`, unless it clashes with another; a draft only when no other has it. */
  byPath(path: string): Article | undefined {
    let draft: Article | undefined
    for (const file of this.#byPath.get(PAGE, path)) {
      const article = this.#byFile.get(file)
      if (article === undefined || this.#clashes.has(file)) continue
      if (!article.draft) return article
      draft ??= article
    }
    return draft
  }

  /** The section's public, clash-free articles at `now`, newest first. */
  publishedSection(now: Date): Article[] {
    return newestPublic(this.#section, now)
  }

  /** The section's public, clash-free podcast episodes at `now`, newest first. */
  publishedEpisodes(now: Date): Article[] {
    return newestPublic(this.#episodes, now)
  }

  /** Page paths of the public articles of every category at `now`, sorted. */
  publishedPaths(now: Date): string[] {
    return this.publishedPages(now).map((article) => article.path).sort()
  }

  /** The public articles of every category at `now` that own their page, oldest first (the sitemaps). */
  publishedPages(now: Date): Article[] {
    return this.#pages.items.slice(0, publicCount(this.#pages, now))
  }

  /** Public articles of every category at `now`. */
  publishedCount(now: Date): number {
    let count = publicCount(this.#dated, now)
    for (const file of this.#clashes.files()) {
      const article = this.#byFile.get(file)
      if (article && isPublished(article, now)) count -= 1
    }
    return count
  }

  /** The earliest moment after `now` at which a scheduled article goes live. */
  nextPublication(now: Date): Date | undefined {
    const next = this.#dated.items[publicCount(this.#dated, now)]
    return next && new Date(next.date.getTime())
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

  #add(article: Article): void {
    this.#byFile.set(article.file, article)
    this.#byPath.add(PAGE, article.path, article.file)
    this.#clashes.add(article)
    // Media a plus article names (of any state: draft, scheduled, clashing): /media/ withholds them.
    for (const key of plusMediaKeys(article)) this.#byPath.add(PLUS_MEDIA, key, article.file)
  }

  /**
   * Puts a file's new article (`next`; none to remove it) in place of its old one, keeping each key both have in
   * place: an entry deleted and set again leaves V8's Map a hole, and at 60,000 articles a bulk edit's holes grew
   * each large map within one edit's call, 30 ms. Returns the files whose clash state changed.
   */
  #change(file: string, next: Article | undefined): Set<string> {
    const touched = new Set<string>(next ? [file] : [])
    const old = this.#byFile.get(file)
    if (next) this.#byFile.set(file, next)
    else this.#byFile.delete(file)
    this.#byPath.move(PAGE, old ? [old.path] : [], next ? [next.path] : [], file)
    this.#byPath.move(PLUS_MEDIA, old ? plusMediaKeys(old) : [], next ? plusMediaKeys(next) : [], file)
    if (old) this.#clashes.replace(old, next, touched)
    else if (next) this.#clashes.add(next, touched)
    this.#settle(this.#clashes.refresh(touched), old)
    return touched
  }

  /**
   * Puts in or out of the kept orders what a change may have moved: the
   * article replaced or removed (`old`), the files whose clash state was
   * settled, and every file at the pages of either (which of them shows
   * its page may have changed).
   */
  #settle(settled: Set<string>, old: Article | undefined): void {
    // The file's new article (if any) takes the old one's place where it sorts there; toggled below like the rest.
    if (old) for (const list of [this.#section, this.#episodes, this.#dated, this.#pages]) list.replace(old, this.#byFile.get(old.file))
    const paths = new Set<string>(old ? [old.path] : [])
    for (const file of settled) {
      const article = this.#byFile.get(file)
      if (article) paths.add(article.path)
    }
    const files = new Set(settled)
    for (const path of paths) for (const file of this.#byPath.get(PAGE, path)) files.add(file)
    for (const file of files) {
      const article = this.#byFile.get(file)
      if (!article) continue
      this.#section.toggle(article, this.#inSection(article))
      this.#episodes.toggle(article, this.#inSection(article) && isEpisode(article))
      this.#dated.toggle(article, !article.draft)
      this.#pages.toggle(article, this.#ownsPage(article))
    }
  }

  #inSection(article: Article): boolean {
    return !article.draft && !this.#clashes.has(article.file) && article.categories.includes(this.#sectionSlug)
  }

  #ownsPage(article: Article): boolean {
    return !article.draft && this.byPath(article.path) === article
  }
}

/** newestFirst, and by file where it ties (one id in two categories, the same date): a kept order must never tie. */
export const newestFirstByFile = (a: Article, b: Article): number => newestFirst(a, b) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)
const PAGE = 'page'
const PLUS_MEDIA = 'plus media'
const oldestFirst = (a: Article, b: Article): number => newestFirstByFile(b, a)

/** The articles of `list` (newest first) dated `now` or before: the scheduled ones lead, and are cut off. */
function newestPublic(list: SortedArticles, now: Date): Article[] {
  return list.items.slice(list.prefix((article) => article.date > now))
}

/** How many of `list` (oldest first) are dated `now` or before. */
function publicCount(list: SortedArticles, now: Date): number {
  const time = now.getTime()
  return list.prefix((article) => article.date.getTime() <= time)
}
