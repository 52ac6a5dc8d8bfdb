import type { CacheClass } from '../caching.js'
import type { FeedDocument, FeedFormat } from '../feeds/feed-model.js'
import type { PodcastDocument } from '../feeds/render-podcast.js'
import { withoutContent } from './feed-pages.js'
import type { PageContext } from './pages.js'
import { FEED_MEDIA_TYPES } from './paths.js'
import { RENDER_IN_THREAD_LATER } from './in-thread-later.js'
import type { Renderer } from './render-request.js'
import { createResource, type CreateResource, type Resource } from './resource.js'

/**
 * Brotli quality of archive pages, which change rarely and are kept: 8. A
 * full page (50 items with their text, 177 KB) took 363 ms at quality 11 and
 * 9–17 ms at 8, for 8 % more bytes (0.9 % more than 9, which took 2–4 times
 * as long as 8); the export of 50,000 articles writes 3,000 of them. Since
 * brotliWindow keeps both at 16 bits, 8 and 9 take about the same time (2.4–3.4
 * and 3.6–3.9 ms, bench/brotli-window.ts); 8 stays, so that an export's pages
 * keep their bytes. Every archive page, the newest one too.
 */
const ARCHIVE_BROTLI_QUALITY = 8

/**
 * One feed document in one format, rendered by `renderer`, encoded and
 * compressed at `now`, with its cache keys (cache-keys.ts); with `context`,
 * with its browser page. `create` makes the resources (createIdentityFirst
 * for the documents a change swaps in). The current feeds and the archive pages (which the
 * pages link to, each rendered once per change of its articles) have one;
 * filtered views do not: a page each doubled the work of a burst of new views
 * (tests/hardening/stalls.test.ts: 7 s became 40 s, the event loop stalled 132 ms).
 */
export async function renderFeedResource(
  document: FeedDocument,
  format: FeedFormat,
  cache: CacheClass,
  keys: readonly string[],
  now: Date,
  renderer: Renderer = RENDER_IN_THREAD_LATER,
  context?: PageContext,
  create: CreateResource = createResource,
): Promise<Resource> {
  const [feed, page] = await Promise.all([
    renderer.feed(document, format),
    context === undefined ? undefined : renderer.feedPage(withoutContent(document), format, context),
  ])
  return feedResource(feed, format, document, page, cache, keys, now, create)
}

/** The podcast feed, rendered by `renderer`, with its page for browsers. */
export async function renderPodcastResource(
  document: PodcastDocument,
  context: PageContext,
  keys: readonly string[],
  now: Date,
  renderer: Renderer = RENDER_IN_THREAD_LATER,
  create: CreateResource = createResource,
): Promise<Resource> {
  const [feed, page] = await Promise.all([renderer.podcast(document), renderer.podcastPage(withoutContent(document), context)])
  return feedResource(feed, 'rss', document, page, 'live', keys, now, create)
}

/**
 * The feed's bytes and, rendered at the same time from the same document,
 * the page a browser's top-level navigation gets (send-resource.ts). Both by
 * the renderer (the service's worker threads): in tests/hardening/stalls.test.ts
 * (40 new views of 500 items at once, on a 2-core machine at load average 15)
 * the event loop stalled 520 ms with the pages rendered here, 280 ms with them
 * in the workers, 250 ms with no pages at all. The page shows what the feed
 * shows: it carries the same cache keys.
 */
async function feedResource(
  text: string | Uint8Array,
  format: FeedFormat,
  document: FeedDocument,
  page: string | Uint8Array | undefined,
  cache: CacheClass,
  keys: readonly string[],
  now: Date,
  create: CreateResource,
): Promise<Resource> {
  // An empty feed has no content date; say nothing rather than something invented.
  const lastModified = document.items.length > 0 ? document.updated : undefined
  // By the document, not by how it is cached: the newest archive page is cached like a live feed, and a JSON Feed page
  // (which links only to the older one) or a page's browser view (summaries only, also while a body cannot be read) keeps
  // its bytes when that changes, and so its ETags: its Brotli bytes must stay the same too (tests/store/archive-brotli.test.ts).
  const brotliQuality = document.archive ? ARCHIVE_BROTLI_QUALITY : 9
  const browserPage =
    page === undefined ? undefined : await create(page, { contentType: 'text/html; charset=utf-8', now, lastModified, cache, keys, brotliQuality })
  return create(text, {
    contentType: `${FEED_MEDIA_TYPES[format]}; charset=utf-8`,
    now,
    keys,
    lastModified,
    cache,
    brotliQuality,
    ...(browserPage ? { browserPage } : {}),
    ...(format === 'json' ? {} : { browserContentType: 'application/xml; charset=utf-8' }),
  })
}
