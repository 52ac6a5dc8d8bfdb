import { escapeHtml } from '../text/escape.js'

export interface OpmlFeed {
  readonly text: string
  /** Absolute URL of the feed. */
  readonly xmlUrl: string
  /** Absolute URL of the page the feed stands for. */
  readonly htmlUrl: string
  readonly language: string
}

/**
 * An OPML 2.0 subscription list: importing it into a feed reader subscribes
 * to every feed it names in one step. Outlines are `type="rss"`, which OPML
 * 2.0 uses for any feed format.
 */
export function renderOpml(title: string, feeds: readonly OpmlFeed[]): string {
  const outlines = feeds
    .map(
      (feed) =>
        `    <outline type="rss" text="${escapeHtml(feed.text)}" title="${escapeHtml(feed.text)}" ` +
        `xmlUrl="${escapeHtml(feed.xmlUrl)}" htmlUrl="${escapeHtml(feed.htmlUrl)}" language="${escapeHtml(feed.language)}"/>`,
    )
    .join('\n')
  return `<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head>
    <title>${escapeHtml(title)}</title>
  </head>
  <body>
${outlines}
  </body>
</opml>
`
}
