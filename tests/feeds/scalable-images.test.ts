/**
 * Images in feed content scale down in mail clients and readers (issue
 * #11.8): a 1200 px lead image overflowed rss2email's 600–900 px reading pane.
 */
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { fitImagesToPane, PANE_WIDTH } from '../../src/feeds/scalable-images.js'
import { readXmlFeeds } from '../helpers/consumers.js'
import { articleText } from '../helpers/temp-dir.js'
import { testApp } from '../helpers/test-app.js'

const SITE = 'https://www.example.de/'
const MEDIA = fileURLToPath(new URL('../fixtures/media', import.meta.url))
const SETTINGS = fileURLToPath(new URL('../fixtures/site.yaml', import.meta.url))
const FIT = 'style="width:100%;height:auto"'

describe('fitImagesToPane', () => {
  const widths = new Map([['https://www.example.de/media/gross.jpg?a=1&b=2', 1400], ['https://www.example.de/media/klein.jpg', 120]])
  const widthOf = (src: string) => widths.get(src)

  it('gives an image wider than the pane a width of 100% and an automatic height, keeping its width and height', () => {
    expect(PANE_WIDTH).toBe(600)
    expect(fitImagesToPane('<p><img src="https://x.example/a.jpg" alt="A" width="1200" height="675" /></p>', widthOf)).toBe(
      `<p><img ${FIT} src="https://x.example/a.jpg" alt="A" width="1200" height="675" /></p>`,
    )
    expect(fitImagesToPane('<img src="https://x.example/a.jpg" width="601">', widthOf)).toBe(`<img ${FIT} src="https://x.example/a.jpg" width="601">`)
  })

  it('measures an image without a width attribute by its file, its src read as HTML (&amp; is &)', () => {
    expect(fitImagesToPane('<img src="https://www.example.de/media/gross.jpg?a=1&amp;b=2" alt="" />', widthOf)).toBe(
      `<img ${FIT} src="https://www.example.de/media/gross.jpg?a=1&amp;b=2" alt="" />`,
    )
  })

  it('leaves images that fit, and images of unknown width, as they are: width:100% would blow them up', () => {
    for (const html of [
      '<img src="https://x.example/a.jpg" width="600" height="400" />',
      '<img src="https://www.example.de/media/klein.jpg" alt="" />',
      '<img src="https://fern.example/unbekannt.jpg" alt="" />',
      '<p>Text mit &lt;img src="x" width="9000"&gt; als Text</p>',
    ]) {
      expect(fitImagesToPane(html, widthOf)).toBe(html)
    }
  })
})

describe('images in the feeds', () => {
  let app: Awaited<ReturnType<typeof testApp>>['app']
  beforeAll(async () => {
    ;({ app } = await testApp(
      {
        'bilder.md': articleText(
          { title: 'Bilder', date: '2025-07-01T06:00:00Z', category: 'wirtschaft', image: '/media/folge-art.jpg', image_alt: 'Titelbild' },
          '![Groß](/media/cover.jpg)\n\n![Klein](/media/bild.jpg)\n\n<img src="/media/cover.jpg" style="position:fixed;top:0" width="700" alt="Mit Stil">\n',
        ),
      },
      { MEDIA_DIR: MEDIA, SITE_CONFIG: SETTINGS },
    ))
  })

  const expected =
    `<figure><img ${FIT} src="${SITE}media/folge-art.jpg" alt="Titelbild" width="1400" height="1400"></figure>` +
    `<p><img ${FIT} src="${SITE}media/cover.jpg" alt="Groß" /></p>\n` +
    `<p><img src="${SITE}media/bild.jpg" alt="Klein" /></p>\n` +
    // The editor's own style is not kept (the sanitiser allows none on img): only ours.
    `<img ${FIT} src="${SITE}media/cover.jpg" width="700" alt="Mit Stil" />`

  it('writes exactly this content:encoded in RSS and content_html in JSON Feed', async () => {
    const rss = await (await app.request('/wirtschaft/feed.xml')).text()
    expect(rss).toContain(`<content:encoded><![CDATA[${expected}]]></content:encoded>`)
    const json = (await (await app.request('/wirtschaft/feed.json')).json()) as { items: { content_html: string }[] }
    expect(json.items[0]?.content_html).toBe(expected)
  })

  it('keeps the style through feedparser\'s sanitiser, which rss2email mails (it drops max-width, which we do not use)', async () => {
    const [rss] = readXmlFeeds([{ body: await (await app.request('/wirtschaft/feed.xml')).text(), contentType: 'application/rss+xml' }])
    const html = rss!.entries[0]!.content[0]!.value
    expect(html.match(/<img [^>]*>/g)).toEqual([
      `<img alt="Titelbild" height="1400" src="${SITE}media/folge-art.jpg" style="width: 100%; height: auto;" width="1400" />`,
      `<img alt="Groß" src="${SITE}media/cover.jpg" style="width: 100%; height: auto;" />`,
      `<img alt="Klein" src="${SITE}media/bild.jpg" />`,
      `<img alt="Mit Stil" src="${SITE}media/cover.jpg" style="width: 100%; height: auto;" width="700" />`,
    ])
  })

  it('leaves the article page without inline styles, which its Content-Security-Policy would refuse', async () => {
    const page = await (await app.request('/wirtschaft/bilder.html')).text()
    expect(page).not.toContain('style=')
    expect(page).toContain(`<img src="${SITE}media/cover.jpg" alt="Groß" />`)
  })
})
