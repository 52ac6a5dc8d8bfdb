import { createHash } from 'node:crypto'
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
import { withoutScheme } from '../text/patterns.js'

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

/**
 * podcast:guid (Podcasting 2.0): a UUID v5 of the feed URL without its scheme
 * and trailing slashes, in the namespace the specification fixes, so any app
 * can compute the same id from the URL.
 */
export function podcastGuid(feedUrl: string): string {
  return uuidV5('ead4c236bf5858c6a2c6a6b28d128cb6', withoutScheme(feedUrl).replace(/\/+$/, ''))
}

/**
 * An episode's guid: `urn:uuid:` and the UUID v5 (RFC 9562 §5.5) of its
 * article's id in the URL namespace. Not the article's id itself, which the
 * section feed's item carries: newsboat keys items by guid across all
 * subscriptions, and kept the episode in one of the two feeds only. Stable
 * from now on, as long as the article's id is (docs/podcast.md): podcast apps
 * key downloads on it.
 */
export function episodeGuid(articleId: string): string {
  return `urn:uuid:${uuidV5('6ba7b8119dad11d180b400c04fd430c8', articleId)}`
}

/** RFC 9562 §5.5: SHA-1 of the namespace's bytes and the name's UTF-8, version and variant bits set. */
function uuidV5(namespaceHex: string, name: string): string {
  const hash = createHash('sha1').update(Buffer.from(namespaceHex, 'hex')).update(name, 'utf8').digest()
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
