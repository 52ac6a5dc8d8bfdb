/**
 * Property-based tests (fast-check): for arbitrary titles, summaries, tags,
 * author names and Markdown bodies — arbitrary Unicode, XML-forbidden
 * characters, `]]>`, markup and script — the article either is refused with
 * an ArticleError, or all three feeds are well-formed, Python's feedparser
 * reads back exactly the cleaned title, summary, tags and authors, and the
 * content holds nothing outside the allow-list.
 *
 * Counterexamples fast-check ever found are kept in REGRESSIONS and run first.
 */
import fc from 'fast-check'
import { Parser } from 'htmlparser2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseArticle } from '../../src/content/parse-article.js'
import { excerptOf, renderMarkdown } from '../../src/content/render-markdown.js'
import { ArticleError } from '../../src/errors/article-error.js'
import { buildFeedDocument, toFeedItem } from '../../src/feeds/build-feed.js'
import { renderAtom } from '../../src/feeds/render-atom.js'
import { renderJsonFeed } from '../../src/feeds/render-json-feed.js'
import { renderRss } from '../../src/feeds/render-rss.js'
import { listInGerman } from '../../src/text/german-list.js'
import { FeedReaderProcess, jsonFeedSchemaErrors } from '../helpers/consumers.js'

const SITE = 'https://www.example.de/'
const options = { siteUrl: SITE, timeZone: 'Europe/Berlin', language: 'de' }
const RUNS = Number(process.env.PROPERTY_RUNS ?? 150)

/** Pieces that have broken feeds somewhere: markup, entities, CDATA ends, forbidden characters. */
const NASTY = [
  '<', '>', '&', '"', "'", ']]>', '&amp;', '&lt;', '&#x3C;', '&nbsp;', '<b>', '</b>', '<script>alert(1)</script>',
  '<![CDATA[', '\u0000', '\u0001', '\u0008', '\u000B', '\u001F', '\uFFFE', '\uFFFF', '\uD800', '\uDC00', '\u2028',
  '\u00A0', 'ä', 'ß', '€', '„', '“', '😀', '\u200B', '\r', '\n', '\t', '\\', '%', 'javascript:', '{{', '*', '#',
]

const text = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constantFrom(...NASTY), fc.string({ unit: 'binary', maxLength: 6 })), {
    maxLength: 8,
  })
  .map((parts) => parts.join(''))

/** Markdown with raw HTML the sanitiser must deal with. */
const HTML_PIECES = [
  '<script>alert(1)</script>', '<style>p{}</style>', '<iframe src="https://x.example/e"></iframe>', '<object data="x.swf"></object>',
  '<embed src="x.swf">', '<form action="/x"><input name="a"></form>', '<img src="x.jpg" onerror="alert(1)">',
  '<a href="javascript:alert(1)">a</a>', '<a href="vbscript:x">b</a>', '<a href="data:text/html,x">c</a>', '<svg onload="x()"></svg>',
  '<p style="width:expression(alert(1))">d</p>', '<table><tr><td>e</td></tr></table>', '<blockquote>f</blockquote>',
  '<figure><img src="/media/g.jpg" srcset="g-2x.jpg 2x"><figcaption>g</figcaption></figure>', '[link](relativ.html)', '![bild](../bild.png)',
  '<div onclick="x()">h</div>', '<a href=" java\tscript:alert(1)">i</a>', '```\n]]>\n```', '<math><mi>x</mi></math>', '<details open ontoggle="x()">j</details>',
]
const body = fc
  .array(fc.oneof(text, fc.constantFrom(...HTML_PIECES), fc.constantFrom('\n\n', '# ', '* ', '> ', '1. ', '| a | b |\n|---|---|\n| 1 | 2 |\n')), {
    maxLength: 12,
  })
  .map((parts) => parts.join(''))

const article = fc.record({
  title: text,
  summary: fc.option(text, { nil: undefined }),
  tags: fc.array(text, { maxLength: 4 }),
  authors: fc.array(text, { maxLength: 3 }),
  body,
})
type Generated = fc.Arbitrary<typeof article extends fc.Arbitrary<infer T> ? T : never> extends fc.Arbitrary<infer U> ? U : never

