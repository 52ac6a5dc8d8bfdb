import type { ArticleCatalog } from './article-catalog.js'
import type { FilesBefore } from './files-before.js'

/**
 * Changes a stop overtook (ContentStore.quiesce): their rebuild ended after
 * the stop began, and its state was not swapped in (swapped in, its purge
 * came after the stop's, and the next start purged the whole site). Each is
 * put back in the catalog, as a failed change is: left there, a page asked
 * during the stop showed it (an edited title, a deleted article's 404) while
 * every feed showed the state before, and the CDN kept that page while the
 * purge record said it held that state. Their pages, answered meanwhile with
 * the bodies on disk, are owed a purge: the stop marks them in the record
 * (main.ts), and the next start purges them even when a file is edited back.
 */
export class OvertakenChanges {
  /** Whether the last rebuild ended after a stop began, its state not swapped in (ContentStore#rebuildOnce says so). */
  last = false
  readonly #pages = new Set<string>()

  constructor(
    private readonly catalog: Pick<ArticleCatalog, 'pagesOf' | 'revert'>,
    /** Every page the catalog publishes now. */
    private readonly publishedPages: () => Iterable<string>,
    /** The catalog was put back: documents made from it since are dropped (LazyDocuments.siteChanged). */
    private readonly putBack: () => void,
  ) {}

  /** The page paths owed a purge. */
  get pages(): ReadonlySet<string> {
    return this.#pages
  }

  /** A change whose state was not swapped in: put back, its pages before and after owed a purge. False: not published. */
  change(before: FilesBefore): false {
    const files = before.files()
    this.#owedAround(() => this.catalog.pagesOf(files), () => this.catalog.revert(before))
    return false
  }

  /** A reload (another ARTICLES_DIR) whose state was not swapped in: put back (`restore`); every body was forgotten, so every page is owed. */
  reload(restore: () => void): void {
    this.#owedAround(this.publishedPages, restore)
  }

  /** `pages` as they are before `revert` and after it are owed a purge (old paths and new); then documents made since are dropped. */
  #owedAround(pages: () => Iterable<string>, revert: () => void): void {
    for (const page of pages()) this.#pages.add(page)
    revert()
    for (const page of pages()) this.#pages.add(page)
    this.putBack()
  }
}
