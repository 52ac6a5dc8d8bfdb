/**
 * The head of article pages as crawlers read it: the JSON-LD NewsArticle
 * taken from its `<script type="application/ld+json">` element by an HTML
 * parser we did not write (htmlparser2) and parsed as JSON; the Open Graph
 * tags and the canonical link from the same parse.
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseDocument } from 'htmlparser2'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createApp } from '../../src/http/app.js'
import { scriptJson } from '../../src/site/article-meta.js'
import { ContentStore } from '../../src/store/content-store.js'
import { articleText } from '../helpers/temp-dir.js'
import { testApp } from '../helpers/test-app.js'

const SITE = 'https://www.example.de/'
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const ICON = `${SITE}media/site-icon-512.png`

interface Node {
  readonly type: string
  readonly name?: string
  readonly attribs?: Record<string, string>
  readonly children?: Node[]
  readonly data?: string
}

/** Every element of a parsed page, in document order. */
function elements(node: Node): Node[] {
  return (node.children ?? []).flatMap((child) => (child.type === 'tag' || child.type === 'script' ? [child, ...elements(child)] : []))
}

/** What a crawler takes from a page: each JSON-LD block parsed, the meta properties, the canonical link. */
function readHead(html: string) {
  const all = elements(parseDocument(html) as unknown as Node)
  const jsonLd = all
    .filter((el) => el.name === 'script' && el.attribs?.type === 'application/ld+json')
    .map((el) => JSON.parse((el.children ?? []).map((text) => text.data ?? '').join('')) as Record<string, unknown>)
  const meta = all.filter((el) => el.name === 'meta' && el.attribs?.property).map((el) => [el.attribs?.property, el.attribs?.content])
  const canonical = all.filter((el) => el.name === 'link' && el.attribs?.rel === 'canonical').map((el) => el.attribs?.href)
  return { jsonLd, meta, canonical }
}

const person = (name: string, slug: string) => ({ '@type': 'Person', name, url: `${SITE}autoren/${slug}` })
const LINDNER = person('Paul Lindner', 'paul-lindner')
const OKAFOR = person('Miriam Okafor', 'miriam-okafor')
const ALBRECHT = person('Jonas Albrecht', 'jonas-albrecht')
const YILMAZ = person('Deniz Yılmaz', 'deniz-yilmaz')

