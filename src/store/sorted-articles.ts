import type { Article } from '../content/article.js'

/**
 * A set of articles kept in one order (a comparator that never calls two
 * articles equal, as ArticleIndex's with its tie on the file), updated one
 * article at a time: an insertion or removal is a binary search and a
 * splice, never a sort of the whole list; membership is found the same way
 * (a Set of 50,000 members took ~30 bytes an article). ArticleIndex keeps its published
 * orders in these, so that an edit at 50,000 articles costs what it changes.
 */
export class SortedArticles {
  readonly #compare: (a: Article, b: Article) => number
  readonly #list: Article[] = []

  constructor(compare: (a: Article, b: Article) => number) {
    this.#compare = compare
  }

  /** The articles in order; read-only, changed in place by the next update. */
  get items(): readonly Article[] {
    return this.#list
  }

  /** Replaces everything with `articles` (each once), sorting once. */
  load(articles: Iterable<Article>): void {
    this.#list.length = 0
    // One by one: a spread of 200,000 (MAX_ARTICLES) arguments overflows the stack.
    for (const article of articles) this.#list.push(article)
    this.#list.sort(this.#compare)
  }

  /** Puts `article` in (member true) or takes it out; nothing when it is already so. */
  toggle(article: Article, member: boolean): void {
    const after = this.#after(article)
    // It sits just before its insertion point (or among articles that compare equal to it, with a comparator that ties).
    let index = after - 1
    while (index >= 0 && this.#list[index] !== article && this.#compare(this.#list[index] as Article, article) === 0) index -= 1
    const found = index >= 0 && this.#list[index] === article
    if (member && !found) this.#list.splice(after, 0, article)
    else if (!member && found) this.#list.splice(index, 1)
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