/** Counterexamples found so far, kept as regression cases. */
const FOUND: [Generated][] = [
  [{ title: 'a]]>b]]>c', summary: ' ', tags: ['\u0001'], authors: ['&amp;'], body: ']]>]]>' }],
  [{ title: '<b>fett</b> &amp; \uD800', summary: 'x\r\ny', tags: ['a<b', 'A<B'], authors: [], body: '<script>x</script>' }],
  [{ title: '\u00A0Zoll\u00A0', summary: undefined, tags: ['\u2028'], authors: ['O\u0027Brien'], body: '' }],
  [{ title: ' Zoll ', summary: undefined, tags: [' '], authors: ["O'Brien"], body: '' }],
  [{ title: '<', summary: undefined, tags: [], authors: [], body: '1. ' }],
  [{ title: '!', summary: undefined, tags: [], authors: [], body: '> ' }],
  [{ title: '\uFFFF', summary: undefined, tags: [], authors: [], body: '' }],
  [{ title: '\uD800', summary: undefined, tags: [], authors: [], body: '' }],
  [{ title: '&#x3C;', summary: undefined, tags: [], authors: [], body: '' }],
  [{ title: '<![CDATA[</b>', summary: undefined, tags: [], authors: [], body: '' }],
  [{ title: '</b><![CDATA[', summary: undefined, tags: [], authors: [], body: '' }],
  [{ title: '\u0080', summary: undefined, tags: [], authors: [], body: '' }],
  [{ title: '!', summary: undefined, tags: [], authors: ['\u0080'], body: '' }],
]
/**
 * An article with neither body nor summary is refused now; each such case runs
 * once more with a body, so its title, tags and authors still go through the feeds.
 */
const REGRESSIONS: [Generated][] = [
  ...FOUND,
  ...FOUND.filter(([g]) => g.body.trim() === '' && g.summary === undefined).map(([g]): [Generated] => [{ ...g, body: 'Text.' }]),
]

/** Tags, comments, CDATA or character references: what makes an RSS reader read a title as HTML. */
const looksLikeMarkup = (text: string) => /<[A-Za-z/!?]|&(#\d+|#x[0-9a-f]+|[a-z]+\d*);/i.test(text)

/** The front matter as an editor's file: JSON strings are valid YAML double-quoted scalars. */
function fileText(a: Generated): string {
  const lines = [
    `title: ${JSON.stringify(a.title)}`,
    'date: 2025-06-05T14:45:00+02:00',
    'category: wirtschaft',
    `tags: ${JSON.stringify(a.tags)}`,
    `author: ${JSON.stringify(a.authors)}`,
  ]
  if (a.summary !== undefined) lines.push(`summary: ${JSON.stringify(a.summary)}`)
  return `---\n${lines.join('\n')}\n---\n${a.body}`
}

const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  p: [], br: [], hr: [], h1: [], h2: [], h3: [], h4: [], h5: [], h6: [], blockquote: ['cite'], pre: [], code: ['class'], ul: [],
  ol: ['start', 'reversed'], li: [], dl: [], dt: [], dd: [], strong: [], b: [], em: [], i: [], u: [], s: [], del: [], ins: [], sub: [],
  sup: [], small: [], mark: [], abbr: ['title'], cite: [], q: ['cite'], kbd: [], a: ['href', 'title', 'hreflang'],
  img: ['src', 'srcset', 'sizes', 'alt', 'title', 'width', 'height'], figure: [], figcaption: [], picture: [], source: ['srcset', 'sizes', 'media', 'type'],
  table: [], thead: [], tbody: [], tfoot: [], tr: [], th: ['colspan', 'rowspan', 'scope', 'style'], td: ['colspan', 'rowspan', 'style'],
  caption: [], colgroup: ['span'], col: ['span'],
}