/** Every public bundled article at 2026-12-01, from its front matter and the bundled site.yaml, written out by hand. */
const EXPECTED: Record<string, { headline: string; published: string; modified: string; author: object[]; image: string; free?: false }> = {
  '/politik/schuldenbremse.html': {
    headline: 'Schuldenbremse: Investieren, ohne die Zukunft zu verpfänden',
    published: '2026-05-08T05:00:00Z',
    modified: '2026-05-08T05:00:00Z',
    author: [person('Katharina Brandt', 'katharina-brandt')],
    image: ICON,
  },
  '/sport/sport-bundesliga-finanzen.html': {
    headline: 'Bundesliga: Rekordumsatz trotz leerer Kassen bei einigen Klubs',
    published: '2026-02-14T11:00:00Z',
    modified: '2026-02-14T11:00:00Z',
    author: [person('Tim Seidel', 'tim-seidel')],
    image: ICON,
  },
  '/wirtschaft/bahn-tarifeinigung.html': {
    headline: 'Tarifeinigung bei der Bahn: Beide Seiten nennen den Abschluss "tragfähig"',
    published: '2026-03-20T17:30:00Z',
    modified: '2026-03-20T17:30:00Z',
    author: [YILMAZ],
    image: ICON,
  },
  // A plus article (issue 13): its page is a teaser, and says it is not free.
  '/wirtschaft/baufinanzierung-zinsbindung.html': {
    headline: 'Baufinanzierung: Wie lange sich die Zinsbindung jetzt lohnt',
    published: '2025-11-18T06:00:00Z',
    modified: '2025-11-18T06:00:00Z',
    author: [OKAFOR],
    image: ICON,
    free: false,
  },
  '/wirtschaft/deepseek-kostenschock.html': {
    headline: 'DeepSeek und der Kostenschock: Warum ein chinesisches KI-Modell die Börse erschüttert',
    published: '2025-01-28T08:30:00Z',
    modified: '2025-01-28T13:00:00Z',
    author: [ALBRECHT],
    image: ICON,
  },
  '/wirtschaft/digitaler-euro.html': {
    headline: 'Digitaler Euro: Was die Haltegrenze von 3.000 € für Verbraucher bedeutet',
    published: '2025-11-04T09:00:00Z',
    modified: '2025-11-04T09:00:00Z',
    author: [LINDNER],
    image: ICON,
  },
  '/wirtschaft/ezb-zinsentscheid.html': {
    headline: 'Zinsen & Inflation: Was die EZB-Entscheidung für Sparer bedeutet',
    published: '2025-06-05T12:45:00Z',
    modified: '2025-06-05T12:45:00Z',
    author: [OKAFOR],
    image: ICON,
  },
  '/wirtschaft/halbleiter-lieferzeiten.html': {
    headline: 'Chipmangel vorbei? Lieferzeiten < 10 Wochen bleiben die Ausnahme',
    published: '2025-03-11T07:15:00Z',
    modified: '2025-03-11T07:15:00Z',
    author: [YILMAZ],
    image: ICON,
  },
  '/wirtschaft/mittelstand-energiepreise.html': {
    headline: '„Wir zahlen doppelt“: Mittelständler ächzen unter Energiepreisen',
    published: '2025-09-17T04:00:00Z',
    modified: '2025-09-17T09:20:00Z',
    author: [ALBRECHT, OKAFOR],
    image: `${SITE}media/werkhalle-mittelstand.jpg`,
  },
  '/wirtschaft/podcast-geldfragen-12.html': {
    headline: 'Geldfragen, Folge 12: Lohnt sich der ETF-Sparplan noch?',
    published: '2025-10-02T03:00:00Z',
    modified: '2025-10-02T03:00:00Z',
    author: [LINDNER],
    image: ICON,
  },
  '/wirtschaft/podcast-geldfragen-13.html': {
    headline: 'Geldfragen, Folge 13: Tagesgeld, Festgeld oder Anleihe?',
    published: '2025-10-30T04:00:00Z',
    modified: '2025-10-30T04:00:00Z',
    author: [LINDNER, OKAFOR],
    image: ICON,
  },
  '/wirtschaft/podcast-geldfragen-14.html': {
    headline: 'Geldfragen, Folge 14: Erben, schenken und die Steuer',
    published: '2025-11-27T04:00:00Z',
    modified: '2025-11-27T04:00:00Z',
    author: [LINDNER, OKAFOR],
    image: ICON,
    free: false,
  },
  '/wirtschaft/wohnungsbau-genehmigungen.html': {
    headline: 'Wohnungsbau – Genehmigungen sinken auf Zehnjahrestief',
    published: '2025-06-12T05:15:00Z',
    modified: '2025-06-12T05:15:00Z',
    author: [OKAFOR],
    image: ICON,
  },
}

