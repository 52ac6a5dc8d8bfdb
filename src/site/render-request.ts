import type { BodyRendering } from '../content/render-markdown.js'
import type { FeedDocument, FeedFormat } from '../feeds/feed-model.js'
import type { PodcastDocument } from '../feeds/render-podcast.js'
import type { Article } from '../content/article.js'
import type { PageContext } from './pages.js'
import type { EncodedDocument } from './resource.js'
import { renderPlainText } from '../content/plain-text.js'
import { NoWorkerError, WorkerTimeoutError } from '../util/worker-errors.js'

// What renderer.ts, the render pool and the in-thread renderer loaded later
// share, apart from the rendering itself: render-pool.ts and the main thread
// import this without loading Markdown, HTML or XML code (issue 14).

/** One piece of rendering: an article's body (`plain`: as plain text), a feed document in one format, or the podcast feed. */
export type RenderRequest =
  | { readonly kind: 'body'; readonly markdown: string; readonly articleUrl: string; readonly siteUrl: string; readonly plain?: boolean }
  | { readonly kind: 'feed'; readonly document: FeedDocument; readonly format: FeedFormat }
  | { readonly kind: 'podcast'; readonly document: PodcastDocument }
  | { readonly kind: 'feed page'; readonly document: FeedDocument; readonly format: FeedFormat; readonly context: PageContext }
  | { readonly kind: 'podcast page'; readonly document: PodcastDocument; readonly context: PageContext }
  | ({ readonly kind: 'article page' } & ArticlePageRequest)

/** What an article page is made of (pages.ts renderArticlePage), or with `transcript` its episode's transcript page (renderTranscriptPage). */
export type ArticlePageRequest =
  | (PageOfArticle & { readonly summary: string; readonly episode: boolean; readonly transcript?: false })
  | (PageOfArticle & { readonly transcript: true })

/** What both pages of an article show: the article and its body's HTML. */
interface PageOfArticle {
  readonly context: PageContext
  readonly article: Article
  readonly html: string
}

/** What a render worker is started with (render-pool.ts). */
export interface RenderWorkerData {
  readonly lowPriority: boolean
}

/** What the render pool tells its workers once the service answers requests (RenderPool.serving): yield to its event loop from now on. */
export interface RenderWorkerNotice {
  readonly lowPriority: true
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
   * An article page rendered, hashed and compressed where it is rendered (the
   * export's render pool, `pages`: its main thread no longer sets the pace; the
   * service's, for a large body). Absent, or undefined for the page: the page is
   * rendered and compressed in the calling thread; so is the text it gives when no worker could.
   */
  readonly articlePage?: (page: ArticlePageRequest) => Promise<EncodedDocument | string | undefined>
  /**
   * Where the documents a change swaps in are rendered when their text is
   * small (site/spliced-feeds.ts): the render pool's is this thread (loaded
   * on first use), so that an edit's one-item documents and pages wait for no
   * low-priority worker. The first site is rendered by the workers.
   */
  readonly small?: Renderer
  /**
   * Registers `listener` for when bodies render as written again after some were published as plain text because no
   * render worker could start (BodyRendering.passing): the render pool's workers start again. What holds such a body
   * (a feed, a page) is then to be rendered again.
   */
  readonly onRecovered?: (listener: () => void) => void
}

/**
 * `markdown`'s body rendered, or, when that failed or took too long, its plain
 * text with the reason: one broken body never keeps a document from being
 * published. The plain text is asked of `plain` (a worker: its length is the
 * body's); when that fails too (a worker that ends, or whose code throws, on
 * this text), it is made here, where it is linear. When no worker could start,
 * or each ends on its first task (NoWorkerError), it is made here at once,
 * without another start, and is `passing`: this body is not at fault, and
 * renders once a worker works. With `asWritten` (the export, which renders
 * nothing again later), a body whose plain text finds no worker (the workers
 * it ended were broken, not it) is what `asWritten` renders instead.
 */
export async function bodyOrPlainText(
  markdown: string,
  rendered: () => Promise<BodyRendering>,
  plain: () => Promise<BodyRendering>,
  asWritten?: (failure: NoWorkerError) => Promise<BodyRendering>,
): Promise<BodyRendering> {
  try {
    return await rendered()
  } catch (error) {
    const reason =
      error instanceof WorkerTimeoutError
        ? `took longer than ${error.timeLimitMs / 1000} s to render`
        : `could not be rendered (${error instanceof Error ? error.message : String(error)})`
    if (error instanceof NoWorkerError) return { ...renderPlainText(markdown), problem: `${reason}; published as plain text`, passing: true }
    // Ran out of time: rendered again on a schedule of its own (rendered-bodies.ts), not when workers recover.
    const failed = error instanceof WorkerTimeoutError ? { timedOut: true as const } : { workerFailed: true as const }
    let text: BodyRendering
    try {
      text = await plain()
    } catch (plainError) {
      if (asWritten && plainError instanceof NoWorkerError) return asWritten(plainError)
      text = renderPlainText(markdown)
    }
    return { ...text, problem: `${reason}; published as plain text`, ...failed }
  }
}
