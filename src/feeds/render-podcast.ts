import type { PodcastSettings } from '../site-settings.js'
import {
  appendElement,
  childElements,
  declareNamespaces,
  hexEncodePlainText,
  NS,
  parseXml,
  RSS_PLAIN_TEXT,
  serializeXml,
} from './feed-package-fixes.js'
import type { FeedDocument } from './feed-model.js'
import { renderRss } from './render-rss.js'
import { isAppleArtwork } from './podcast-rules.js'
import { podcastGuid } from './podcast-ids.js'

// Re-exported: the ids are part of this feed; podcast-ids.ts holds them apart from the XML code, for the main thread (issue 14).
export { episodeGuid, podcastGuid } from './podcast-ids.js'

const ITUNES_NS = 'http://www.itunes.com/dtds/podcast-1.0.dtd'
const PODCAST_NS = 'https://podcastindex.org/namespace/1.0'
/** Podcasting 2.0 elements whose text is plain text, escaped like RSS's own. */
const PODCAST_PLAIN_TEXT = ['podcast:person', 'podcast:funding', 'podcast:updateFrequency']

/** What an episode links to beyond its audio (Podcasting 2.0), as absolute URLs. */
export interface EpisodeLinks {
  /** podcast:transcript: the file or page, its media type and language. */
  readonly transcript: { readonly url: string; readonly type: string; readonly language: string } | undefined
  /** podcast:chapters: the JSON Chapters document. */
  readonly chapters: string | undefined
  readonly season: number | undefined
}

/** The podcast feed: a feed document of episodes, with the show's channel settings. */
export interface PodcastDocument extends FeedDocument {
  readonly podcast: PodcastSettings
  /** Each item's links, in the order of `items`. */
  readonly episodes?: readonly EpisodeLinks[]
  /**
   * A private feed (a subscriber's, with its token in the URL): `itunes:block`
   * and `podcast:block` keep directories from listing it, since podcast apps
   * submit the feeds their users add (the Podcast Index publishes what it gets).
   */
  readonly block?: boolean
}

/**
 * The podcast feed: RSS 2.0 as every other feed (the `feed` package, repaired),
 * plus what Apple Podcasts requires (itunes: namespace) and Podcasting 2.0:
 * `podcast:guid`, `locked`, `medium`, `funding` and `updateFrequency` on the
 * channel; `season`, `transcript`, `chapters` and a `person` per author on
 * each episode (Apple Podcasts reads transcripts and chapters). The package's own podcast mode writes
 * `itunes:category` as text and loses durations on a second render
 * (docs/feed-package.md, defect 14), so every itunes tag is written here.
 */
export function renderPodcast(document: PodcastDocument): string {
  const { podcast } = document
  const doc = parseXml(renderRss({ ...document, images: { ...document.images, rss: undefined } }))
  const root = doc.documentElement
  const channel = root ? childElements(root, 'channel')[0] : undefined
  if (!root || !channel) throw new Error('podcast feed without a channel')
  root.setAttributeNS(NS.xmlns, 'xmlns:itunes', ITUNES_NS)
  root.setAttributeNS(NS.xmlns, 'xmlns:podcast', PODCAST_NS)
  declareNamespaces(doc, ['atom'])
  const first = childElements(channel, 'item')[0]
  const add = (parent: typeof channel, ns: string | null, name: string, attributes: Record<string, string | number | undefined> = {}, text?: string) =>
    appendElement(parent, ns, name, attributes, text, parent === channel ? first : undefined)

  // Channel (Apple Podcasts: "Podcast RSS feed requirements").
  const image = add(channel, null, 'image')
  appendElement(image, null, 'url', {}, podcast.image)
  appendElement(image, null, 'title', {}, podcast.title)
  appendElement(image, null, 'link', {}, document.homeUrl)
  add(channel, ITUNES_NS, 'itunes:image', { href: podcast.image })
  add(channel, ITUNES_NS, 'itunes:author', {}, podcast.author)
  const owner = add(channel, ITUNES_NS, 'itunes:owner')
  appendElement(owner, ITUNES_NS, 'itunes:name', {}, podcast.owner.name)
  appendElement(owner, ITUNES_NS, 'itunes:email', {}, podcast.owner.email)
  const category = add(channel, ITUNES_NS, 'itunes:category', { text: podcast.category })
  if (podcast.subcategory) appendElement(category, ITUNES_NS, 'itunes:category', { text: podcast.subcategory })
  add(channel, ITUNES_NS, 'itunes:explicit', {}, String(podcast.explicit))
  add(channel, ITUNES_NS, 'itunes:type', {}, podcast.type)
  add(channel, PODCAST_NS, 'podcast:guid', {}, podcastGuid(document.links.self.rss))
  add(channel, PODCAST_NS, 'podcast:locked', { owner: podcast.owner.email }, podcast.locked ? 'yes' : 'no')
  if (document.block) {
    add(channel, ITUNES_NS, 'itunes:block', {}, 'Yes')
    add(channel, PODCAST_NS, 'podcast:block', {}, 'yes')
  }
  // Podcasting 2.0 (podcastindex.org/namespace/1.0): what the feed is, how to support it, how often it appears.
  add(channel, PODCAST_NS, 'podcast:medium', {}, 'podcast')
  if (podcast.funding) add(channel, PODCAST_NS, 'podcast:funding', { url: podcast.funding.url }, podcast.funding.text)
  const frequency = podcast.updateFrequency
  if (frequency) add(channel, PODCAST_NS, 'podcast:updateFrequency', { rrule: frequency.rrule }, frequency.text)

  // Episodes.
  childElements(channel, 'item').forEach((element, index) => {
    const item = document.items[index]
    if (!item) return
    if (item.enclosure?.duration !== undefined) appendElement(element, ITUNES_NS, 'itunes:duration', {}, String(item.enclosure.duration))
    if (item.episode !== undefined) appendElement(element, ITUNES_NS, 'itunes:episode', {}, String(item.episode))
    appendElement(element, ITUNES_NS, 'itunes:episodeType', {}, 'full')
    appendElement(element, ITUNES_NS, 'itunes:explicit', {}, String(item.explicit ?? podcast.explicit))
    const art = item.image && isAppleArtwork(item.image.url, item.image.width, item.image.height) ? item.image.url : podcast.image
    appendElement(element, ITUNES_NS, 'itunes:image', { href: art })
    const links = document.episodes?.[index]
    if (links?.season !== undefined) appendElement(element, PODCAST_NS, 'podcast:season', {}, String(links.season))
    if (links?.transcript) appendElement(element, PODCAST_NS, 'podcast:transcript', { ...links.transcript })
    if (links?.chapters) appendElement(element, PODCAST_NS, 'podcast:chapters', { url: links.chapters, type: 'application/json+chapters' })
    // Every author, as the byline credits them, with the registry's role ("host", the namespace's default, written out).
    for (const author of item.authors) {
      appendElement(element, PODCAST_NS, 'podcast:person', { role: author.role ?? 'host', href: author.url, img: author.avatar }, author.name)
    }
  })
  return hexEncodePlainText(serializeXml(doc), [...RSS_PLAIN_TEXT, 'itunes:author', 'itunes:name', ...PODCAST_PLAIN_TEXT])
}
