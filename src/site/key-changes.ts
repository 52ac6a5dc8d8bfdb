import type { Article } from '../content/article.js'
import { archivePage } from '../feeds/archive.js'
import type { ArticleKeyFacts } from './article-key-facts.js'
import { ANY_KEY, FEED_KEY, NEWS_SITEMAP_KEY, PODCAST_KEY, SITEMAP_KEY } from './cache-keys.js'
import {
  archiveVersions,
  factsOf,
  feedVersion,
  KEY_VERSIONS_TURN_MS,
  keyVersions,
  limitVersions,
  mediaAccessVersions,
  mediaKeysOf,
  newsSitemapVersion,
  podcastVersion,
  sitemapKeyOf,
  sitemapPartVersion,
  sitemapVersions,
  stepCounter,
  VIEW_AT_MOST,
  viewVersions,
  type FactsOf,
  type KeyVersionInput,
} from './key-versions.js'
import { sitemapParts } from './sitemaps.js'
import { allSteps, stepsInTurns, type Steps } from '../util/event-loop-turns.js'

/**
 * Which cache keys to purge between two states of the site: those whose
 * version (key-versions.ts) changed, came or went (the last article with a
 * tag is gone: cached views still carry it), and ANY_KEY with any. From
 * both states' versions of every key (changedKeys: the start, against the
 * record of the last stop), or from what differs between two states
 * (keyChanges: a change).
 */

/** The keys to purge between two states' versions of every key. */
export function changedKeys(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  return allSteps(changedKeySteps(before, after))
}

/**
 * changedKeys with the event loop turning every `turnMs`: at 50,000 articles,
 * in one go, the two passes over every key held every answer 13–50 ms (the
 * start's purge, PurgeRecord; each change's, before keyChanges).
 */
export function changedKeysInTurns(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, turnMs = KEY_VERSIONS_TURN_MS): Promise<string[]> {
  return stepsInTurns(changedKeySteps(before, after), turnMs)
}

/** Keys changedKeySteps compares between two steps. */
const KEY_STEP = 1000

/** changedKeys' work, a step at a time. */
export function* changedKeySteps(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): Steps<string[]> {
  const changed: string[] = []
  let done = 0
  for (const [key, version] of after) {
    if (before.get(key) !== version) changed.push(key)
    if (++done % KEY_STEP === 0) yield
  }
  for (const key of before.keys()) {
    if (!after.has(key)) changed.push(key)
    if (++done % KEY_STEP === 0) yield
  }
  // Documents that name nothing more precise go with any change.
  if (changed.length > 0) changed.push(ANY_KEY)
  return changed.sort()
}

/**
 * The keys changed between two states (changedKeys of their keyVersions),
 * worked out from what differs between them: the articles that are not the
 * same objects in both, and the lists (archive pages, sitemap files, views)
 * that hold one. Both states' versions of every key, in one go at 50,000
 * articles, held every answer 50–125 ms a change, and a burst of saves with
 * a CDN 105–281 ms (docs/performance.md, the forty-third round).
 * tests/site/key-changes.test.ts compares it with changedKeys on random
 * edits, additions, removals and moves. A kind of key added to keyVersions
 * needs its part here too: that test finds one missing only where its
 * random changes touch it.
 */
export function keyChanges(before: KeyVersionInput, after: KeyVersionInput, facts: ArticleKeyFacts): string[] {
  return allSteps(keyChangeSteps(before, after, facts))
}

/** keyChanges with the event loop turning every `turnMs` (a bulk change, or an article moved far, touches many articles). */
export function keyChangesInTurns(before: KeyVersionInput, after: KeyVersionInput, facts: ArticleKeyFacts, turnMs = KEY_VERSIONS_TURN_MS): Promise<string[]> {
  return stepsInTurns(keyChangeSteps(before, after, facts), turnMs)
}

/** The settings both states must share for keyChangeSteps to compare them by what differs (else it compares all). */
const SETTINGS = ['feedLimit', 'archivePageSize', 'sitemapUrls', 'deskAuthor', 'mediaPrefix'] as const

