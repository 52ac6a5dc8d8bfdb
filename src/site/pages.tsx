/** @jsxImportSource hono/jsx */
import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import type { Article } from '../content/article.js'
import type { FormatUrls } from '../feeds/feed-model.js'
import { FEED_MEDIA_TYPES, STYLESHEET_PATH } from './paths.js'

export interface PageContext {
  readonly siteName: string
  readonly siteUrl: string
  readonly sectionTitle: string
  readonly language: string
  readonly timeZone: string
  /** Absolute URLs of the section's feeds, for autodiscovery. */
  readonly feeds: FormatUrls
}

/** One entry of the index page. */
export interface ListedArticle {
  readonly article: Article
  readonly summary: string
}

const FEED_LABELS = { rss: 'RSS 2.0', atom: 'Atom 1.0', json: 'JSON Feed 1.1' } as const

function formatDate(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('de-DE', { dateStyle: 'long', timeStyle: 'short', timeZone }).format(date) + ' Uhr'
}

function Layout(props: { context: PageContext; title: string; lang?: string; children: Child }) {
  const { context } = props
  return (
    <html lang={props.lang ?? context.language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <link rel="stylesheet" href={new URL(STYLESHEET_PATH.slice(1), context.siteUrl).href} />
        <link rel="alternate" type={FEED_MEDIA_TYPES.rss} title={`${context.sectionTitle} (RSS)`} href={context.feeds.rss} />
        <link rel="alternate" type={FEED_MEDIA_TYPES.atom} title={`${context.sectionTitle} (Atom)`} href={context.feeds.atom} />
        <link rel="alternate" type={FEED_MEDIA_TYPES.json} title={`${context.sectionTitle} (JSON Feed)`} href={context.feeds.json} />
      </head>
      <body>
        <header>
          <p class="site">
            <a href={context.siteUrl}>{context.siteName}</a> · {context.sectionTitle}
          </p>
        </header>
        <main>{props.children}</main>
        <footer>
          <p>
            Abonnieren:{' '}
            {(['rss', 'atom', 'json'] as const).map((format, index) => (
              <>
                {index > 0 ? ' · ' : ''}
                <a href={context.feeds[format]} type={FEED_MEDIA_TYPES[format]}>
                  {FEED_LABELS[format]}
                </a>
              </>
            ))}
          </p>
        </footer>
      </body>
    </html>
  )
}

function Byline(props: { article: Article; timeZone: string }) {
  const { article } = props
  return (
    <p class="byline">
      <time datetime={article.date.toISOString()}>{formatDate(article.date, props.timeZone)}</time>
      {article.authors.length > 0 ? <> · von {article.authors.join(', ')}</> : ''}
    </p>
  )
}

/** `/`: the section's newest articles, with the feeds' autodiscovery links. */
export function renderIndexPage(context: PageContext, articles: readonly ListedArticle[]): string {
  const page = (
    <Layout context={context} title={`${context.sectionTitle} – ${context.siteName}`}>
      <h1>{context.sectionTitle}</h1>
      {articles.length === 0 ? <p>Noch keine Artikel.</p> : ''}
      <ol class="articles">
        {articles.map(({ article, summary }) => (
          <li lang={article.lang === context.language ? undefined : article.lang}>
            <h2>
              <a href={article.url}>{article.title}</a>
            </h2>
            <Byline article={article} timeZone={context.timeZone} />
            <p>{summary}</p>
          </li>
        ))}
      </ol>
    </Layout>
  )
  return '<!doctype html>\n' + page.toString()
}

/** One article's page: the item link of every feed. `bodyHtml` is already sanitised. */
export function renderArticlePage(context: PageContext, article: Article, summary: string, bodyHtml: string): string {
  const page = (
    <Layout context={context} title={`${article.title} – ${context.siteName}`} lang={article.lang}>
      <article>
        <h1>{article.title}</h1>
        <Byline article={article} timeZone={context.timeZone} />
        <p class="summary">{summary}</p>
        {article.image ? (
          <figure>
            <img src={article.image} alt="" />
          </figure>
        ) : (
          ''
        )}
        {article.enclosure ? (
          <p class="enclosure">
            {article.enclosure.type.startsWith('video/') ? (
              <video controls preload="none" src={article.enclosure.url} />
            ) : (
              <audio controls preload="none" src={article.enclosure.url} />
            )}
            <br />
            <a href={article.enclosure.url} type={article.enclosure.type}>
              Datei herunterladen
            </a>
          </p>
        ) : (
          ''
        )}
        <div class="body">{raw(bodyHtml)}</div>
        {article.tags.length > 0 ? <p class="tags">Themen: {article.tags.join(', ')}</p> : ''}
      </article>
    </Layout>
  )
  return '<!doctype html>\n' + page.toString()
}

/** The short page for anything that is not there. */
export function renderNotFoundPage(context: PageContext): string {
  const page = (
    <Layout context={context} title={`Nicht gefunden – ${context.siteName}`}>
      <h1>Seite nicht gefunden</h1>
      <p>
        Diese Adresse gibt es hier nicht. Zur <a href={context.siteUrl}>Übersicht</a>.
      </p>
    </Layout>
  )
  return '<!doctype html>\n' + page.toString()
}

export const SITE_CSS = `body{font:1.05rem/1.6 Georgia,serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#222}
a{color:#0b4f8a}h1,h2{font-family:system-ui,sans-serif;line-height:1.25}
.site,.byline,.tags,footer{font:.9rem system-ui,sans-serif;color:#555}
ol.articles{list-style:none;padding:0}ol.articles li{margin:0 0 2rem}
img,video{max-width:100%;height:auto}figure{margin:1rem 0}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem}
blockquote{border-left:3px solid #ccc;margin-left:0;padding-left:1rem;color:#444}
`
