/**
 * Every document the service writes stays well-formed when the site name or
 * the podcast title holds characters XML cannot carry. loadConfig refuses
 * such configuration (tests/config.test.ts, tests/site-settings.test.ts);
 * these build the documents from a SiteConfig made without it, so each
 * writer is checked at its root. Read back with lxml's strict parser and
 * JSON.parse.
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { buildAssets, buildSite, planSite, type ItemSource, type SiteConfig } from '../../src/site/build-site.js'
import { renderArticlePage, renderNotFoundPage } from '../../src/site/pages.js'
import type { Resource } from '../../src/site/resource.js'
import { makeArticle, makeEnclosure } from '../helpers/article-fixtures.js'
import { readXmlFeeds } from '../helpers/consumers.js'
import { SITE } from '../helpers/feed-fixtures.js'

const NOW = new Date('2026-01-01T12:00:00Z')
const SETTINGS = fileURLToPath(new URL('../fixtures/site.yaml', import.meta.url))
const base = loadConfig({ SITE_URL: SITE, SITE_CONFIG: SETTINGS }, [], process.cwd(), (file) => fs.readFileSync(file, 'utf8'))
const podcast = base.settings.podcast
if (!podcast) throw new Error('tests/fixtures/site.yaml has no podcast')

/** A C0 control, a C1 control, U+FFFE and lone surrogates of both halves. */
const config: SiteConfig = {
  ...base,
  siteName: 'Rhein\u0001post\u0085 \uFFFEAktuell\uD800',
  settings: { ...base.settings, podcast: { ...podcast, title: 'Geld\u0007funk\uFFFE\uDC00 am Morgen' } },
}
const SITE_NAME = 'Rheinpost Aktuell'
const PODCAST_TITLE = 'Geldfunk am Morgen'

const episode = makeArticle('folge-1', { date: '2025-06-01T06:00:00Z', enclosure: makeEnclosure('folge-1.mp3', 'audio/mpeg') })
const source: ItemSource = { bodyOf: () => ({ html: '<p>Text.</p>', excerpt: 'Text.' }), media: () => undefined }
const plan = planSite({ publishedSection: () => [episode], publishedCount: () => 1, nextPublication: () => undefined, publishedPages: () => [episode] }, NOW, config)

const text = (resource: Resource | undefined): string => new TextDecoder().decode(resource?.identity.body)
/**
 * An HTML page as XML: the pages are written so that, but for the HTML
 * doctype and the boolean attributes of an audio player, they are
 * well-formed XML (the article page below has no player).
 */
const pageAsXml = (page: string): string => page.replace(/^<!doctype html>/, '<!DOCTYPE html>')
/** Characters XML 1.0 forbids or asks to avoid, searched for in decoded text. */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDFFF]/u

describe('documents with characters XML cannot carry in SITE_NAME and the podcast title', () => {
  it('writes the OPML list and the feed stylesheet well-formed, the names without those characters', async () => {
    const assets = await buildAssets(config, NOW)
    const opml = text(assets.get('/feeds.opml'))
    const xsl = text(assets.get('/assets/feed.xsl'))
    const [readOpml, readXsl] = readXmlFeeds([
      { body: opml, contentType: 'text/x-opml' },
      { body: xsl, contentType: 'text/xsl' },
    ])
    expect([readOpml?.wellFormed, readOpml?.xmlError, readXsl?.wellFormed, readXsl?.xmlError]).toEqual([true, undefined, true, undefined])
    expect(opml).toContain(`<title>Wirtschaft – ${SITE_NAME}</title>`)
    expect(opml).toContain(`text="${PODCAST_TITLE} (Podcast)"`)
    expect(xsl).toContain(`<a href="{$home}">${SITE_NAME}</a> · Newsfeed`)
  })

  it('writes the index, article and not-found pages well-formed, the names without those characters', async () => {
    const site = await buildSite(plan, source, config)
    const pages = {
      index: text(site.resources.get('/')),
      // Shown as an episode's page (it names the podcast), without the player.
      article: renderArticlePage(site.context, { ...episode, enclosure: undefined }, 'Text.', '<p>Text.</p>', true),
      notFound: renderNotFoundPage(site.context),
    }
    const read = readXmlFeeds(Object.values(pages).map((page) => ({ body: pageAsXml(page), contentType: 'text/html' })))
    expect(read.map((page) => [page.wellFormed, page.xmlError])).toEqual([[true, undefined], [true, undefined], [true, undefined]])
    expect(pages.index).toContain(`<title>Wirtschaft – ${SITE_NAME}</title>`)
    expect(pages.article).toContain(`<title>Artikel folge-1 – ${SITE_NAME}</title>`)
    expect(pages.article).toContain(`title="${PODCAST_TITLE} (Podcast)"`)
    expect(pages.notFound).toContain(`<title>Nicht gefunden – ${SITE_NAME}</title>`)
    for (const page of Object.values(pages)) expect(FORBIDDEN.test(page)).toBe(false)
  })

  it('writes the RSS, Atom and podcast feeds well-formed, with the titles readers show', async () => {
    const site = await buildSite(plan, source, config)
    const paths = ['/wirtschaft/feed.xml', '/wirtschaft/atom.xml', '/wirtschaft/podcast.xml']
    const read = readXmlFeeds(paths.map((path) => ({ body: text(site.resources.get(path)), contentType: 'application/xml' })))
    expect(read.map((feed) => [feed.wellFormed, feed.xmlError, feed.bozo, feed.feed.title])).toEqual([
      [true, undefined, false, `Wirtschaft – ${SITE_NAME}`],
      [true, undefined, false, `Wirtschaft – ${SITE_NAME}`],
      [true, undefined, false, PODCAST_TITLE],
    ])
  })

  it('writes the JSON Feed so that JSON.parse reads the title without those characters', async () => {
    const site = await buildSite(plan, source, config)
    const feed = JSON.parse(text(site.resources.get('/wirtschaft/feed.json'))) as { title: string }
    expect(feed.title).toBe(`Wirtschaft – ${SITE_NAME}`)
  })
})
