import type { Article } from '../content/article.js'

/** Whether an article is public at `now`: not a draft, and its date has come. */
export function isPublished(article: Article, now: Date): boolean {
  return !article.draft && article.date.getTime() <= now.getTime()
}

/** Whether an article carries audio: a podcast episode, public or plus (the subscribers' podcast has both). */
export function hasAudio(article: Article): boolean {
  return article.enclosure?.type.startsWith('audio/') === true
}

/**
 * Whether an article is an episode of the public podcast: it carries audio and
 * is not plus. Apple Podcasts requires a playable enclosure on every item, and
 * a plus episode's audio is for subscribers only (issue 13).
 */
export function isEpisode(article: Article): boolean {
  return article.access === 'free' && hasAudio(article)
}

/**
 * Newest first by first-publication date. Ties are broken by id so that the
 * order, and with it every byte of every feed, never depends on file order.
 */
export function newestFirst(a: Article, b: Article): number {
  return b.date.getTime() - a.date.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** Whether two lists hold, in order, the same article objects (an edit makes a new object), or articles `alike` says show alike. */
export function sameArticles(a: readonly Article[], b: readonly Article[], alike: (x: Article, y: Article) => boolean = (x, y) => x === y): boolean {
  return a.length === b.length && a.every((article, index) => alike(article, b[index] as Article))
}
