import { html, raw } from 'hono/html'
import { bylineOf, PLUS_TAG, tagsOf, type Article } from '../content/article.js'
import { FEED_FORMAT_NAMES, FEED_FORMATS, type FeedFormat, type FormatUrls } from '../feeds/feed-model.js'
import type { AuthorProfile } from '../site-settings.js'
import { comparableText, textOfHtml } from '../text/html-text.js'
import { stripXmlForbidden } from '../text/xml-chars.js'
import { articleHead } from './article-meta.js'
import { FEED_MEDIA_TYPES, STYLESHEET_PATH } from './paths.js'

// Pages are written with Hono's `html` helper, which escapes every value.
// (Hono's JSX would do too, but it creates an AsyncLocalStorage, and in Node 20
// that turns on promise hooks for the whole process: measured 14 % fewer
// requests a second on the hot path, which renders no page at all.)

export interface PageContext {
  readonly siteName: string
  readonly siteUrl: string
  readonly sectionTitle: string
  readonly language: string
  readonly timeZone: string
  /** Absolute URLs of the section's feeds, for autodiscovery. */
  readonly feeds: FormatUrls
  /** The podcast feed, when there is one: advertised on the index and on episode pages. */
  readonly podcast: { readonly title: string; readonly url: string } | undefined
  /** Absolute URL of the site's small icon. */
  readonly favicon: string | undefined
  /** Who an article without a byline is by, as the feeds credit it. */
  readonly deskAuthor: string
  /** Absolute URL of the site's square icon (site.yaml images.icon): the publisher's logo in structured data. */
  readonly logo: string | undefined
  /** The author registry, for the structured data of article pages. */
  readonly authors: ReadonlyMap<string, AuthorProfile>
  /** Where a plus article's page asks readers to subscribe (site.yaml `plus.subscribe_url`). */
  readonly subscribeUrl: string
}

/** One entry of the index page. */
export interface ListedArticle {
  readonly article: Article
  readonly summary: string
}

type Html = ReturnType<typeof html>

const FEED_SHORT: Readonly<Record<FeedFormat, string>> = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' }

/** A date as German readers write it: `4. November 2025 um 10:00 Uhr`, in the site's time zone. */
export function formatDate(date: Date, timeZone: string): string {
  return dateFormat(timeZone).format(date) + ' Uhr'
}

/**
 * One formatter per time zone, made once: making one took 0.5–1 ms (formatting
 * with it 0.01 ms), 25 ms for the index page's 50 articles on every edit, 50 ms
 * for an archive page. A cache of immutable values
 * (the configured zone, and the few an article states), not state.
 */
const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>()
function dateFormat(timeZone: string): Intl.DateTimeFormat {
  let format = DATE_FORMATS.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('de-DE', { dateStyle: 'long', timeStyle: 'short', timeZone })
    if (DATE_FORMATS.size < 64) DATE_FORMATS.set(timeZone, format)
  }
  return format
}

