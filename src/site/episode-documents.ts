import { bylineOf, type Article } from '../content/article.js'
import { renderChapters } from '../feeds/render-chapters.js'
import type { EpisodeLinks } from '../feeds/render-podcast.js'
import { siteUrlFor } from '../text/urls.js'
import { renderTranscriptPage, type PageContext } from './pages.js'
import { episodePaths } from './paths.js'

/**
 * The JSON Chapters media type the namespace names (docs/tags/chapters.md);
 * JSON is UTF-8 (RFC 8259 §8.1), said as for the other documents.
 */
const CHAPTERS_TYPE = 'application/json+chapters; charset=utf-8'
/** The transcript page's: an HTML page, wherever it is rendered (store/episode-resources.ts). */
export const TRANSCRIPT_TYPE = 'text/html; charset=utf-8'

/** Which of an episode's documents: its JSON Chapters document, or its transcript page. */
export type EpisodeDocumentKind = 'chapters' | 'transcript'

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

/** Which documents an episode has beside its page: chapters when it lists them, a transcript page for `transcript: article`. */
export function episodeDocumentKinds(article: Article): EpisodeDocumentKind[] {
  return [...(article.chapters ? (['chapters'] as const) : []), ...(article.transcript === 'article' ? (['transcript'] as const) : [])]
}

/** The documents episodes have beside their pages, by path: what the static export writes. */
export function episodeDocumentPaths(episodes: readonly Article[]): string[] {
  return episodes.flatMap((article) => episodeDocumentKinds(article).map((kind) => episodePaths(article.path)[kind]))
}

/** Which episode document a path names (`/wirtschaft/folge-12/kapitel.json`): the page it sits beside, and its kind. */
export function episodeDocumentAt(path: string): { readonly page: string; readonly kind: EpisodeDocumentKind } | undefined {
  const match = /^(\/[^/]+\/[^/]+)\/(kapitel\.json|transkript\.html)$/.exec(path)
  if (!match) return undefined
  const page = `${match[1]}.html`
  const kind = match[2] === 'kapitel.json' ? 'chapters' : 'transcript'
  // paths.ts is the one rule of where these live; the pattern only finds candidates.
  return episodePaths(page)[kind] === path ? { page, kind } : undefined
}

/**
 * An episode's document of one kind (one of episodeDocumentKinds), with its
 * media type: the JSON Chapters document, or the transcript page made of
 * `bodyHtml`. Rendered on first request, like the article page it sits beside.
 */
export function renderEpisodeDocument(
  kind: EpisodeDocumentKind,
  article: Article,
  context: PageContext,
  podcastName: string,
  bodyHtml: string,
): { readonly text: string; readonly contentType: string } {
  return kind === 'chapters'
    ? { text: renderChapters(article, podcastName, bylineOf(article, context.deskAuthor)), contentType: CHAPTERS_TYPE }
    : { text: renderTranscriptPage(context, article, bodyHtml), contentType: TRANSCRIPT_TYPE }
}
