import { describe, expect, it } from 'vitest'
import { parseArticle } from '../../src/content/parse-article.js'
import { publicBodySource, teaserMarkdown } from '../../src/content/public-bodies.js'
import { renderBody } from '../../src/content/render-markdown.js'
import { memorySource } from '../helpers/memory-source.js'
import { testApp } from '../helpers/test-app.js'

const config = { siteUrl: 'https://www.example.de/', timeZone: 'Europe/Berlin', language: 'de' }
const MARKER = 'Der Leuchtturmwärter zählt 4711 Möwen über dem Plusgeheimnis.'
const plus = `---\ntitle: Zinsen\ndate: 2025-01-28T09:30:00+01:00\ncategory: wirtschaft\naccess: plus\nsummary: "Zinsen <steigen> & *fallen* [wieder]"\n---\n${MARKER}\n`
const free = plus.replace('access: plus\n', '')

describe('publicBodySource: the leak barrier', () => {
  it('yields the teaser, never the body, of a file whose front matter says access: plus', async () => {
    const source = publicBodySource(memorySource(new Map([['a.md', plus]]), config))
    const parsed = await source.readBody('a.md')
    expect(parsed?.body).toBe(
      'Zinsen \\<steigen\\> \\& \\*fallen\\* \\[wieder\\]\n\n*Plus-Artikel:* Den ganzen Text lesen Abonnentinnen und Abonnenten auf der [Artikelseite](<https://www.example.de/wirtschaft/a.html>).\n',
    )
    expect(parsed?.body).not.toContain('Leuchtturm')
  })

  it('passes a free article\'s body through as read', async () => {
    const source = publicBodySource(memorySource(new Map([['a.md', free]]), config))
    expect((await source.readBody('a.md'))?.body).toBe(`${MARKER}\n`)
  })

  it('decides from the file as read now, not as indexed: a file that turned plus since gives its teaser', async () => {
    const files = new Map([['a.md', free]])
    const raw = memorySource(files, config)
    expect((await raw.readForIndex('a.md'))?.article.access).toBe('free')
    files.set('a.md', plus)
    expect((await publicBodySource(raw).readBody('a.md'))?.body).not.toContain(MARKER)
  })

  it('gives nothing for a file that cannot be parsed now (access undeterminable): the error, never the body', async () => {
    const broken = plus.replace('access: plus', 'access: plus-ish')
    const source = publicBodySource(memorySource(new Map([['a.md', broken]]), config))
    await expect(source.readBody('a.md')).rejects.toThrow('a.md: access: "plus-ish" is neither "free" nor "plus"')
    const gone = publicBodySource(memorySource(new Map(), config))
    expect(await gone.readBody('a.md')).toBeUndefined()
  })
})

describe('teaserMarkdown', () => {
  it('renders the summary exactly as typed, then the Plus-Artikel line with the link', () => {
    const { article } = parseArticle(plus, 'a.md', config)
    expect(renderBody(teaserMarkdown(article), article.url, config.siteUrl).html).toBe(
      '<p>Zinsen &lt;steigen&gt; &amp; *fallen* [wieder]</p>\n<p><em>Plus-Artikel:</em> Den ganzen Text lesen Abonnentinnen und Abonnenten auf der <a href="https://www.example.de/wirtschaft/a.html">Artikelseite</a>.</p>',
    )
  })
})

describe('the public store reads bodies through the barrier', () => {
  it('serves the teaser of a plus article in the feed and on its page, the body of a free one', async () => {
    const { app } = await testApp({ 'a.md': plus, 'b.md': free.replace('Zinsen', 'Frei').replace(MARKER, 'Ein freier Absatz.') })
    const feed = await (await app.request('/wirtschaft/feed.xml')).text()
    expect(feed).toContain('Ein freier Absatz.')
    expect(feed).toContain('Plus-Artikel:')
    expect(feed).not.toContain('Leuchtturm')
    const page = await (await app.request('/wirtschaft/a.html')).text()
    expect(page).toContain('Plus-Artikel')
    expect(page).not.toContain('Leuchtturm')
  })
})
