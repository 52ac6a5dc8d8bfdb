import { showFileName } from '../text/file-names.js'

/** One thing wrong with one field of one article file. */
export interface ArticleProblem {
  /** Front-matter field (dotted path, e.g. `enclosure.length`), or `file` / `front matter`. */
  readonly field: string
  readonly problem: string
}

/**
 * An article file that cannot be published. The message names the file, the
 * field and the problem, so that one log line is enough to fix it.
 */
export class ArticleError extends Error {
  override readonly name = 'ArticleError'
  /** Path relative to ARTICLES_DIR, with `/` separators. */
  readonly file: string
  readonly problems: readonly ArticleProblem[]

  constructor(file: string, problems: readonly ArticleProblem[], options?: ErrorOptions) {
    super(`${showFileName(file)}: ${problems.map((p) => `${p.field}: ${p.problem}`).join('; ')}`, options)
    this.file = file
    this.problems = problems
  }

  /** The first (usually only) field at fault. */
  get field(): string {
    return this.problems[0]?.field ?? 'file'
  }
}
