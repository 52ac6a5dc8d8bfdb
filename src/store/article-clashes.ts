import type { Article } from '../content/article.js'
import { ArticleError, type ArticleProblem } from '../errors/article-error.js'
import { addFile, addFiles, addSharing, deleteFile, type FilesByValue } from './files-by-key.js'
import { NameForms } from './name-forms.js'

/**
 * Which article files clash. Slugs and ids are unique within a category
 * among the articles that are not drafts: files that clash are all held back
 * (each error names the others) until the clash is gone. Drafts are never
 * public, so they clash with nothing: a draft that shares a slug or id is
 * warned about, naming the others, and meets the clash rules once it is
 * published.
 *
 * File names that differ only in Unicode normalisation (`ö` as one character,
 * or as `o` and U+0308, which macOS tools write) are one name on macOS and
 * two on Linux: one of the files is published (not a draft before a draft,
 * then the NFC name, then the first), the others are held back naming it,
 * and take part in no slug or id clash.
 */
export class ArticleClashes {
  readonly #articleOf: (file: string) => Article | undefined
  /** Files, drafts included, whose names are one once normalised. */
  readonly #names: NameForms
  /** category → its slugs and its ids → files, drafts included: a map per kind, no key string made per article */
  readonly #categories = new Map<string, CategoryKeys>()
  readonly #clashing = new Set<string>()
  /** file → the file of the same name (once normalised) that is published instead */
  readonly #renamed = new Map<string, string>()

  /** @param articleOf the current article of a file */
  constructor(articleOf: (file: string) => Article | undefined) {
    this.#articleOf = articleOf
    this.#names = new NameForms((file) => articleOf(file) !== undefined)
  }

  clear(): void {
    this.#names.clear()
    this.#categories.clear()
    this.#clashing.clear()
    this.#renamed.clear()
  }

  /** Whether `file` is held back by a clash. */
  has(file: string): boolean {
    return this.#clashing.has(file)
  }

  /** Every file held back by a clash. */
  files(): IterableIterator<string> {
    return this.#clashing.values()
  }

  /** Records an article's name, slugs and ids; every file sharing one (itself too) goes into `touched` (none at a load: refresh settles them all). */
  add(article: Article, touched?: Set<string>): void {
    const file = article.file
    this.#names.add(file)
    for (const category of article.categories) {
      let keys = this.#categories.get(category)
      if (keys === undefined) this.#categories.set(category, (keys = { slugs: new Map(), ids: new Map() }))
      addFile(keys.slugs, article.slug, file)
      addFile(keys.ids, article.id, file)
    }
    if (touched) this.#addSharers(article, touched)
  }

  /**
   * Forgets an article's name, slugs and ids and records those of the file's new article (`next`; none when the
   * file is gone), leaving in place each that both use (ArticleIndex#change). The files sharing one (the file too) go into `touched`.
   */
  replace(old: Article, next: Article | undefined, touched: Set<string>): void {
    const file = old.file
    if (next) this.add(next, touched)
    else this.#names.remove(file)
    for (const category of old.categories) {
      const keys = this.#categories.get(category)
      if (keys === undefined) continue
      const kept = next?.categories.includes(category) === true
      if (!kept || next.slug !== old.slug) deleteFile(keys.slugs, old.slug, file)
      if (!kept || next.id !== old.id) deleteFile(keys.ids, old.id, file)
      // A category no file is in any more goes too: else each one ever named stayed (480 bytes, tests/store/clash-memory.test.ts).
      if (keys.slugs.size === 0 && keys.ids.size === 0) this.#categories.delete(category)
    }
    this.#addSharers(old, touched)
    this.#clashing.delete(file)
    this.#renamed.delete(file)
    touched.add(file)
  }

  /**
   * The files to settle after a clear and adds: those sharing a name, slug or
   * id. One that shares none neither clashes nor is held for its name, as it
   * was left by clear; at 50,000 articles settling every file took ~0.15 s
   * of a restart, for the few that share one.
   */
  sharingFiles(): Set<string> {
    const files = new Set<string>()
    this.#names.addSharing(files)
    for (const { slugs, ids } of this.#categories.values()) {
      addSharing(files, slugs)
      addSharing(files, ids)
    }
    return files
  }

  /** Adds the files under the article's name, slugs and ids to `into`. */
  #addSharers(article: Article, into: Set<string>): void {
    addFiles(into, this.#names.of(article.file))
    for (const category of article.categories) {
      const keys = this.#categories.get(category)
      if (keys === undefined) continue
      addFiles(into, keys.slugs.get(article.slug))
      addFiles(into, keys.ids.get(article.id))
    }
  }

