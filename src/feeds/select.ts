import type { Article } from '../content/article.js'

/** Whether an article is public at `now`: not a draft, and its date has come. */
export function isPublished(article: Article, now: Date): boolean {
  return !article.draft && article.date.getTime() <= now.getTime()
}

/** Whether an article is a podcast episode: it carries audio. */
export function isEpisode(article: Article): boolean {
  return article.enclosure?.type.startsWith('audio/') === true
}

/**
 * Newest first by first-publication date. Ties are broken by id so that the
 * order, and with it every byte of every feed, never depends on file order.
 */
export function newestFirst(a: Article, b: Article): number {
  return b.date.getTime() - a.date.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** Whether two lists hold the same article objects in the same order (an edit makes a new object). */
export function sameArticles(a: readonly Article[], b: readonly Article[]): boolean {
  return a.length === b.length && a.every((article, index) => article === b[index])
}
