/** toFeedItem on its own: what an item carries of its article's media. */
import { describe, expect, it } from 'vitest'
import type { MediaInfo } from '../../src/content/media-info.js'
import { toFeedItem } from '../../src/feeds/build-feed.js'
import { makeArticle } from '../helpers/article-fixtures.js'
import { SITE } from '../helpers/feed-fixtures.js'

const body = { html: '<p>Text.</p>', excerpt: 'Text.' }
const itemWith = (info: MediaInfo | undefined) =>
  toFeedItem(makeArticle('bild', { date: '2025-01-01T08:00:00Z', image: `${SITE}media/bild.gif` }), body, {
    deskAuthor: 'Wirtschaftsredaktion',
    authors: new Map(),
    media: () => info,
  })

describe('toFeedItem: the lead image', () => {
  it('carries the image with its pixel size, as the lead figure, the media element and the enclosure', () => {
    const item = itemWith({ length: 14, width: 16, height: 9 })
    expect([item.image?.width, item.image?.height, item.enclosure?.url, item.contentHtml]).toEqual([
      16,
      9,
      `${SITE}media/bild.gif`,
      `<figure><img src="${SITE}media/bild.gif" alt="" width="16" height="9"></figure><p>Text.</p>`,
    ])
  })

  // Issue #10, point 11.
  it('leaves out an image of no width or height everywhere: no figure, no image, no enclosure', () => {
    for (const info of [{ length: 14, width: 0, height: 16 }, { length: 14, width: 16, height: 0 }]) {
      const item = itemWith(info)
      expect([item.image, item.enclosure, item.contentHtml]).toEqual([undefined, undefined, '<p>Text.</p>'])
    }
  })

  it('keeps an image whose size is unknown, without a size', () => {
    const item = itemWith(undefined)
    expect([item.image?.url, item.image?.width, item.contentHtml]).toEqual([
      `${SITE}media/bild.gif`,
      undefined,
      `<figure><img src="${SITE}media/bild.gif" alt=""></figure><p>Text.</p>`,
    ])
  })
})
