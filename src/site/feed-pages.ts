/**
 * What a person sees who opens a feed URL in a browser: a German HTML page
 * rendered from the same document as the feed (send-resource.ts answers a
 * browser's top-level navigation with it). Titles link to the articles,
 * dates are German, every author is named; the podcast's page has its
 * cover, how to subscribe in podcast apps, and a player and a download link
 * for every episode.
 */
import { html } from 'hono/html'
import type { Enclosure } from '../content/article.js'
import { FEED_FORMAT_NAMES, FEED_FORMATS, type FeedDocument, type FeedFormat, type FeedItem } from '../feeds/feed-model.js'
import type { PodcastDocument } from '../feeds/render-podcast.js'
import { withoutScheme } from '../text/patterns.js'
import { formatDate, layout, type PageContext } from './pages.js'

type Html = ReturnType<typeof html>

/** Feed readers a German newsroom's readers are likely to have, named as examples. */
const READER_EXAMPLES = 'NetNewsWire, Feedly, Inoreader oder newsboat'

/**
 * The document as its page needs it: the items without their content, which
 * the page does not show, so that handing it to a render worker copies
 * titles and summaries, not every body a second time.
 */
export function withoutContent<D extends FeedDocument>(document: D): D {
  return { ...document, items: document.items.map((item) => ({ ...item, contentHtml: '' })) }
}

/** The page for a section feed (current, archive page or filtered view) in one format. */
export function renderFeedPage(context: PageContext, document: FeedDocument, format: FeedFormat): string {
  const self = document.links.self[format]
  const others = FEED_FORMATS.filter((other) => other !== format)
  const older = document.links.prevArchive?.[format]
  const newer = document.links.nextArchive?.[format] ?? document.links.current?.[format]
  return layout(
    context,
    `${document.title} – Feed`,
    context.language,
    html`<h1>${document.title}</h1><p class="description">${document.description}</p><section class="subscribe"><h2>Diesen Feed abonnieren</h2><p>Dies ist ein <strong>Newsfeed</strong> (${FEED_FORMAT_NAMES[format]}). In einem Feedreader abonniert, bringt er Ihnen jeden neuen Artikel, ohne dass Sie die Website besuchen müssen.</p><p>Kopieren Sie diese Adresse in Ihren Feedreader, zum Beispiel ${READER_EXAMPLES}:</p><p class="feed-url"><code>${self}</code></p><p>Denselben Feed gibt es auch als ${others.map(
      (other, index) => html`${index > 0 ? ' und ' : ''}<a href="${document.links.self[other]}">${FEED_FORMAT_NAMES[other]}</a>`,
    )}.</p></section><h2>${document.archive ? 'Artikel dieser Archivseite' : 'Neueste Artikel'}</h2>${
      document.items.length === 0 ? html`<p>Noch keine Artikel.</p>` : ''
    }<ol class="articles">${document.items.map((item) => html`<li${langOf(item, context)}>${itemHeading(item, context)}<p>${item.summary}</p></li>`)}</ol>${
      older || newer
        ? html`<p class="archive">${older ? html`<a href="${older}" rel="prev-archive">Ältere Artikel</a>` : ''}${older && newer ? ' · ' : ''}${
            newer ? html`<a href="${newer}">Neuere Artikel</a>` : ''
          }</p>`
        : ''
    }`,
    false,
  )
}

/**
 * One-click subscribe links, as each app documents them; gPodder has none,
 * its users paste the address. Apple Podcasts opens `podcast://` (the feed's
 * URL with that scheme); Pocket Casts `pktc://subscribe/` followed by the URL
 * without its scheme; AntennaPod its deeplink page
 * (antennapod.org/documentation/podcasters-hosters/add-on-antennapod).
 */
export function podcastAppLinks(feedUrl: string, title: string): { readonly apple: string; readonly pocketCasts: string; readonly antennaPod: string } {
  const query = new URLSearchParams({ url: feedUrl, title })
  return {
    apple: `podcast://${withoutScheme(feedUrl)}`,
    pocketCasts: `pktc://subscribe/${withoutScheme(feedUrl)}`,
    antennaPod: `https://antennapod.org/deeplink/subscribe?${query.toString()}`,
  }
}

/**
 * An app's menu path, as its page names it: „Ablage“ › „…“. Out of the html`` template, whose text the bundle keeps
 * as written, so that dist/ holds these characters escaped (scripts/build.mjs, latin1Only).
 */
