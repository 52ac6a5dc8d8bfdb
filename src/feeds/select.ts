import type { Article } from '../content/article.js'

/** Whether an article is public at `now`: not a draft, and its date has come. */
export function isPublished(article: Article, now: Date): boolean {
  return !article.draft && article.date.getTime() <= now.getTime()
}

/**
 * Newest first by first-publication date. Ties are broken by id so that the
 * order, and with it every byte of every feed, never depends on file order.
 */
export function newestFirst(a: Article, b: Article): number {
  return b.date.getTime() - a.date.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** The articles of one category that are public at `now`, newest first. */
export function publishedIn(articles: Iterable<Article>, category: string, now: Date): Article[] {
  const out: Article[] = []
  for (const article of articles) {
    if (article.categories.includes(category) && isPublished(article, now)) out.push(article)
  }
  return out.sort(newestFirst)
}

/** The earliest moment after `now` at which a scheduled (future-dated, non-draft) article goes live. */
export function nextPublication(articles: Iterable<Article>, now: Date): Date | undefined {
  let next: number | undefined
  for (const article of articles) {
    const time = article.date.getTime()
    if (!article.draft && time > now.getTime() && (next === undefined || time < next)) next = time
  }
  return next === undefined ? undefined : new Date(next)
}
