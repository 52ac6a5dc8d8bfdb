import { createHash } from 'node:crypto'
import { bylineOf, tagsOf, type Article } from '../content/article.js'
import { articleKey, authorKey, tagKey } from './cache-keys.js'
import { lastChangeOf } from './sitemaps.js'
import { hashNumber } from '../util/fast-hash.js'

/**
 * What the cache keys' versions (key-versions.ts) need of each article,
 * worked out once per article object: its version, its key, the keys of the
 * views it is in, and hashes of what lists show of it.
 */

/** A digest of everything one article's documents render from it (its fields, its body). */
export type ArticleVersion = (article: Article) => string

/**
 * An article's version from what its documents are made of (ArticleVersion):
 * 64 bits of its SHA-256, as 16 hex digits in a string of its own. A whole
 * digest held 48 B more an article, for a key whose change a collision of
 * 64 bits would hide once in some 10^19 edits.
 */
export function versionDigest(text: string): string {
  return createHash('sha256').update(text).digest().toString('hex', 0, 8)
}

/** What keyVersions needs of each article, worked out once per article object. */
export interface ArticleFacts {
  readonly version: string
  readonly key: string
  /** The keys of the views it is in. */
  readonly views: readonly string[]
  /** A hash of its page path: lists of articles are versioned by these (Sequence). */
  readonly path: number
  /** When it last changed (lastChangeOf), in ms: with `path`, its sitemap entry. */
  readonly lastChange: number
}

/** What keyVersions needs of each article: its version, its key, the keys of the views it is in, hashes of what lists show of it. */
export interface ArticleKeyFacts {
  of(article: Article, deskAuthor: string): ArticleFacts
}

/**
 * ArticleKeyFacts from `version`, worked out once per article object (an
 * edit makes a new one): hashing every tag of 50,000 articles on every
 * change would cost more than the change.
 */
export function articleKeyFacts(version: ArticleVersion): ArticleKeyFacts {
  const known = new WeakMap<Article, ArticleFacts>()
  const viewsOf = sharedViews()
  return {
    of: (article, deskAuthor) => {
      let facts = known.get(article)
      if (!facts) {
        facts = {
          version: version(article),
          key: flat(articleKey(article.path)),
          views: viewsOf(tagsOf(article), bylineOf(article, deskAuthor)),
          path: hashNumber(article.path),
          lastChange: lastChangeOf(article).getTime(),
        }
        known.set(article, facts)
      }
      return facts
    },
  }
}

/**
 * `text` as one string of its own. V8 joins two strings of 13 characters or
 * more by reference (a cons string): a key `a-…` held so took 49 B more an
 * article than its 16 characters, 2.4 MB at 50,000.
 */
const flat = (text: string): string => JSON.parse(JSON.stringify(text)) as string

/** Names and lists sharedViews keeps: past either, it forgets them all and makes them anew (those given out stay right). */
const SHARED_AT_MOST = 10_000

/**
 * The view keys of an article's tags and byline, as one list for every
 * article with the same ones, each key one string. A list and strings of
 * each article's own held some 200 bytes an article, 10 MB at 50,000: with
 * them, the key versions held 570 B an article, 364 without (`keys` in
 * bench/heap-harness.mjs; 242 with the version and key made smaller too).
 * Each name's key is worked out once, not once an article: a SHA-256 for
 * every tag that is not a plain token.
 */
function sharedViews(): (tags: readonly string[], byline: readonly string[]) => readonly string[] {
  const keys = new Map<string, string>()
  const lists = new Map<string, readonly string[]>()
  const keyOf = (kind: 't' | 'a', name: string): string => {
    let key = keys.get(kind + name)
    if (key === undefined) {
      if (keys.size >= SHARED_AT_MOST) keys.clear()
      key = kind === 't' ? tagKey(name) : authorKey(name)
      keys.set(kind + name, key)
    }
    return key
  }
  return (tags, byline) => {
    const views = [...new Set([...tags.map((tag) => keyOf('t', tag)), ...byline.map((author) => keyOf('a', author))])]
    // Keys hold no space (cacheKey): joined, they name the list.
    const name = views.join(' ')
    const shared = lists.get(name)
    if (shared) return shared
    if (lists.size >= SHARED_AT_MOST) lists.clear()
    lists.set(name, views)
    return views
  }
}
