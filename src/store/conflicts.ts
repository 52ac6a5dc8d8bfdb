import type { Article } from '../content/article.js'
import { ArticleError } from '../errors/article-error.js'

/**
 * Articles whose slug or id is also another file's within a category they
 * share. Neither file silently wins: every file of a clash is refused, and
 * its error names the other files. Keys are file paths.
 */
export function findConflicts(articles: readonly Article[]): Map<string, ArticleError> {
  const groups = new Map<string, Article[]>()
  const add = (key: string, article: Article): void => {
    const group = groups.get(key)
    if (group) group.push(article)
    else groups.set(key, [article])
  }
  // All slug groups first, so the id groups can see the slug clashes.
  for (const article of articles) {
    for (const category of article.categories) add(`slug\n${category}\n${article.slug}`, article)
  }
  for (const article of articles) {
    for (const category of article.categories) add(`id\n${category}\n${article.id}`, article)
  }

  const problems = new Map<string, Map<string, string>>()
  const slugClashes = new Map<string, string>() // file → the files it shares a slug with
  for (const [key, group] of groups) {
    if (group.length < 2) continue
    const [field, category, value] = key.split('\n') as [string, string, string]
    for (const article of group) {
      const others = group.filter((other) => other !== article).map((other) => other.file).sort().join(', ')
      // Default ids are made from the slug: a slug clash needs no second line about the id.
      if (field === 'slug') slugClashes.set(article.file, others)
      else if (slugClashes.get(article.file) === others) continue
      const byField = problems.get(article.file) ?? new Map<string, string>()
      byField.set(field, `"${value}" is also used in category "${category}" by ${others}; neither is published`)
      problems.set(article.file, byField)
    }
  }

  const out = new Map<string, ArticleError>()
  for (const [file, byField] of [...problems].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.set(file, new ArticleError(file, [...byField].map(([field, problem]) => ({ field, problem }))))
  }
  return out
}
