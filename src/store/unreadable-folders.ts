import { isGone } from '../content/files.js'
import type { SkippedFolder } from '../content/load-articles.js'
import type { Logger } from '../util/logger.js'

/**
 * The folders under ARTICLES_DIR the service may not read, with the error's
 * code (`EACCES`), in the order they were found: each said once. What such a
 * folder held stays as it was (a file in it that cannot be read keeps its
 * last good version); article-catalog.ts notes every listing here.
 */
export class UnreadableFolders {
  readonly #logger: Logger
  readonly #folders = new Map<string, string>()

  constructor(logger: Logger) {
    this.#logger = logger
  }

  has(folder: string): boolean {
    return this.#folders.has(folder)
  }

  entries(): [folder: string, code: string][] {
    return [...this.#folders]
  }

  /** Says once that a folder cannot be read, and forgets the folders under `listed` that can be read again. */
  note(listed: string, skipped: readonly SkippedFolder[]): void {
    const unreadable = new Set(skipped.filter(({ code }) => !isGone(code)).map(({ folder }) => folder))
    for (const folder of this.#folders.keys()) {
      if ((listed === '' || folder === listed || folder.startsWith(`${listed}/`)) && !unreadable.has(folder)) this.#folders.delete(folder)
    }
    for (const { folder, code } of skipped) {
      if (isGone(code)) {
        // At a full load; a change that lists a folder gone since is no news.
        if (listed === '') this.#logger.info(`skipped ${folder}: folder: vanished while it was listed`, { file: folder, field: 'folder', problem: 'vanished while it was listed' })
      } else if (!this.#folders.has(folder)) {
        this.#folders.set(folder, code)
        this.#logger.warn(`skipped ${folder}: folder: cannot be read (${code}); nothing in it is read`, { file: folder, field: 'folder', problem: `cannot be read (${code})` })
      }
    }
  }
}
