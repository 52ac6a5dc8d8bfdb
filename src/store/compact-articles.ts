import type { Article } from '../content/article.js'
import type { ArticleSource } from '../content/article-source.js'
import type { ArticleProblem } from '../errors/article-error.js'

/**
 * `source`, whose articles read for the index share what many articles hold
 * alike: one frozen list of categories, tags or authors per distinct list,
 * one string per language, one Date where `updated` is `date`; and hold
 * their text one byte a character where it can be (oneByte). At 50,000
 * articles of a newsroom (a handful of desks, a few hundred tags and
 * authors) each article held its own copies (bench/heap-harness.mjs measures
 * the heap per article). A list no article holds any more is forgotten, and
 * with the last such list its values: an edit's new tags and authors stayed
 * for good (~200 bytes a list, a soak run's edits at 50,000 articles).
 */
export function compactSource(source: ArticleSource, compact: (article: Article) => Article = articleCompactor()): ArticleSource {
  return {
    ...source,
    readForIndex: async (file) => {
      const parsed = await source.readForIndex(file)
      return parsed && { ...parsed, article: compact(parsed.article), warnings: parsed.warnings.length > 0 ? parsed.warnings : NO_WARNINGS }
    },
  }
}

/** The list of no values, one for all (never collected). */
const NO_VALUES: readonly string[] = Object.freeze([])

/** The warnings of a file that has none, one list for all: the index snapshot holds a file's warnings beside its article (32 bytes each). */
export const NO_WARNINGS: readonly ArticleProblem[] = Object.freeze([])

/** One article with the lists and strings it shares with every other the same compactor saw; `list` and `string` share one list or string so. */
export type ArticleCompactor = ((article: Article) => Article) & {
  readonly list: (values: readonly string[]) => readonly string[]
  readonly string: (text: string) => string
}

/**
 * One article with the lists and strings it shares with every other the
 * same compactor saw (compactSource's reads, and an index snapshot's entries).
 */
export function articleCompactor(): ArticleCompactor {
  // Held weakly: a list whose articles are all gone (edited, deleted) is collected, and its entry then taken out.
  const lists = new Map<string, WeakRef<readonly string[]>>()
  const strings = new Map<string, string>()
  /** How many lists alive hold each value; a string shared but by no list (a language, a snapshot's value) stays. */
  const holders = new Map<string, number>()
  const collected = new FinalizationRegistry<string>((key) => {
    if (lists.get(key)?.deref() === undefined) lists.delete(key)
    for (const value of key.split('\u0000')) {
      const left = (holders.get(value) ?? 1) - 1
      if (left > 0) holders.set(value, left)
      else if (holders.delete(value)) strings.delete(value)
    }
  })
  const shared = (text: string): string => {
    const known = strings.get(text)
    if (known !== undefined) return known
    const held = oneByte(text)
    strings.set(held, held)
    return held
  }
  const sharedList = (values: readonly string[]): readonly string[] => {
    if (values.length === 0) return NO_VALUES
    // U+0000 never occurs in a value: parse-article.ts removes what XML cannot carry.
    const key = values.join('\u0000')
    let list = lists.get(key)?.deref()
    if (!list) {
      list = Object.freeze(values.map(shared))
      for (const value of list) holders.set(value, (holders.get(value) ?? 0) + 1)
      lists.set(key, new WeakRef(list))
      collected.register(list, key)
    }
    return list
  }
  // Not the file's name and the slug, read from its folder's listing and shared with the maps keyed by them, nor the
  // URL (made by the URL parser: ASCII, one byte a character); the path is a view of the URL or a string of its own.
  const compact = (article: Article): Article => ({
    ...article,
    id: oneByte(article.id),
    title: oneByte(article.title),
    summary: article.summary === undefined ? undefined : oneByte(article.summary),
    imageAlt: oneByte(article.imageAlt),
    categories: sharedList(article.categories),
    tags: sharedList(article.tags),
    authors: sharedList(article.authors),
    lang: shared(article.lang),
    updated: article.updated.getTime() === article.date.getTime() ? article.date : article.updated,
    path: pathWithin(article.url, article.path, oneByte),
  })
  return Object.assign(compact, { list: sharedList, string: shared })
}

/**
 * `text` held one byte a character when each of its characters fits in one
 * (Latin-1: German's umlauts and ß do), else as it is. V8 keeps a slice of a
 * string, or a join with one, two bytes a character when that string has a
 * character beyond anywhere (a „quote“, a dash, €): YAML's values are slices
 * of their file, and an id is joined from them, so an article whose body had
 * one such character held its title, summary and id at twice the size
 * (tests/content/held-strings.test.ts). A string already one byte a
 * character is copied too (JavaScript cannot tell the two apart): the copy
 * is what is kept, the parse's string is garbage.
 */
export function oneByte(text: string): string {
  return BEYOND_LATIN1.test(text) ? text : Buffer.from(text, 'latin1').toString('latin1')
}

const BEYOND_LATIN1 = /[^\u0000-\u00ff]/

/**
 * `path` as the end of `url` when it is that (an article's page URL is SITE_URL and its path): a
 * slice of 13 characters or more is a view of 32 bytes into a string held anyway, where the
 * path's own copy took ~70 (issue 14: bytes per article; tests/content/held-strings.test.ts).
 */
export function pathWithin(url: string, path: string, own: (path: string) => string = (path) => path): string {
  return path.length >= 13 && url.endsWith(path) ? url.slice(url.length - path.length) : own(path)
}
