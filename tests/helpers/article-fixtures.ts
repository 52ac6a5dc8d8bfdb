import type { Article, Enclosure } from '../../src/content/article.js'
import { SITE } from './feed-fixtures.js'

export interface ArticleFields extends Partial<Omit<Article, 'date' | 'updated'>> {
  /** ISO 8601 date of first publication. */
  readonly date: string
  readonly updated?: string
}

/**
 * An article as parseArticle would hand it over, built from its slug and
 * date. The file, id, path and URL follow from the slug and the first
 * category, as they do for a file without `id:`; fields given win.
 */
export function makeArticle(slug: string, fields: ArticleFields): Article {
  const { date, updated, ...rest } = fields
  const categories = rest.categories ?? ['wirtschaft']
  const primary = categories[0] ?? ''
  const published = new Date(date)
  return {
    file: `${slug}.md`,
    slug,
    id: `tag:www.example.de,${published.getUTCFullYear()}:${primary}/${slug}`,
    title: `Artikel ${slug}`,
    date: published,
    updated: updated === undefined ? published : new Date(updated),
    categories,
    tags: [],
    authors: [],
    summary: undefined,
    image: undefined,
    imageAlt: '',
    enclosure: undefined,
    episode: undefined,
    explicit: undefined,
    transcript: undefined,
    chapters: undefined,
    season: undefined,
    access: 'free',
    draft: false,
    lang: 'de',
    path: `/${primary}/${slug}.html`,
    url: `${SITE}${primary}/${slug}.html`,
    ...rest,
  }
}

/** An audio or video file the site serves under /media/. */
export function makeEnclosure(name: string, type: string): Enclosure {
  return { url: `${SITE}media/${name}`, type, length: 1000, duration: undefined }
}

/** The section, count and pages planSite asks of the store, from `articles` (oldest first), all published. */
export function publishedOf(articles: Article[]) {
  return { publishedSection: () => [...articles].reverse(), publishedCount: () => articles.length, nextPublication: () => undefined, publishedPages: () => articles }
}