/** A whole page of the site: head with stylesheet and autodiscovery links (and `head`), header, `main`, footer with the feeds. */
export function layout(context: PageContext, title: string, lang: string, main: Html, withPodcast: boolean, head: Html | '' = ''): string {
  const page = html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>${title}</title><link rel="stylesheet" href="${new URL(STYLESHEET_PATH.slice(1), context.siteUrl).href}"/>${
    context.favicon ? html`<link rel="icon" href="${context.favicon}"/>` : ''
  }${FEED_FORMATS.map(
    (format) =>
      html`<link rel="alternate" type="${FEED_MEDIA_TYPES[format]}" title="${context.sectionTitle} (${FEED_SHORT[format]})" href="${context.feeds[format]}"/>`,
  )}${
    withPodcast && context.podcast
      ? html`<link rel="alternate" type="application/rss+xml" title="${context.podcast.title} (Podcast)" href="${context.podcast.url}"/>`
      : ''
  }${head}</head><body><header><p class="site"><a href="${context.siteUrl}">${context.siteName}</a> · ${context.sectionTitle}</p></header><main>${main}</main><footer><p>Abonnieren: ${FEED_FORMATS.map(
    (format, index) => html`${index > 0 ? ' · ' : ''}<a href="${context.feeds[format]}" type="${FEED_MEDIA_TYPES[format]}">${FEED_FORMAT_NAMES[format]}</a>`,
  )}${context.podcast ? html` · <a href="${context.podcast.url}" type="application/rss+xml">Podcast</a>` : ''}</p></footer></body></html>`
  // Hono escapes markup but keeps controls; HTML parsers report them as errors
  // (HTML § 13.2.3.5), XHTML readers refuse them. Cleaned once, for every page.
  return stripXmlForbidden(page.toString())
}

function byline(article: Article, context: PageContext): Html {
  return html`<p class="byline"><time datetime="${article.date.toISOString()}">${formatDate(article.date, context.timeZone)}</time> · von ${bylineOf(article, context.deskAuthor).join(', ')}</p>`
}

/** `/`: the section's newest articles, with the feeds' autodiscovery links. */
export function renderIndexPage(context: PageContext, articles: readonly ListedArticle[]): string {
  return layout(
    context,
    `${context.sectionTitle} – ${context.siteName}`,
    context.language,
    html`<h1>${context.sectionTitle}</h1>${articles.length === 0 ? html`<p>Noch keine Artikel.</p>` : ''}<ol class="articles">${articles.map(
      ({ article, summary }) =>
        html`<li${article.lang === context.language ? '' : raw(` lang="${article.lang}"`)}><h2>${article.access === 'plus' ? html`<span class="plus">${PLUS_TAG}</span> ` : ''}<a href="${article.url}">${article.title}</a></h2>${byline(article, context)}<p>${summary}</p></li>`,
    )}</ol>`,
    true,
  )
}

/**
 * How much of a body's HTML is searched for its summary, beyond the
 * summary's own length: its opening, where a lead would repeat it. The
 * whole of a 2 MiB body held the event loop past 100 ms
 * (tests/hardening/stalls.test.ts).
 */
const LEAD_SEARCH_CHARS = 32_768

/**
 * The lead an article page shows above its body: the front matter's
 * `summary` when it adds something. The automatic excerpt is the body's own
 * beginning, and a summary the body's opening already says would be read
 * twice (#11).
 */
export function pageLead(article: Article, summary: string, bodyHtml: string): string | undefined {
  if (article.summary === undefined) return undefined
  const lead = comparableText(summary)
  const opening = bodyHtml.slice(0, LEAD_SEARCH_CHARS + 4 * summary.length)
  const body = comparableText(textOfHtml(opening))
  if (lead === '' || body.includes(lead)) return undefined
  // The summary says the body's whole first paragraph (or the whole short body) and more.
  const paragraph = /<\/(?:p|h[1-6]|li|blockquote)>/i.exec(opening)
  const first = paragraph ? comparableText(textOfHtml(opening.slice(0, paragraph.index))) : body
  return (first.length >= MIN_REPEATED_OPENING || first === body) && first !== '' && lead.includes(first) ? undefined : summary
}

/** The shortest first paragraph whose repetition in the summary hides the summary (shorter ones, "Berlin.", are too common). */
const MIN_REPEATED_OPENING = 40

/**
 * One article's page: the item link of every feed. `bodyHtml` is already
 * sanitised. An episode's page also names the podcast feed.
 */
export function renderArticlePage(context: PageContext, article: Article, summary: string, bodyHtml: string, episode = false): string {
  // A plus article's page is its teaser: the summary and a call to subscribe, never a body or a player (issue 13).
  const plus = article.access === 'plus'
  const enclosure = plus ? undefined : article.enclosure
  const lead = plus ? summary : pageLead(article, summary, bodyHtml)
  return layout(
    context,
    `${article.title} – ${context.siteName}`,
    article.lang,
    html`<article><h1>${article.title}</h1>${byline(article, context)}${lead === undefined ? '' : html`<p class="summary">${lead}</p>`}${
      article.image ? html`<figure><img src="${article.image}" alt="${article.imageAlt}"/></figure>` : ''
    }${
      enclosure
        ? html`<p class="enclosure">${
            enclosure.type.startsWith('video/')
              ? html`<video controls preload="none" src="${enclosure.url}"></video>`
              : html`<audio controls preload="none" src="${enclosure.url}"></audio>`
          }<br/><a href="${enclosure.url}" type="${enclosure.type}">Datei herunterladen</a></p>`
        : ''
    }${
      plus
        ? html`<p class="plus"><strong>Plus-Artikel</strong> · Den ganzen Text lesen Abonnentinnen und Abonnenten. <a href="${context.subscribeUrl}">Jetzt abonnieren</a></p>`
        : html`<div class="body">${raw(bodyHtml)}</div>`
    }${tagsOf(article).length > 0 ? html`<p class="tags">Themen: ${tagsOf(article).join(', ')}</p>` : ''}</article>`,
    episode,
    articleHead(context, article, summary),
  )
}

/**
 * An episode's transcript (`transcript: article`): the article text on a
 * page of its own, which `podcast:transcript` links to as text/html.
 */
export function renderTranscriptPage(context: PageContext, article: Article, bodyHtml: string): string {
  return layout(
    context,
    `Transkript: ${article.title} – ${context.siteName}`,
    article.lang,
    html`<article><h1>Transkript: ${article.title}</h1>${byline(article, context)}<p>Zur Folge: <a href="${article.url}">${article.title}</a></p><div class="body">${raw(bodyHtml)}</div></article>`,
    true,
  )
}

/** The short page for anything that is not there. */
export function renderNotFoundPage(context: PageContext): string {
  return layout(
    context,
    `Nicht gefunden – ${context.siteName}`,
    context.language,
    html`<h1>Seite nicht gefunden</h1><p>Diese Adresse gibt es hier nicht. Zur <a href="${context.siteUrl}">Übersicht</a>.</p>`,
    false,
  )
}

export const SITE_CSS = `body{font:1.05rem/1.6 Georgia,serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#222}
a{color:#0b4f8a}h1,h2{font-family:system-ui,sans-serif;line-height:1.25}
.site,.byline,.tags,footer{font:.9rem system-ui,sans-serif;color:#555}
.plus{font:.95rem system-ui,sans-serif}span.plus{background:#0b4f8a;color:#fff;padding:0 .3rem;border-radius:.2rem;font-size:.75em}p.plus{background:#eef3f8;padding:.5rem 1rem}
ol.articles{list-style:none;padding:0}ol.articles li{margin:0 0 2rem}
img,video{max-width:100%;height:auto}figure{margin:1rem 0}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem}
blockquote{border-left:3px solid #ccc;margin-left:0;padding-left:1rem;color:#444}
.subscribe{background:#eef3f8;padding:.25rem 1rem;font:.95rem/1.5 system-ui,sans-serif}.feed-url code{word-break:break-all}
.show{display:flex;gap:1rem;align-items:flex-start}.cover{width:10rem;height:auto}audio{width:100%}
`
