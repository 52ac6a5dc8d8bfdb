import type { CacheClass } from '../caching.js'
import type { FeedDocument, FeedFormat } from '../feeds/feed-model.js'
import { FEED_MEDIA_TYPES } from './paths.js'
import { RENDER_IN_THREAD, type Renderer } from './renderer.js'
import { createResource, type Resource } from './resource.js'

/** One feed document in one format, rendered by `renderer`, encoded and compressed at `now`. */
export async function renderFeedResource(
  document: FeedDocument,
  format: FeedFormat,
  cache: CacheClass,
  keys: readonly string[],
  now: Date,
  renderer: Renderer = RENDER_IN_THREAD,
): Promise<Resource> {
  return feedResource(await renderer.feed(document, format), format, document, cache, keys, now)
}

export function feedResource(
  text: string | Uint8Array,
  format: FeedFormat,
  document: FeedDocument,
  cache: CacheClass,
  keys: readonly string[],
  now: Date,
): Promise<Resource> {
  return createResource(text, {
    contentType: `${FEED_MEDIA_TYPES[format]}; charset=utf-8`,
    now,
    keys,
    // An empty feed has no content date; say nothing rather than something invented.
    lastModified: document.items.length > 0 ? document.updated : undefined,
    cache,
    brotliQuality: cache === 'archive' ? 11 : 9,
    ...(format === 'json' ? {} : { browserContentType: 'application/xml; charset=utf-8' }),
  })
}
