import { createHash } from 'node:crypto'
import { withoutScheme } from '../text/patterns.js'

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
