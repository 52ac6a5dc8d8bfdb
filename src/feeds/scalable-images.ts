/**
 * The narrowest reading pane an image must fit: mail clients lay HTML mail
 * out 600 px wide (rss2email's panes measured 600–900 px), and a 1200 px
 * lead image with fixed `width`/`height` overflowed it.
 */
export const PANE_WIDTH = 600

/**
 * What makes an image scale down to its pane while its `width` and `height`
 * attributes still reserve its place. Only `width` and `height`: feedparser's
 * sanitiser, which rss2email's mail goes through, drops `max-width`, and the
 * W3C validator flags it as a dangerous style. `width:100%` scales up too, so
 * it is given only to images wider than the pane.
 */
const FIT = 'style="width:100%;height:auto"'

const IMG = /<img\b[^>]*>/g
const WIDTH = /\swidth="(\d+)"/
const SRC = /\ssrc="([^"]*)"/

/**
 * Feed content with every image wider than PANE_WIDTH (by its `width`
 * attribute, else `widthOf` its `src`) made to scale down. Works on the
 * sanitiser's output (render-markdown.ts), where `<img` only ever starts a tag
 * (text has `&lt;`) and no img carries a style: the style is ours alone.
 */
export function fitImagesToPane(html: string, widthOf: (src: string) => number | undefined): string {
  if (!html.includes('<img')) return html
  return html.replace(IMG, (tag) => {
    const given = WIDTH.exec(tag)?.[1]
    const src = SRC.exec(tag)?.[1]
    const width = given !== undefined ? Number(given) : src !== undefined ? widthOf(src.replaceAll('&amp;', '&')) : undefined
    return width !== undefined && width > PANE_WIDTH ? `<img ${FIT}${tag.slice(4)}` : tag
  })
}
