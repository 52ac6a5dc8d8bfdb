import type { Article } from './article.js'
import type { ArticleSource } from './article-source.js'

/**
 * THE LEAK BARRIER of plus articles (issue 13), the one place where the
 * public pipeline gets its bodies: the public store reads every body through
 * it (content-store.ts), and feeds, archives, filtered views, pages,
 * transcript pages, excerpts, JSON-LD and the static export are all rendered
 * from those bodies. A file whose front matter, as read now, says anything
 * but `access: free` yields its teaser instead of its body.
 *
 * Decided from the bytes just read, never from the index: a file may turn
 * plus between being indexed (as free) and its body being read, and the
 * body read is the only moment that sees the body. A file that cannot be
 * read or parsed now yields no body at all (readBody's undefined or error,
 * which the caller publishes as an empty body), so an undeterminable access
 * never lets a body through either.
 *
 * Subscribers' documents read the raw source, never this one.
 */
export function publicBodySource(source: Pick<ArticleSource, 'readBody'>): Pick<ArticleSource, 'readBody'> {
  return {
    readBody: async (file) => {
      const parsed = await source.readBody(file)
      if (parsed === undefined || parsed.article.access === 'free') return parsed
      return { article: parsed.article, body: teaserMarkdown(parsed.article), warnings: [] }
    },
  }
}

/**
 * A plus article's public body, as Markdown: its front-matter summary (plain
 * text, every Markdown character escaped so it reads as typed) and a line
 * saying it is a Plus-Artikel, with a link to its page.
 */
export function teaserMarkdown(article: Pick<Article, 'summary' | 'url'>): string {
  return `${escapeMarkdown(article.summary ?? '')}\n\n*Plus-Artikel:* Den ganzen Text lesen Abonnentinnen und Abonnenten auf der [Artikelseite](<${article.url}>).\n`
}

/** CommonMark § 2.4: a backslash before any ASCII punctuation character makes it a literal. */
function escapeMarkdown(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, '\\$&')
}
