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

  /** For a JSON log line: the file, the first field and its problem, and every problem when there are more. */
  logFields(): { file: string; field: string; problem: string; problems?: readonly ArticleProblem[] } {
    const fields = { file: this.file, field: this.field, problem: this.problems[0]?.problem ?? 'cannot be published' }
    return this.problems.length > 1 ? { ...fields, problems: this.problems } : fields
  }
}