/** What in an HTML fragment is outside the allow-list, read by htmlparser2. */
function outsideAllowList(html: string): string[] {
  const problems: string[] = []
  const parser = new Parser({
    onopentag(name, attributes) {
      const allowed = ALLOWED[name]
      if (!allowed) return void problems.push(`<${name}>`)
      for (const [attribute, value] of Object.entries(attributes)) {
        if (!allowed.includes(attribute)) problems.push(`<${name} ${attribute}>`)
        if (['href', 'src', 'cite'].includes(attribute) && !/^(https?:\/\/|mailto:)/i.test(value)) problems.push(`<${name} ${attribute}="${value}">`)
        if (attribute === 'style' && !/^text-align:(left|right|center)$/.test(value)) problems.push(`style="${value}"`)
        if (attribute === 'srcset' && value.split(',').some((c) => !/^\s*https?:\/\//.test(c))) problems.push(`srcset="${value}"`)
      }
    },
  })
  parser.write(html)
  parser.end()
  return problems
}

let reader: FeedReaderProcess
beforeAll(() => {
  reader = new FeedReaderProcess()
})
afterAll(() => reader.close())

describe('arbitrary article text through all three feeds', () => {
  it('is refused, or read back exactly, well-formed and safe', async () => {
    await fc.assert(
      fc.asyncProperty(article, async (generated) => {
        let parsed: ReturnType<typeof parseArticle>
        try {
          parsed = parseArticle(fileText(generated), 'wirtschaft/x.md', options)
        } catch (error) {
          // A title that is empty once cleaned, or an article with no text at all, is refused, with a message naming the field.
          expect(error).toBeInstanceOf(ArticleError)
          expect((error as ArticleError).message).toMatch(/^wirtschaft\/x\.md: (title: |body: is empty and there is no summary)/)
          return
        }
        const { article: a, body: markdown } = parsed
        const item = toFeedItem(a, { html: renderMarkdown(markdown, a.url), excerpt: excerptOf(markdown) }, {
          deskAuthor: 'Wirtschaftsredaktion',
          authors: new Map(),
          media: () => undefined,
        })
        const document = buildFeedDocument(
          {
            title: 'Wirtschaft',
            description: 'Test',
            language: 'de',
            homeUrl: SITE,
            links: { self: { rss: `${SITE}r.xml`, atom: `${SITE}a.xml`, json: `${SITE}j.json` } },
            author: 'Wirtschaftsredaktion',
            generator: 'test',
            updatedWhenEmpty: new Date('2026-01-01T00:00:00Z'),
          },
          [item],
        )
        const rssXml = renderRss(document)
        const atomXml = renderAtom(document)
        const [rss, atom] = await reader.read([
          { body: rssXml, contentType: 'application/rss+xml' },
          { body: atomXml, contentType: 'application/atom+xml' },
        ])
        const json = JSON.parse(renderJsonFeed(document)) as { items: { title: string; summary: string; tags?: string[]; authors: { name: string }[] }[] }

        for (const feed of [rss, atom]) {
          expect(feed?.wellFormed, feed?.xmlError).toBe(true)
          expect(feed?.bozo, feed?.bozoException ?? '').toBe(false)
          const entry = feed?.entries[0]
          // RSS cannot mark a title as plain text: readers (feedparser among them) take a title
          // that holds markup or character references for HTML. Atom's type="text" and JSON
          // leave no doubt, so those are compared always; RSS whenever the title is plain.
          if (feed === atom || !looksLikeMarkup(a.title)) expect(entry?.title?.value).toBe(a.title)
          expect(entry?.tags).toEqual(a.tags)
          // RSS names every author in one dc:creator, as a German list (docs/readers.md).
          const names = item.authors.map((author) => author.name)
          expect(entry?.authors).toEqual(feed === atom ? names : [listInGerman(names)])
        }
        // An empty summary is left out, not written empty (feedparser then shows the content instead).
        const summary = item.summary === '' ? undefined : item.summary
        if (summary === undefined) {
          expect(atomXml).not.toContain('<summary')
          expect(rssXml.slice(rssXml.indexOf('<item>'))).not.toContain('<description>')
        } else {
          expect(atom?.entries[0]?.summary?.value).toBe(summary)
          expect(rss?.entries[0]?.summary?.text).toBe(summary)
        }
        expect(jsonFeedSchemaErrors(json)).toEqual([])
        expect(json.items[0]?.title).toBe(a.title)
        expect(json.items[0]?.summary).toBe(summary)
        expect(json.items[0]?.tags ?? []).toEqual(a.tags)
        expect(json.items[0]?.authors.map((author) => author.name)).toEqual(item.authors.map((author) => author.name))
        expect(outsideAllowList(item.contentHtml)).toEqual([])
        expect(item.contentHtml).not.toContain(']]>')
      }),
      { numRuns: RUNS, examples: REGRESSIONS },
    )
  }, 120_000)
})