/** keyChanges' work, a step at a time (SitePlan.changedSince). */
export function* keyChangeSteps(before: KeyVersionInput, after: KeyVersionInput, facts: ArticleKeyFacts): Steps<string[]> {
  if (SETTINGS.some((name) => before[name] !== after[name])) return changedKeys(keyVersions(before, facts), keyVersions(after, facts))
  const changed = new Set<string>()
  const compare = (key: string, was: string | undefined, is: string | undefined): void => void (was !== is && changed.add(key))
  const compareAll = (was: readonly (readonly [string, string])[], is: readonly (readonly [string, string])[]): void => {
    const old = new Map(was)
    const now = new Map(is)
    for (const [key, version] of old) compare(key, version, now.get(key))
    for (const [key, version] of now) if (!old.has(key)) compare(key, undefined, version)
  }
  const of = factsOf(after, facts)
  const published = differing(before.published, after.published)
  // Each article's page, and the media files whose access it decides.
  const was = new Map<string, string>()
  const is = new Map<string, string>()
  yield* articleVersions(before.published, published.before, of, was)
  yield* articleVersions(after.published, published.after, of, is)
  const compared = stepCounter()
  for (const [key, version] of was) {
    compare(key, version, is.get(key))
    if (compared(1)) yield
  }
  for (const [key, version] of is) {
    if (!was.has(key)) compare(key, undefined, version)
    if (compared(1)) yield
  }
  yield* mediaChanges(before, after, published, compare)
  compare(FEED_KEY, feedVersion(before, of), feedVersion(after, of))
  const section = differing(before.section, after.section)
  if (section.before.start < VIEW_AT_MOST) compareAll(limitVersions(before, of), limitVersions(after, of))
  if (!sameItems(before.episodes, after.episodes) || before.sectionUpdated !== after.sectionUpdated) compare(PODCAST_KEY, podcastVersion(before, of), podcastVersion(after, of))
  yield* archiveChanges(before, after, section, of, compareAll)
  yield* sitemapChanges(before, after, published, of, compareAll)
  yield* viewChanges(before, after, section, of, compareAll)
  if (changed.size === 0) return []
  changed.add(ANY_KEY)
  return [...changed].sort()
}

/** A stretch of a list, `end` excluded. */
interface Range {
  readonly start: number
  readonly end: number
}

/** Where two lists differ: all but the longest start and end the same objects in both, in the same places. */
interface Differing {
  readonly before: Range
  readonly after: Range
}

