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
  /**
   * Put in, not yet in the list: merged at the next read, all in one pass. A bulk change of new articles goes near
   * the front of a newest-first order, and a splice each moved every article behind it: 10,000 new files at
   * 50,000 spent about 0.6 s of the event loop in those moves.
   */
  readonly #waiting = new Set<Article>()

  constructor(compare: (a: Article, b: Article) => number) {
    this.#compare = compare
  }

  /** The articles in order; read-only, changed in place by the next update. */
  get items(): readonly Article[] {
    this.#merge()
    return this.#list
  }

  /** Replaces everything with `articles` (each once), sorting once. */
  load(articles: Iterable<Article>): void {
    this.#waiting.clear()
    this.#list.length = 0
    // One by one: a spread of 200,000 (MAX_ARTICLES) arguments overflows the stack.
    for (const article of articles) this.#list.push(article)
    this.#list.sort(this.#compare)
  }

  /** Puts `article` in (member true) or takes it out; nothing when it is already so. */
  toggle(article: Article, member: boolean): void {
    if (this.#waiting.has(article)) {
      if (!member) this.#waiting.delete(article)
      return
    }
    const index = this.#indexBefore(article, this.#after(article))
    const found = index >= 0
    if (member && !found) this.#waiting.add(article)
    else if (!member && found) this.#list.splice(index, 1)
  }

  /**
   * Takes `old` out, and puts `next` (not a member) in its place where it sorts there, as an edit that keeps an
   * article's date does: one write, where taking out and putting in moved every article after it twice (a change
   * of 10,000 of the newest files at 50,000 spent about 1 s of the event loop in those moves; 0.5 ms an edit at 200,000).
   * Whether `next` belongs in the set is not asked: toggle it after.
   */
  replace(old: Article, next: Article | undefined): void {
    if (this.#waiting.delete(old)) return
    const index = this.#indexBefore(old, this.#after(old))
    if (index < 0) return
    if (next !== undefined && this.#sortsAt(index, next)) this.#list[index] = next
    else this.#list.splice(index, 1)
  }

  /** How many articles come first, before any for which `before` is false (`before` holds for a prefix of the list). */
  prefix(before: (article: Article) => boolean): number {
    this.#merge()
    return this.#prefixOf(before, this.#list.length)
  }

  /** How many of the first `end` articles of the list come before any for which `before` is false. */
  #prefixOf(before: (article: Article) => boolean, end: number): number {
    let low = 0
    let high = end
    while (low < high) {
      const middle = (low + high) >>> 1
      if (before(this.#list[middle] as Article)) low = middle + 1
      else high = middle
    }
    return low
  }

  /** Where `article` sits, looking back from `after` (its insertion point) among any that compare equal to it; -1 when absent. */
  #indexBefore(article: Article, after: number): number {
    let index = after - 1
    while (index >= 0 && this.#list[index] !== article && this.#compare(this.#list[index] as Article, article) === 0) index -= 1
    return index >= 0 && this.#list[index] === article ? index : -1
  }

  /** Whether `article` sorts strictly between the neighbours of `index`. */
  #sortsAt(index: number, article: Article): boolean {
    const before = this.#list[index - 1]
    const after = this.#list[index + 1]
    return (before === undefined || this.#compare(before, article) < 0) && (after === undefined || this.#compare(article, after) < 0)
  }

  /** Where `article` belongs among the first `end` articles of the list (after any that compare equal). */
  #after(article: Article, end = this.#list.length): number {
    return this.#prefixOf((other) => this.#compare(other, article) <= 0, end)
  }

  /**
   * The waiting articles into the list. A few: a splice each (the engine's move of memory: 18 µs at 200,000).
   * More: in place, from the back, each waiting one found by a binary search and each list article moved once, one
   * by one (215 µs at 200,000; copyWithin took 14.5 ms). The list stays packed: it grows by push.
   */
  #merge(): void {
    if (this.#waiting.size === 0) return
    const added = [...this.#waiting].sort(this.#compare)
    this.#waiting.clear()
    const list = this.#list
    if (added.length <= SPLICED_AT_MOST) {
      for (const article of added) list.splice(this.#after(article), 0, article)
      return
    }
    let end = list.length
    for (const article of added) list.push(article)
    for (let next = added.length - 1; next >= 0; next -= 1) {
      const article = added[next] as Article
      const at = this.#after(article, end)
      for (let from = end - 1; from >= at; from -= 1) list[from + next + 1] = list[from] as Article
      list[at + next] = article
      end = at
    }
  }
}

/** Up to this many articles merged at once are put in by a splice each (#merge). */
const SPLICED_AT_MOST = 8
