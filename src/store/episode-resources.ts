import type { Config } from '../config.js'
import type { Article } from '../content/article.js'
import type { RenderedBody } from '../feeds/build-feed.js'
import type { Site } from '../site/build-site.js'
import { documentKeys } from '../site/cache-keys.js'
import { episodeDocumentAt, episodeDocumentKinds, renderEpisodeDocument, TRANSCRIPT_TYPE } from '../site/episode-documents.js'
import type { Renderer } from '../site/render-request.js'
import { createResource, type Resource } from '../site/resource.js'

/** What rendering an episode's document needs besides the site: the podcast's settings, its body, the clock. */
export interface EpisodeResourceOptions {
  readonly config: Pick<Config, 'settings'>
  readonly body: (article: Article) => Promise<RenderedBody>
  readonly clock: () => Date
  /** Where a transcript page of a large body is rendered, hashed and compressed (Renderer.articlePage); else here. */
  readonly page?: Renderer['articlePage']
}

/** An episode's document requested at `path`: the article page it sits beside, and how to render it. */
export interface EpisodeRequest {
  readonly page: string
  /** Undefined when `article` (the public article at `page`) has no such document in `site`. */
  render(article: Article, site: Site): (() => Promise<Resource>) | undefined
}

/**
 * Which episode document `path` names (episode-documents.ts: chapters,
 * transcript page), if any. Each is dated by its article and cached like
 * the feed; its keys are its article's (documentKeys): it shows the episode
 * and the site settings (the podcast's title), nothing of other articles.
 */
export function episodeRequest(path: string, options: EpisodeResourceOptions): EpisodeRequest | undefined {
  const beside = episodeDocumentAt(path)
  if (!beside) return undefined
  const { kind, page } = beside
  return {
    page,
    render: (article, site) => {
      const podcast = options.config.settings.podcast
      if (!podcast || !site.plan.episodes.includes(article) || !episodeDocumentKinds(article).includes(kind)) return undefined
      return async () => {
        const body = kind === 'transcript' ? (await options.body(article)).html : ''
        const encoded = kind === 'transcript' ? await options.page?.({ context: site.context, article, html: body, transcript: true }) : undefined
        const { text, contentType } = encoded === undefined ? renderEpisodeDocument(kind, article, site.context, podcast.title, body) : { text: encoded, contentType: TRANSCRIPT_TYPE }
        return createResource(text, { contentType, lastModified: article.updated, now: options.clock(), cache: 'live', keys: documentKeys([], [article]) })
      }
    },
  }
}
