/**
 * What a person sees who opens a feed URL in a browser.
 *
 * Both RSS and Atom reference two stylesheets: an XSLT stylesheet that turns
 * the feed into a German page (what the feed is, how to subscribe, the newest
 * items), then a CSS stylesheet. Browsers apply the first they support.
 * Chromium announces the removal of XSLT (version 156 shows a warning banner
 * above transformed pages); without XSLT it falls back to the CSS, which
 * still shows the feed as a readable list instead of raw XML.
 */
import { escapeHtml } from '../text/escape.js'

export interface FeedStylesheetOptions {
  /** Absolute URL of the site's own stylesheet. */
  readonly siteCss: string
  readonly siteName: string
}

/** XSLT 1.0 for RSS 2.0 and Atom 1.0 documents. */
export function renderFeedXsl(options: FeedStylesheetOptions): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    exclude-result-prefixes="atom dc">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:variable name="title" select="/rss/channel/title | /atom:feed/atom:title"/>
  <xsl:variable name="self" select="(/rss/channel/atom:link[@rel='self'] | /atom:feed/atom:link[@rel='self'])[1]/@href"/>
  <xsl:variable name="home" select="(/rss/channel/link | /atom:feed/atom:link[@rel='alternate']/@href)[1]"/>

  <xsl:template match="/">
    <html lang="de">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> – Feed</title>
        <link rel="stylesheet" href="${escapeHtml(options.siteCss)}"/>
      </head>
      <body class="feed-preview">
        <header>
          <p class="site"><a href="{$home}">${escapeHtml(options.siteName)}</a> · Newsfeed</p>
        </header>
        <main>
          <h1><xsl:value-of select="$title"/></h1>
          <section class="subscribe">
            <p>Dies ist ein <strong>Newsfeed</strong>. Mit einem Feedreader abonniert, bringt er Ihnen jeden neuen Artikel,
              ohne dass Sie die Website besuchen müssen.</p>
            <p><strong>So abonnieren Sie:</strong> Kopieren Sie diese Adresse in Ihren Feedreader,
              zum Beispiel NetNewsWire, Feedly, Inoreader oder newsboat:</p>
            <p class="feed-url"><code><xsl:value-of select="$self"/></code></p>
            <p><a href="{$home}">Zur Website</a></p>
          </section>
          <h2>Neueste Artikel</h2>
          <ol class="articles">
            <xsl:apply-templates select="/rss/channel/item | /atom:feed/atom:entry"/>
          </ol>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item">
    <li>
      <h3><a href="{link}"><xsl:value-of select="title"/></a></h3>
      <p class="byline">
        <xsl:call-template name="rfc822-date"><xsl:with-param name="date" select="pubDate"/></xsl:call-template>
        <xsl:if test="dc:creator"> · von <xsl:for-each select="dc:creator"><xsl:if test="position() &gt; 1">, </xsl:if><xsl:value-of select="."/></xsl:for-each></xsl:if>
      </p>
      <!-- The description is plain text escaped as HTML (RSS Best Practices). -->
      <p><xsl:value-of select="description" disable-output-escaping="yes"/></p>
    </li>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li>
      <h3><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h3>
      <p class="byline">
        <xsl:call-template name="iso-date"><xsl:with-param name="date" select="atom:published"/></xsl:call-template>
        <xsl:if test="atom:author"> · von <xsl:for-each select="atom:author"><xsl:if test="position() &gt; 1">, </xsl:if><xsl:value-of select="atom:name"/></xsl:for-each></xsl:if>
      </p>
      <p><xsl:value-of select="atom:summary"/></p>
    </li>
  </xsl:template>

  <!-- 2025-09-01T06:00:00Z → 1. September 2025 -->
  <xsl:template name="iso-date">
    <xsl:param name="date"/>
    <xsl:call-template name="german-date">
      <xsl:with-param name="day" select="number(substring($date, 9, 2))"/>
      <xsl:with-param name="month" select="number(substring($date, 6, 2))"/>
      <xsl:with-param name="year" select="substring($date, 1, 4)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- Mon, 01 Sep 2025 06:00:00 GMT → 1. September 2025 -->
  <xsl:template name="rfc822-date">
    <xsl:param name="date"/>
    <xsl:variable name="months" select="'JanFebMarAprMayJunJulAugSepOctNovDec'"/>
    <xsl:call-template name="german-date">
      <xsl:with-param name="day" select="number(substring($date, 6, 2))"/>
      <xsl:with-param name="month" select="(string-length(substring-before($months, substring($date, 9, 3))) div 3) + 1"/>
      <xsl:with-param name="year" select="substring($date, 13, 4)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="german-date">
    <xsl:param name="day"/>
    <xsl:param name="month"/>
    <xsl:param name="year"/>
    <xsl:variable name="names" select="'Januar   Februar  März     April    Mai      Juni     Juli     August   SeptemberOktober  November Dezember '"/>
    <xsl:value-of select="concat($day, '. ', normalize-space(substring($names, ($month - 1) * 9 + 1, 9)), ' ', $year)"/>
  </xsl:template>
</xsl:stylesheet>
`
}

/**
 * CSS for the feed itself, for browsers without XSLT: the channel as a
 * heading with a hint how to subscribe, each item as title, date and summary.
 */
export const FEED_CSS = `@namespace atom url(http://www.w3.org/2005/Atom);
@namespace dc url(http://purl.org/dc/elements/1.1/);
rss, atom|feed { display: block; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; font: 1.05rem/1.6 Georgia, serif; color: #222; }
rss *, atom|feed * { display: none; }
rss channel, rss item, atom|entry { display: block; }
rss channel::before, atom|feed::before {
  display: block; margin-bottom: 1.5rem; padding: .75rem 1rem; background: #eef3f8; font: .95rem/1.5 system-ui, sans-serif;
  content: "Dies ist ein Newsfeed. Kopieren Sie die Adresse dieser Seite in Ihren Feedreader (NetNewsWire, Feedly, Inoreader, newsboat), um neue Artikel automatisch zu erhalten.";
}
rss channel > title, atom|feed > atom|title { display: block; font: bold 2rem/1.25 system-ui, sans-serif; margin-bottom: 1rem; }
rss item, atom|entry { margin: 0 0 1.5rem; }
rss item > title, atom|entry > atom|title { display: block; font: bold 1.2rem/1.3 system-ui, sans-serif; color: #0b4f8a; }
rss item > pubDate, atom|entry > atom|published { display: block; font: .85rem system-ui, sans-serif; color: #555; }
rss item > description, atom|entry > atom|summary { display: block; }
`
