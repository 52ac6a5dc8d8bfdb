import { renderBody, renderPlainText, type BodyRendering } from '../content/render-markdown.js'
import type { FeedDocument, FeedFormat } from '../feeds/feed-model.js'
import { renderAtom } from '../feeds/render-atom.js'
import { renderJsonFeed } from '../feeds/render-json-feed.js'
import { renderPodcast, type PodcastDocument } from '../feeds/render-podcast.js'
import { renderRss } from '../feeds/render-rss.js'
import { renderFeedPage, renderPodcastPage } from './feed-pages.js'
import type { PageContext } from './pages.js'
import { WorkerTimeoutError } from '../util/worker-pool.js'

/** One piece of rendering: an article's body (`plain`: as plain text), a feed document in one format, or the podcast feed. */
export type RenderRequest =
  | { readonly kind: 'body'; readonly markdown: string; readonly articleUrl: string; readonly siteUrl: string; readonly plain?: boolean }
  | { readonly kind: 'feed'; readonly document: FeedDocument; readonly format: FeedFormat }
  | { readonly kind: 'podcast'; readonly document: PodcastDocument }
  | { readonly kind: 'feed page'; readonly document: FeedDocument; readonly format: FeedFormat; readonly context: PageContext }
  | { readonly kind: 'podcast page'; readonly document: PodcastDocument; readonly context: PageContext }

/** What a render worker is started with (render-pool.ts). */
export interface RenderWorkerData {
  readonly lowPriority: boolean
}

/**
 * Where the work whose length an article file decides is done: rendering
 * bodies and feed documents. In this thread (RENDER_IN_THREAD: tests, the
 * export), or in worker threads (render-pool.ts: the service), where no file
 * can hold the event loop.
 */
export interface Renderer {
  /** The body's HTML and excerpt; when rendering fails, its plain text, with the problem said. */
  body(markdown: string, articleUrl: string, siteUrl: string): Promise<BodyRendering>
  /** The document's text, or that text already encoded as UTF-8. */
  feed(document: FeedDocument, format: FeedFormat): Promise<string | Uint8Array>
  podcast(document: PodcastDocument): Promise<string | Uint8Array>
  /** A feed document's page for browsers (feed-pages.ts), as text or UTF-8. */
  feedPage(document: FeedDocument, format: FeedFormat, context: PageContext): Promise<string | Uint8Array>
  podcastPage(document: PodcastDocument, context: PageContext): Promise<string | Uint8Array>
  /**
   * Where the documents a change swaps in are rendered when their text is
   * small (site/spliced-feeds.ts): the render pool's is this thread, so that
   * an edit's one-item documents and pages wait for no low-priority worker.
   */
  readonly small?: Renderer
}

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
  }
}

/**
 * A body rendered, or, when that failed or took too long, its plain text
 * with the reason: one broken body never keeps a document from being published.
 */
export async function bodyOrPlainText(rendered: () => Promise<BodyRendering>, plain: () => Promise<BodyRendering>): Promise<BodyRendering> {
  try {
    return await rendered()
  } catch (error) {
    const reason =
      error instanceof WorkerTimeoutError
        ? `took longer than ${error.timeLimitMs / 1000} s to render`
        : `could not be rendered (${error instanceof Error ? error.message : String(error)})`
    return { ...(await plain()), problem: `${reason}; published as plain text` }
  }
}

/** Renders at once, in this thread, through the same render() the workers run. */
export const RENDER_IN_THREAD: Renderer = {
  body: (markdown, articleUrl, siteUrl) =>
    bodyOrPlainText(
      async () => render({ kind: 'body', markdown, articleUrl, siteUrl }) as BodyRendering,
      async () => render({ kind: 'body', markdown, articleUrl, siteUrl, plain: true }) as BodyRendering,
    ),
  feed: async (document, format) => render({ kind: 'feed', document, format }) as string,
  podcast: async (document) => render({ kind: 'podcast', document }) as string,
  feedPage: async (document, format, context) => render({ kind: 'feed page', document, format, context }) as string,
  podcastPage: async (document, context) => render({ kind: 'podcast page', document, context }) as string,
}
