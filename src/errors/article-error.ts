import { showFileName } from '../text/file-names.js'

/** One thing wrong with one field of one article file. */
export interface ArticleProblem {
  /** Front-matter field (dotted path, e.g. `enclosure.length`), or `file` / `front matter`. */
  readonly field: string
  readonly problem: string
}

/** Problems a refusal names; past these it says how many more (a hostile file may have thousands, on every reload). */
export const MAX_PROBLEMS_SHOWN = 10

/**
 * An article file that cannot be published. The message names the file, the
 * field and the problem, so that one log line is enough to fix it.
 */
export class ArticleError extends Error {
  override readonly name = 'ArticleError'
  /** Path relative to ARTICLES_DIR, with `/` separators. */
  readonly file: string
  /** The first MAX_PROBLEMS_SHOWN problems. */
  readonly problems: readonly ArticleProblem[]
  /** How many problems there were past those. */
  readonly moreProblems: number

  constructor(file: string, problems: readonly ArticleProblem[], options?: ErrorOptions) {
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN)
    const more = problems.length - shown.length
    const listed = shown.map((p) => `${p.field}: ${p.problem}`).join('; ')
    super(`${showFileName(file)}: ${listed}${more > 0 ? `; and ${more} more problem${more === 1 ? '' : 's'}` : ''}`, options)
    this.file = file
    this.problems = shown
    this.moreProblems = more
  }

  /** The first (usually only) field at fault. */
  get field(): string {
    return this.problems[0]?.field ?? 'file'
  }

  /** For a JSON log line: the file, the first field and its problem, and every problem when there are more. */
  logFields(): { file: string; field: string; problem: string; problems?: readonly ArticleProblem[]; moreProblems?: number } {
    const fields = { file: this.file, field: this.field, problem: this.problems[0]?.problem ?? 'cannot be published' }
    if (this.problems.length <= 1) return fields
    return this.moreProblems > 0 ? { ...fields, problems: this.problems, moreProblems: this.moreProblems } : { ...fields, problems: this.problems }
  }
}
