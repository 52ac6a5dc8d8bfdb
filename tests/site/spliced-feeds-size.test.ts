/**
 * Found by a hostile review: splicedFeeds bySize sends a document to the event loop (renderer.small) when the text
 * of its items (title + summary + contentHtml) is at most 32 Ki characters, whatever else its
 * items hold. Tags, authors, ids, URLs and image texts are not counted, and no limit bounds their
 * length but the front matter's 64 KiB: 50 articles with 50 long tags each make a current feed of
 * ~3 MB whose "text" is under 1 Ki characters. After the first site, every change that cannot be
 * spliced (a new article shifts every item; the document's own fields change) renders it whole on
 * the event loop: RSS 200-300 ms on this machine, against docs/security.md's "No article file up
 * to the size limit may hold the event loop for more than 100 ms".
 */
import { describe, expect, it } from 'vitest'
import type { FeedDocument, FeedFormat } from '../../src/feeds/feed-model.js'
import { RENDER_IN_THREAD, type Renderer } from '../../src/site/renderer.js'
import { splicingRenderer } from '../../src/site/spliced-feeds.js'
import { makeDocument, makeItem, SITE } from '../helpers/feed-fixtures.js'

/** An article's item: a short text, 50 tags of 1,200 characters (60 KB of front matter, under the 64 KiB limit). */
const item = (index: number) =>
  makeItem({
    id: `tag:www.example.de,2025:wirtschaft/meldung-${index}`,
    url: `${SITE}wirtschaft/meldung-${index}.html`,
    title: `Meldung ${index}`,
    summary: '',
    contentHtml: '<p>Kurz.</p>',
    published: new Date(Date.UTC(2025, 5, 1, 8, index)),
    updated: new Date(Date.UTC(2025, 5, 1, 8, index)),
    tags: Array.from({ length: 50 }, (_, tag) => `Schlagwort ${tag} ${'x'.repeat(1_190)}`),
  })

describe('which thread renders a current feed after the first site', () => {
  it('renders a 3 MB document (long tags, little text) in the pool, not on the event loop', async () => {
    const onLoop: { format: FeedFormat; items: number; bytes: number; ms: number }[] = []
    const small: Renderer = {
      ...RENDER_IN_THREAD,
      feed: async (document, format) => {
        const started = performance.now()
        const bytes = await RENDER_IN_THREAD.feed(document, format)
        onLoop.push({ format, items: document.items.length, bytes: bytes.length, ms: Math.round(performance.now() - started) })
        return bytes
      },
    }
    const pool: Renderer = { ...RENDER_IN_THREAD, small }
    const splicing = splicingRenderer(pool)
    const first: FeedDocument = makeDocument(Array.from({ length: 50 }, (_, index) => item(50 - index)))
    // The first site, as build-site.ts renders it: every document at once (all go to the pool).
    await Promise.all((['rss', 'atom', 'json'] as const).map((format) => splicing.feed(first, format)))
    expect(onLoop).toEqual([])
    // A new article: every item moves down one place, so the documents are rendered whole.
    const next: FeedDocument = makeDocument([item(51), ...first.items.slice(0, 49)])
    for (const format of ['rss', 'atom', 'json'] as const) await splicing.feed(next, format)
    const whole = onLoop.filter((render) => render.items === 50)
    expect(whole, JSON.stringify(whole)).toEqual([])
  }, 60_000)
})