  /** Settles whether each of `files` clashes, after adds and removes; returns every file settled (theirs and those sharing a key). */
  refresh(files: Iterable<string>): Set<string> {
    const settle = new Set(files)
    for (const file of [...settle]) {
      const article = this.#articleOf(file)
      const winner = article === undefined ? file : this.#nameWinner(article)
      const before = this.#renamed.get(file)
      if (winner === file) this.#renamed.delete(file)
      else this.#renamed.set(file, winner)
      if ((before === undefined) === (winner === file)) continue
      // In or out of the slug and id clashes now: the files sharing them are settled again too.
      if (article !== undefined) this.#addSharers(article, settle)
    }
    for (const file of settle) {
      const article = this.#articleOf(file)
      const clashes = this.#renamed.has(file) || (article !== undefined && !article.draft && this.#shared(article, this.#isPublic).length > 0)
      if (clashes) this.#clashing.add(file)
      else this.#clashing.delete(file)
    }
    return settle
  }

  /** The error of a file held back by a clash. */
  error(file: string): ArticleError | undefined {
    const article = this.#articleOf(file)
    if (article === undefined || !this.#clashing.has(file)) return undefined
    const winner = this.#renamed.get(file)
    if (winner !== undefined) {
      const form = file === file.normalize('NFD') ? 'NFD, as macOS tools write names' : file === file.normalize('NFC') ? 'NFC' : 'neither NFC nor NFD'
      return new ArticleError(file, [
        { field: 'file', problem: `is the name of ${winner} in another Unicode normalisation (${form}); not published while that file is there` },
      ])
    }
    return new ArticleError(file, this.#shared(article, this.#isPublic).map(({ field, value, category, others }) => ({
      field,
      problem: `"${value}" is also used in category "${category}" by ${others}; neither is published`,
    })))
  }

  /** Warnings for a draft that shares a slug or id with other files (drafts or not). */
  warnings(file: string): ArticleProblem[] {
    const article = this.#articleOf(file)
    if (article === undefined || !article.draft || this.#renamed.has(file)) return []
    return this.#shared(article, (other) => !this.#renamed.has(other.file)).map(({ field, value, category, others }) => ({
      field,
      problem: `"${value}" is also used in category "${category}" by ${others}; a draft may share it, but once this one is published, neither will be`,
    }))
  }

  /** Files that take part in slug and id clashes: published, and not held back for their name. */
  readonly #isPublic = (article: Article): boolean => !article.draft && !this.#renamed.has(article.file)

  /** Of the files whose names are the same once normalised, the one published. */
  #nameWinner(article: Article): string {
    let best = article
    const files = this.#names.of(article.file)
    if (typeof files !== 'object') return article.file
    for (const file of files) {
      const other = this.#articleOf(file)
      if (other !== undefined && publishedBefore(other, best)) best = other
    }
    return best.file
  }

  /** The slugs and ids of `article` that other files (those `counts`) use too, with those files. */
  #shared(article: Article, counts: (other: Article) => boolean): { field: string; value: string; category: string; others: string }[] {
    const found: { field: string; value: string; category: string; others: string }[] = []
    let slugOthers: string | undefined
    for (const category of article.categories) {
      const keys = this.#categories.get(category)
      for (const [field, files, value] of [
        ['slug', keys?.slugs.get(article.slug), article.slug],
        ['id', keys?.ids.get(article.id), article.id],
      ] as const) {
        // Nearly every slug and id is one file's own: no list made for it.
        if (typeof files !== 'object') continue
        const others = [...files]
          .filter((other) => other !== article.file && counts(this.#articleOf(other) as Article))
          .sort()
          .join(', ')
        if (others === '') continue
        // Default ids are made from the slug: a slug clash needs no second line about the id.
        if (field === 'slug') slugOthers = others
        else if (others === slugOthers) continue
        found.push({ field, value, category, others })
      }
    }
    return found
  }
}

/** Whether `a` is published rather than `b` when their names are the same once normalised. */
function publishedBefore(a: Article, b: Article): boolean {
  if (a.draft !== b.draft) return !a.draft
  const aNfc = a.file === a.file.normalize('NFC')
  if (aNfc !== (b.file === b.file.normalize('NFC'))) return aNfc
  return a.file < b.file
}

/** A category's slugs and ids, each with the files using it. */
interface CategoryKeys {
  readonly slugs: FilesByValue
  readonly ids: FilesByValue
}