const menu = (...steps: string[]): string => steps.map((step) => `„${step}“`).join(' › ')

/** The podcast feed's page: the show, how to subscribe in podcast apps, every episode with a player and a download link. */
export function renderPodcastPage(context: PageContext, document: PodcastDocument): string {
  const { podcast } = document
  const url = document.links.self.rss
  const apps = podcastAppLinks(url, podcast.title)
  return layout(
    context,
    `${podcast.title} – Podcast`,
    context.language,
    html`<div class="show"><img class="cover" src="${podcast.image}" alt="Cover des Podcasts" width="240" height="240"/><div><h1>${podcast.title}</h1><p class="description">${podcast.description}</p><p class="byline">Von: ${podcast.author}</p></div></div><section class="subscribe"><h2>So abonnieren Sie den Podcast</h2><p>Abonniert in einer Podcast-App, lädt dieser Feed jede neue Folge von selbst. Die Adresse des Feeds:</p><p class="feed-url"><code>${url}</code></p><ul class="apps"><li><strong>Apple Podcasts</strong>: <a href="${apps.apple}">In Apple Podcasts öffnen</a>, oder auf dem Mac ${menu('Ablage', 'Sendung per URL folgen …')} wählen und die Adresse einfügen.</li><li><strong>Pocket Casts</strong>: <a href="${apps.pocketCasts}">In Pocket Casts öffnen</a>, oder die Adresse in der App ins Suchfeld einfügen.</li><li><strong>AntennaPod</strong>: <a href="${apps.antennaPod}">In AntennaPod öffnen</a>, oder ${menu('Podcast hinzufügen', 'RSS-Adresse hinzufügen')} wählen und die Adresse einfügen.</li><li><strong>gPodder</strong>: ${menu('Abonnements', 'Podcast über URL hinzufügen')} wählen und die Adresse einfügen.</li></ul><p>Andere Podcast-Apps abonnieren den Podcast ebenso mit dieser Adresse.</p></section><h2>Folgen</h2>${
      document.items.length === 0 ? html`<p>Noch keine Folgen.</p>` : ''
    }<ol class="episodes">${document.items.map((item) => html`<li${langOf(item, context)}>${itemHeading(item, context)}<p>${item.summary}</p>${item.enclosure ? player(item.enclosure) : ''}</li>`)}</ol>`,
    true,
  )
}

function langOf(item: FeedItem, context: PageContext): Html | string {
  return item.lang === context.language ? '' : html` lang="${item.lang}"`
}

/** Title (linked to the article), date in German, every author. */
function itemHeading(item: FeedItem, context: PageContext): Html {
  return html`<h3><a href="${item.url}">${item.title}</a></h3><p class="byline"><time datetime="${item.published.toISOString()}">${formatDate(item.published, context.timeZone)}</time>${
    item.episode === undefined ? '' : ` · Folge ${item.episode}`
  } · von ${item.authors.map((author) => author.name).join(', ')}</p>`
}

function player(enclosure: Enclosure): Html {
  const facts = [fileKind(enclosure.type), enclosure.duration === undefined ? undefined : playingTime(enclosure.duration), enclosure.length ? megabytes(enclosure.length) : undefined]
  return html`<p class="enclosure">${
    enclosure.type.startsWith('video/')
      ? html`<video controls preload="none" src="${enclosure.url}"></video>`
      : html`<audio controls preload="none" src="${enclosure.url}"></audio>`
  }<br/><a href="${enclosure.url}" type="${enclosure.type}" download>Folge herunterladen</a> (${facts.filter((fact) => fact !== undefined).join(', ')})</p>`
}

function fileKind(type: string): string {
  const known: Readonly<Record<string, string>> = { 'audio/mpeg': 'MP3', 'audio/x-m4a': 'M4A', 'audio/mp4': 'M4A', 'audio/ogg': 'Ogg', 'video/mp4': 'MP4' }
  return known[type] ?? type
}

/** 1805 → "30:05 Min.", 3725 → "1:02:05 Std." */
function playingTime(seconds: number): string {
  const two = (n: number) => String(n).padStart(2, '0')
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  return h > 0 ? `${h}:${two(m)}:${two(s)} Std.` : `${m}:${two(s)} Min.`
}

/** 4321987 → "4,1 MB" (German decimal comma; MB of 2^20 bytes, as file managers show them). */
function megabytes(bytes: number): string {
  return `${new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(bytes / 2 ** 20)} MB`
}