describe('article pages: structured data', () => {
  it('carries a NewsArticle with every field on every bundled article page, as a crawler reads it', async () => {
    const config = loadConfig(
      { SITE_URL: SITE, ARTICLES_DIR: `${ROOT}articles`, MEDIA_DIR: `${ROOT}media`, SITE_CONFIG: `${ROOT}site.yaml` },
      [],
      ROOT,
      (file) => fs.readFileSync(file, 'utf8'),
    )
    const now = new Date('2026-12-01T09:00:00Z')
    const store = new ContentStore({ config, clock: () => now, logger: { info: () => {}, warn: () => {} } })
    await store.load()
    store.close()
    const app = createApp({ config, store, now: () => now.getTime() })
    // Article pages only: an episode's chapters document is published beside its page.
    expect(store.publishedDocuments().filter((path) => path.endsWith('.html'))).toEqual(Object.keys(EXPECTED))
    for (const [path, expected] of Object.entries(EXPECTED)) {
      const response = await app.request(path)
      expect(response.status, path).toBe(200)
      const { jsonLd, canonical } = readHead(await response.text())
      const url = `${SITE}${path.slice(1)}`
      expect(canonical, path).toEqual([url])
      expect(jsonLd, path).toHaveLength(1)
      expect(jsonLd[0], path).toMatchObject({
        '@context': 'https://schema.org',
        '@type': 'NewsArticle',
        headline: expected.headline,
        datePublished: expected.published,
        dateModified: expected.modified,
        author: expected.author,
        image: [expected.image],
        publisher: { '@type': 'Organization', name: 'Beispielzeitung', url: SITE, logo: { '@type': 'ImageObject', url: ICON } },
        isAccessibleForFree: expected.free ?? true,
        mainEntityOfPage: { '@type': 'WebPage', '@id': url },
      })
    }
  })

  it('writes Open Graph and article: tags and the canonical link', async () => {
    const { app } = await testApp({
      'a.md': articleText({
        title: 'Mieten & Löhne',
        date: '2025-12-31T06:00:00Z',
        updated: '2025-12-31T09:00:00Z',
        category: 'wirtschaft',
        tags: '[Miete, Lohn]',
        author: 'Lea Voigt',
        image: 'https://cdn.example.de/a.jpg',
        image_alt: 'Ein Haus',
        summary: 'Kurz.',
      }),
    })
    const { meta, canonical, jsonLd } = readHead(await (await app.request('/wirtschaft/a.html')).text())
    expect(canonical).toEqual([`${SITE}wirtschaft/a.html`])
    expect(meta).toEqual([
      ['og:type', 'article'],
      ['og:title', 'Mieten & Löhne'],
      ['og:description', 'Kurz.'],
      ['og:url', `${SITE}wirtschaft/a.html`],
      ['og:site_name', 'Beispielzeitung'],
      ['og:locale', 'de'],
      ['og:image', 'https://cdn.example.de/a.jpg'],
      ['og:image:alt', 'Ein Haus'],
      ['article:published_time', '2025-12-31T06:00:00Z'],
      ['article:modified_time', '2025-12-31T09:00:00Z'],
      ['article:author', 'Lea Voigt'],
      ['article:tag', 'Miete'],
      ['article:tag', 'Lohn'],
    ])
    // Lea Voigt is not in the registry: a Person without url, as nothing names a page about her.
    expect(jsonLd[0]?.author).toEqual([{ '@type': 'Person', name: 'Lea Voigt' }])
    expect(jsonLd[0]?.keywords).toEqual(['Miete', 'Lohn'])
  })

  it('credits an article without a byline to the desk, as an organisation', async () => {
    const { app } = await testApp({ 'a.md': articleText({ title: 'A', date: '2025-12-31T06:00:00Z', category: 'wirtschaft' }) })
    const { jsonLd } = readHead(await (await app.request('/wirtschaft/a.html')).text())
    expect(jsonLd[0]?.author).toEqual([{ '@type': 'Organization', name: 'Wirtschaftsredaktion', url: SITE }])
    expect(jsonLd[0]).not.toHaveProperty('image')
  })

  it('keeps </script>, <!-- and U+2028 from ending or bending the script element', async () => {
    const title = 'Ende </script><script>alert(1)</script> <!-- Kommentar & mehr'
    const { app } = await testApp({ 'a.md': articleText({ title: JSON.stringify(title), date: '2025-12-31T06:00:00Z', category: 'wirtschaft' }) })
    const html = await (await app.request('/wirtschaft/a.html')).text()
    const script = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)?.[1] ?? ''
    expect(script).not.toMatch(/<|>|&|\u2028/)
    expect(readHead(html).jsonLd[0]?.headline).toBe(title)
    expect(html.match(/<script/g)).toHaveLength(1)
    // Front matter turns U+2028 into a space before it gets here; the escaping itself, with every character it covers:
    expect(scriptJson({ t: '</script><!--\u2028\u2029&' })).toBe('{"t":"\\u003c/script\\u003e\\u003c!--\\u2028\\u2029\\u0026"}')
  })
})