function differing<T>(before: readonly T[], after: readonly T[]): Differing {
  const shorter = Math.min(before.length, after.length)
  let start = 0
  while (start < shorter && before[start] === after[start]) start += 1
  let tail = 0
  while (tail < shorter - start && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail += 1
  return { before: { start, end: before.length - tail }, after: { start, end: after.length - tail } }
}

const sameItems = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((item, index) => item === b[index])

/** The media files named by an article that differs: their access, worked out over every article that names them. */
function* mediaChanges(before: KeyVersionInput, after: KeyVersionInput, published: Differing, compare: (key: string, was?: string, is?: string) => void): Steps<void> {
  const named = new Set<string>()
  const counted = stepCounter()
  for (const [input, { start, end }] of [[before, published.before], [after, published.after]] as const) {
    for (let index = start; index < end; index++) {
      for (const key of mediaKeysOf(input.published[index] as Article, input.mediaPrefix)) named.add(key)
      if (counted(1)) yield
    }
  }
  if (named.size === 0) return
  const was = new Map<string, string>()
  const is = new Map<string, string>()
  yield* mediaAccessVersions(before, was, counted, named)
  yield* mediaAccessVersions(after, is, counted, named)
  for (const key of named) compare(key, was.get(key), is.get(key))
}

/**
 * Archive pages hold the section oldest first (page 1 the oldest): the pages
 * within the section's unchanged end are the same, and link to a newer page
 * in both, unless they are the last page of either.
 */
function* archiveChanges(before: KeyVersionInput, after: KeyVersionInput, section: Differing, of: FactsOf, compareAll: (was: [string, string][], is: [string, string][]) => void): Steps<void> {
  const tail = before.section.length - section.before.end
  const same = Math.max(0, Math.min(Math.floor(tail / before.archivePageSize), before.archivePages - 1, after.archivePages - 1))
  const pageOf = (input: KeyVersionInput, page: number) => (page <= input.archivePages ? archivePage(input.section, input.feedLimit, input.archivePageSize, page) : undefined)
  for (let page = same + 1; page <= Math.max(before.archivePages, after.archivePages); page++) {
    const was = pageOf(before, page)
    const is = pageOf(after, page)
    if (was && is && sameItems(was.items, is.items) && page < before.archivePages === page < after.archivePages) continue
    compareAll(was ? archiveVersions(before, was, of) : [], is ? archiveVersions(after, is, of) : [])
    // Ten pages of 100 (ARCHIVE_PAGE_SIZE's default), both states: some 2,000 lookups a step.
    if (page % 10 === 0) yield
  }
}

/** The keys and versions of the articles in `range` of `articles`, into `into`. */
function* articleVersions(articles: readonly Article[], { start, end }: Range, of: FactsOf, into: Map<string, string>): Steps<void> {
  const counted = stepCounter()
  for (let index = start; index < end; index++) {
    const { key, version } = of(articles[index] as Article)
    into.set(key, version)
    if (counted(1)) yield
  }
}

/**
 * Sitemap files hold every public article oldest first, SITEMAP_PART_URLS a
 * file: a file is the same unless one of its articles differs, or it is the
 * last (which dates the index page); the index changes with a file's newest
 * lastmod. A new file (or one gone) renames the keys: then all are compared.
 */
function* sitemapChanges(before: KeyVersionInput, after: KeyVersionInput, published: Differing, of: FactsOf, compareAll: (was: [string, string][], is: [string, string][]) => void): Steps<void> {
  const was = sitemapParts(before.published, before.sitemapUrls)
  const is = sitemapParts(after.published, after.sitemapUrls)
  if (was.length !== is.length) {
    const all = function* (input: KeyVersionInput): Steps<[string, string][]> {
      const versions = new Map<string, string>()
      yield* sitemapVersions(input, versions, of, stepCounter())
      return [...versions]
    }
    compareAll(yield* all(before), yield* all(after))
    return
  }
  compareAll([[NEWS_SITEMAP_KEY, newsSitemapVersion(before)]], [[NEWS_SITEMAP_KEY, newsSitemapVersion(after)]])
  const homes = [Date.parse(before.sectionUpdated), Date.parse(after.sectionUpdated)] as const
  const last = was.length - 1
  // The newest lastmod of each file that differs: the index (SITEMAP_KEY, past one file) lists them.
  const newest: [number[], number[]] = [[], []]
  const counted = stepCounter()
  for (let index = Math.floor(published.before.start / before.sitemapUrls); index <= last; index++) {
    const [old, now] = [was[index] as Article[], is[index] as Article[]]
    if (sameItems(old, now) && (index < last || homes[0] === homes[1])) continue
    const key = sitemapKeyOf(index, was.length)
    const a = yield* sitemapPartVersion(old, index === last ? homes[0] : undefined, of, counted)
    const b = yield* sitemapPartVersion(now, index === last ? homes[1] : undefined, of, counted)
    compareAll([[key, a.entries]], [[key, b.entries]])
    newest[0].push(a.newest)
    newest[1].push(b.newest)
  }
  if (was.length > 1) compareAll([[SITEMAP_KEY, newest[0].join('\n')]], [[SITEMAP_KEY, newest[1].join('\n')]])
}

/**
 * The views of the articles that differ in the section: each view's newest
 * VIEW_AT_MOST members are those before the differing stretch, in it, and
 * after it, in that order; a view none of them is in shows the same.
 */
function* viewChanges(before: KeyVersionInput, after: KeyVersionInput, section: Differing, of: FactsOf, compareAll: (was: [string, string][], is: [string, string][]) => void): Steps<void> {
  const views = new Set<string>()
  const counted = stepCounter()
  for (const [input, { start, end }] of [[before, section.before], [after, section.after]] as const) {
    for (let index = start; index < end; index++) {
      for (const key of of(input.section[index] as Article).views) views.add(key)
      if (counted(1)) yield
    }
  }
  if (views.size === 0) return
  const ahead = yield* members(before.section, { start: 0, end: section.before.start }, views, of)
  const was = yield* members(before.section, section.before, views, of)
  const is = yield* members(after.section, section.after, views, of)
  const behind = yield* members(before.section, { start: section.before.end, end: before.section.length }, views, of)
  for (const key of views) {
    const list = (middle: Map<string, Article[]>) => [...(ahead.get(key) ?? []), ...(middle.get(key) ?? []), ...(behind.get(key) ?? [])].slice(0, VIEW_AT_MOST)
    const versions = (members: Article[]) => (members.length === 0 ? [] : viewVersions(key, members, before.feedLimit, of))
    if ((ahead.get(key)?.length ?? 0) < VIEW_AT_MOST) compareAll(versions(list(was)), versions(list(is)))
    // Each view up to 2,000 lookups (500 and its FEED_LIMIT, both states): a folder swapped in has every view to do.
    yield
  }
}

/** The members of each of `views` in `range` of `section`, in order, VIEW_AT_MOST at most each; it stops once every view has as many. */
function* members(section: readonly Article[], { start, end }: Range, views: ReadonlySet<string>, of: FactsOf): Steps<Map<string, Article[]>> {
  const found = new Map<string, Article[]>()
  const counted = stepCounter()
  let full = 0
  for (let index = start; index < end && full < views.size; index++) {
    const article = section[index] as Article
    for (const key of of(article).views) {
      if (!views.has(key)) continue
      const list = found.get(key) ?? []
      if (list.length === 0) found.set(key, list)
      if (list.length < VIEW_AT_MOST && list.push(article) === VIEW_AT_MOST) full += 1
    }
    if (counted(1)) yield
  }
  return found
}
