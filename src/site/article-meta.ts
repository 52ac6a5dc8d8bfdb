import { html, raw } from 'hono/html'
import { bylineOf, tagsOf, type Article } from '../content/article.js'
import { toRfc3339 } from '../content/dates.js'
import type { AuthorProfile } from '../site-settings.js'
import { authorKey } from '../text/author-key.js'
import { lastChangeOf } from './sitemaps.js'

/** What the head needs besides the article: the page context's site fields. */
export interface ArticleMetaContext {
  readonly siteName: string
  readonly siteUrl: string
  /** Who an article without a byline is by. */
  readonly deskAuthor: string
  /** Absolute URL of the site's square icon: the publisher's logo, and the image of an article without one. */
  readonly logo: string | undefined
  /** The author registry, by authorKey. */
  readonly authors: ReadonlyMap<string, AuthorProfile>
}

/**
 * What search engines and link previews read in an article page's head:
 * the canonical link, Open Graph (`og:`, `article:`) meta tags for link
 * previews (Facebook, LinkedIn, messengers) and a schema.org `NewsArticle`
 * in JSON-LD, which Google Search and Google News read.
 */
export function articleHead(context: ArticleMetaContext, article: Article, summary: string): ReturnType<typeof html> {
  const image = article.image ?? context.logo
  const authors = bylineOf(article, context.deskAuthor).map((name) => context.authors.get(authorKey(name)) ?? { name, url: undefined })
  return html`<link rel="canonical" href="${article.url}"/><meta name="description" content="${summary}"/><meta property="og:type" content="article"/><meta property="og:title" content="${article.title}"/><meta property="og:description" content="${summary}"/><meta property="og:url" content="${article.url}"/><meta property="og:site_name" content="${context.siteName}"/><meta property="og:locale" content="${article.lang.replace('-', '_')}"/>${
    image ? html`<meta property="og:image" content="${image}"/>` : ''
  }${article.image ? html`<meta property="og:image:alt" content="${article.imageAlt}"/>` : ''}<meta property="article:published_time" content="${toRfc3339(article.date)}"/><meta property="article:modified_time" content="${toRfc3339(lastChangeOf(article))}"/>${authors.map(
    (author) => html`<meta property="article:author" content="${author.url ?? author.name}"/>`,
  )}${tagsOf(article).map((tag) => html`<meta property="article:tag" content="${tag}"/>`)}<script type="application/ld+json">${raw(
    scriptJson(newsArticle(context, article, summary, image, authors, article.authors.length === 0)),
  )}</script>`
}

/** schema.org NewsArticle, with the properties Google's Article structured data documents. */
function newsArticle(
  context: ArticleMetaContext,
  article: Article,
  summary: string,
  image: string | undefined,
  authors: readonly Pick<AuthorProfile, 'name' | 'url'>[],
  byDesk: boolean,
): Record<string, unknown> {
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: article.title,
    description: summary,
    inLanguage: article.lang,
    datePublished: toRfc3339(article.date),
    dateModified: toRfc3339(lastChangeOf(article)),
    // An article without a byline is the desk's: an organisation, not a person.
    author: byDesk
      ? [{ '@type': 'Organization', name: context.deskAuthor, url: context.siteUrl }]
      : authors.map((author) => ({ '@type': 'Person', name: author.name, ...(author.url ? { url: author.url } : {}) })),
    ...(image ? { image: [image] } : {}),
    ...(tagsOf(article).length > 0 ? { keywords: tagsOf(article) } : {}),
    publisher: {
      '@type': 'Organization',
      name: context.siteName,
      url: context.siteUrl,
      ...(context.logo ? { logo: { '@type': 'ImageObject', url: context.logo } } : {}),
    },
    // Google's paywalled-content markup; the page holds the teaser only, so no hasPart names a hidden section.
    isAccessibleForFree: article.access === 'free',
    mainEntityOfPage: { '@type': 'WebPage', '@id': article.url },
  }
}

/**
 * JSON for a `<script>` element's text. The HTML parser ends the element at
 * the first `</script` and treats `<!--` specially (HTML § 13.2.5.4), and
 * before ES2019 U+2028 and U+2029 ended JavaScript strings: each of `<`, `>`,
 * `&`, U+2028 and U+2029 is written as a `\u` escape, which JSON reads as the
 * same character.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
