import { bylineOf, type Article } from '../content/article.js'
import type { RenderedBody } from '../feeds/build-feed.js'
import { renderChapters } from '../feeds/render-chapters.js'
import type { EpisodeLinks } from '../feeds/render-podcast.js'
import { siteUrlFor } from '../text/urls.js'
import { renderTranscriptPage, type PageContext } from './pages.js'
import { episodePaths } from './paths.js'
import { createResource, type Resource } from './resource.js'

/**
 * The JSON Chapters media type the namespace names (docs/tags/chapters.md);
 * JSON is UTF-8 (RFC 8259 §8.1), said as for the other documents.
 */
const CHAPTERS_TYPE = 'application/json+chapters; charset=utf-8'

/** What an episode's feed item links to: its transcript (a file, or its page), its chapters document, its season. */
export function episodeLinks(article: Article, siteUrl: string): EpisodeLinks {
  const paths = episodePaths(article.path)
  const transcript = article.transcript === 'article' ? { url: siteUrlFor(siteUrl, paths.transcript), type: 'text/html' } : article.transcript
  return {
    transcript: transcript && { url: transcript.url, type: transcript.type, language: article.lang },
    chapters: article.chapters ? siteUrlFor(siteUrl, paths.chapters) : undefined,
    season: article.season,
  }
}

/**
 * The documents episodes link to, rendered with the podcast feed, once per
 * content change: a JSON Chapters document for each episode with chapters,
 * and a transcript page for each with `transcript: article`. They are dated
 * by their article and cached like the feed.
 */
export function episodeDocuments(
  episodes: readonly Article[],
  bodyOf: (article: Article) => RenderedBody,
  context: PageContext,
  podcastName: string,
  now: Date,
): Promise<readonly [string, Resource]>[] {
  const documents: Promise<readonly [string, Resource]>[] = []
  const resource = async (path: string, text: string, contentType: string, article: Article) =>
    [path, await createResource(text, { contentType, now, lastModified: article.updated, cache: 'live' })] as const
  for (const article of episodes) {
    const paths = episodePaths(article.path)
    if (article.chapters) {
      const chapters = renderChapters(article, podcastName, bylineOf(article, context.deskAuthor))
      documents.push(resource(paths.chapters, chapters, CHAPTERS_TYPE, article))
    }
    if (article.transcript === 'article') {
      const page = renderTranscriptPage(context, article, bodyOf(article).html)
      documents.push(resource(paths.transcript, page, 'text/html; charset=utf-8', article))
    }
  }
  return documents
}
