import type { BodyRendering } from '../content/plain-text.js'
import type { Renderer, RenderRequest } from './render-request.js'

/** The in-thread renderer, loaded now if it is not yet: main.ts loads it once the first feed is served, so that a running service no longer reads dist/. */
export const inThread = async (): Promise<Renderer> => (await import('./renderer.js')).RENDER_IN_THREAD

/** One request rendered in this thread (renderer.ts's render, loaded as inThread loads it): what a render worker would answer, as text. */
export const renderInThread = async (request: RenderRequest): Promise<BodyRendering | string> => (await import('./renderer.js')).render(request)

/**
 * RENDER_IN_THREAD (renderer.ts), loaded on its first use: the default where
 * no renderer is passed. The service renders in its worker pool, so its main
 * thread need not load the Markdown, HTML and XML code before the first feed
 * (issue 14); the bundle holds it in a part of its own (scripts/build.mjs).
 */
export const RENDER_IN_THREAD_LATER: Renderer = {
  body: async (markdown, articleUrl, siteUrl) => (await inThread()).body(markdown, articleUrl, siteUrl),
  feed: async (document, format) => (await inThread()).feed(document, format),
  podcast: async (document) => (await inThread()).podcast(document),
  feedPage: async (document, format, context) => (await inThread()).feedPage(document, format, context),
  podcastPage: async (document, context) => (await inThread()).podcastPage(document, context),
}
