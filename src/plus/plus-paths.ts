import type { FormatUrls } from '../feeds/feed-model.js'

/** The four documents a subscriber gets, by file name under `/<section>/plus/<token>/`. */
export const SUBSCRIBER_FILES = { rss: 'feed.xml', atom: 'atom.xml', json: 'feed.json', podcast: 'podcast.xml' } as const
export type SubscriberFile = keyof typeof SUBSCRIBER_FILES

/** `/wirtschaft/plus/`: where every subscriber path starts. */
export const plusPrefix = (section: string): string => `/${section}/plus/`

/** A subscriber's feed paths, and where their plus audio is: `/<section>/plus/<token>/…`. */
export function subscriberPaths(section: string, token: string): FormatUrls & { readonly podcast: string; readonly media: string } {
  const base = `${plusPrefix(section)}${token}/`
  return {
    rss: base + SUBSCRIBER_FILES.rss,
    atom: base + SUBSCRIBER_FILES.atom,
    json: base + SUBSCRIBER_FILES.json,
    podcast: base + SUBSCRIBER_FILES.podcast,
    media: `${base}media/`,
  }
}
