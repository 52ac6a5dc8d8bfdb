import type { ArticleProblem } from '../errors/article-error.js'
import { hasScheme } from '../text/patterns.js'
import { isHttpUrl, siteUrlFor } from '../text/urls.js'

/**
 * A front-matter URL (`image`, `enclosure.url`, `transcript`, a chapter's
 * `url`): an absolute http(s) URL, or a site path made absolute under
 * SITE_URL. Undefined, with the problem pushed under `field`, for anything else.
 */
export function readUrl(value: string, field: string, siteUrl: string, problems: ArticleProblem[]): string | undefined {
  const trimmed = value.trim()
  let url: string | undefined
  try {
    url = hasScheme(trimmed) ? new URL(trimmed).href : siteUrlFor(siteUrl, trimmed)
  } catch {
    url = undefined
  }
  if (trimmed === '' || url === undefined || !isHttpUrl(url)) {
    problems.push({ field, problem: `"${value}" is not an http(s) URL or a site path such as /media/datei` })
    return undefined
  }
  return url
}
