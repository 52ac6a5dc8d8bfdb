import type { Article } from '../content/article.js'

/**
 * A set of articles kept in one order (a comparator that never calls two
 * articles equal, as newestFirst does with its tie on the id), updated one
 * article at a time: an insertion or removal is a binary search and a
 * splice, never a sort of the whole list. ArticleIndex keeps its published
 * orders in these, so that an edit at 50,000 articles costs what it changes.
 */
export class SortedArticles {
  readonly #compare: (a: Article, b: Article) => number
  readonly #list: Article[] = []
  readonly #members = new Set<Article>()

  constructor(compare: (a: Article, b: Article) => number) {
    this.#compare = compare
  }

  /** The articles in order; read-only, changed in place by the next update. */
  get items(): readonly Article[] {
    return this.#list
  }

  /** Replaces everything with `articles`, sorting once. */
  load(articles: Iterable<Article>): void {
    this.#members.clear()
    this.#list.length = 0
    for (const article of articles) if (!this.#members.has(article)) this.#list.push(article)
    for (const article of this.#list) this.#members.add(article)
    this.#list.sort(this.#compare)
  }

  /** Puts `article` in (member true) or takes it out; nothing when it is already so. */
  toggle(article: Article, member: boolean): void {
    if (member === this.#members.has(article)) return
    if (member) {
      this.#list.splice(this.#after(article), 0, article)
      this.#members.add(article)
      return
    }
    this.#members.delete(article)
    // It sits just before its insertion point (or among articles that compare equal to it).
    const index = this.#list.lastIndexOf(article, this.#after(article) - 1)
    if (index >= 0) this.#list.splice(index, 1)
  }

  /** How many articles come first, before any for which `before` is false (`before` holds for a prefix of the list). */
  prefix(before: (article: Article) => boolean): number {
    let low = 0
    let high = this.#list.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (before(this.#list[middle] as Article)) low = middle + 1
      else high = middle
    }
    return low
  }

  /** Where `article` belongs (after any that compare equal). */
  #after(article: Article): number {
    return this.prefix((other) => this.#compare(other, article) <= 0)
  }
}
