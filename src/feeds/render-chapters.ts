import type { Article } from '../content/article.js'
import { listInGerman } from '../text/german-list.js'

/**
 * An episode's chapters as a Podcast Index JSON Chapters document, version
 * 1.2.0 (github.com/Podcastindex-org/podcast-namespace,
 * docs/examples/chapters/jsonChapters.md), which `podcast:chapters` links
 * to: `startTime` in seconds, in ascending order, with the optional `url`
 * and `img`, and the episode's title, show and authors.
 */
export function renderChapters(article: Article, podcastName: string, authors: readonly string[]): string {
  const document = {
    version: '1.2.0',
    title: article.title,
    podcastName,
    // One German list, as the item's dc:creator in RSS reads (feed-package-fixes.ts).
    author: listInGerman(authors),
    chapters: (article.chapters ?? []).map((chapter) => ({
      startTime: chapter.start,
      title: chapter.title,
      ...(chapter.url === undefined ? {} : { url: chapter.url }),
      ...(chapter.image === undefined ? {} : { img: chapter.image }),
    })),
  }
  return `${JSON.stringify(document, null, 2)}\n`
}
