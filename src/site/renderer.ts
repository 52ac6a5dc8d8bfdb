import { renderBody, renderPlainText, type BodyRendering } from '../content/render-markdown.js'
import type { FeedDocument, FeedFormat } from '../feeds/feed-model.js'
import { renderAtom } from '../feeds/render-atom.js'
import { renderJsonFeed } from '../feeds/render-json-feed.js'
import { renderPodcast, type PodcastDocument } from '../feeds/render-podcast.js'
import { renderRss } from '../feeds/render-rss.js'
import { renderFeedPage, renderPodcastPage } from './feed-pages.js'
import { renderArticlePage, renderTranscriptPage, type PageContext } from './pages.js'
import { bodyOrPlainText, type Renderer, type RenderRequest } from './render-request.js'

export { bodyOrPlainText, type Renderer, type RenderRequest, type RenderWorkerData } from './render-request.js'

const FEED_RENDERERS: Readonly<Record<FeedFormat, (document: FeedDocument) => string>> = {
  rss: renderRss,
  atom: renderAtom,
  json: renderJsonFeed,
}

/** Does one render request in the calling thread (a render worker's job). */
export function render(request: RenderRequest): BodyRendering | string {
  switch (request.kind) {
    case 'body':
      return request.plain ? renderPlainText(request.markdown) : renderBody(request.markdown, request.articleUrl, request.siteUrl)
    case 'feed':
      return FEED_RENDERERS[request.format](request.document)
    case 'podcast':
      return renderPodcast(request.document)
    case 'feed page':
      return renderFeedPage(request.context, request.document, request.format)
    case 'podcast page':
      return renderPodcastPage(request.context, request.document)
    case 'article page':
      if (request.transcript) return renderTranscriptPage(request.context, request.article, request.html)
      return renderArticlePage(request.context, request.article, request.summary, request.html, request.episode)
  }
}

/** Renders at once, in this thread, through the same render() the workers run. */
export const RENDER_IN_THREAD: Renderer = {
  body: (markdown, articleUrl, siteUrl) =>
    bodyOrPlainText(
      markdown,
      async () => render({ kind: 'body', markdown, articleUrl, siteUrl }) as BodyRendering,
      async () => render({ kind: 'body', markdown, articleUrl, siteUrl, plain: true }) as BodyRendering,
    ),
  feed: async (document, format) => render({ kind: 'feed', document, format }) as string,
  podcast: async (document) => render({ kind: 'podcast', document }) as string,
  feedPage: async (document, format, context) => render({ kind: 'feed page', document, format, context }) as string,
  podcastPage: async (document, context) => render({ kind: 'podcast page', document, context }) as string,
}
