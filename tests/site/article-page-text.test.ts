/**
 * An article page reads once (#11): its opening text is not printed twice,
 * as a lead above a body that begins with the same sentences.
 */
import { parseDocument } from 'htmlparser2'
import type { ChildNode } from 'domhandler'
import { beforeAll, describe, expect, it } from 'vitest'
import { pageLead } from '../../src/site/pages.js'
import { bundledSite } from '../helpers/bundled-site.js'

/** Elements whose text a reader never sees on the page. */
const INVISIBLE = new Set(['head', 'script', 'style', 'template', 'audio', 'video'])

/** The text a reader sees, by an independent HTML parser (htmlparser2), whitespace collapsed. */
function visibleText(html: string): string {
  const parts: string[] = []
  const walk = (nodes: readonly ChildNode[]) => {
    for (const node of nodes) {
      if (node.type === 'text') parts.push(node.data)
      else if ('children' in node && !('name' in node && INVISIBLE.has(node.name))) {
        parts.push(' ')
        walk(node.children)
        parts.push(' ')
      }
    }
  }
  walk(parseDocument(html, { decodeEntities: true }).children)
  return parts.join('').replace(/\s+/g, ' ').trim()
}

/** The first run of `length` characters that occurs twice in `text`, if any. */
function repeatedRun(text: string, length: number): string | undefined {
  const seen = new Set<string>()
  for (let i = 0; i + length <= text.length; i++) {
    const run = text.slice(i, i + length)
    if (seen.has(run)) return run
    seen.add(run)
  }
  return undefined
}

let site: Awaited<ReturnType<typeof bundledSite>>
/** The published article pages (publishedDocuments() also names the documents published beside them). */
const articlePages = () => site.store.publishedDocuments().filter((path) => path.endsWith('.html'))

beforeAll(async () => {
  site = await bundledSite('https://www.example.de/')
})

describe('article pages of the bundled articles', () => {
  it('are all there: every published bundled article has a page', () => {
    // Article pages; an episode's chapters document (kapitel.json) is published beside its page.
    expect(articlePages().sort()).toEqual([
      '/politik/schuldenbremse.html',
      '/sport/sport-bundesliga-finanzen.html',
      '/wirtschaft/ausblick-2030.html',
      '/wirtschaft/bahn-tarifeinigung.html',
      '/wirtschaft/baufinanzierung-zinsbindung.html',
      '/wirtschaft/deepseek-kostenschock.html',
      '/wirtschaft/digitaler-euro.html',
      '/wirtschaft/ezb-zinsentscheid.html',
      '/wirtschaft/halbleiter-lieferzeiten.html',
      '/wirtschaft/mittelstand-energiepreise.html',
      '/wirtschaft/podcast-geldfragen-12.html',
      '/wirtschaft/podcast-geldfragen-13.html',
      '/wirtschaft/podcast-geldfragen-14.html',
      '/wirtschaft/wohnungsbau-genehmigungen.html',
    ])
  })

  it('never contain a 120-character run of their visible text twice', async () => {
    const repeated: Record<string, string> = {}
    for (const path of articlePages()) {
      const response = await site.app.request(path)
      expect(response.status, path).toBe(200)
      const run = repeatedRun(visibleText(await response.text()), 120)
      if (run !== undefined) repeated[path] = run
    }
    expect(repeated).toEqual({})
  })

  it('show a front-matter summary that adds something as the lead, above the body', async () => {
    const html = await (await site.app.request('/wirtschaft/bahn-tarifeinigung.html')).text()
    expect(html).toContain(
      '<p class="summary">Nach wochenlangen Verhandlungen steht ein Tarifvertrag: 5,2 % mehr Lohn in zwei Stufen, dazu eine Einmalzahlung. Streiks sind vorerst vom Tisch.</p>',
    )
  })

  it('show no lead without a front-matter summary: the automatic excerpt is the body’s own beginning', async () => {
    const html = await (await site.app.request('/wirtschaft/digitaler-euro.html')).text()
    expect(html).not.toContain('class="summary"')
    expect(visibleText(html)).toContain('Die Pläne für einen digitalen Euro werden konkreter.')
  })
})

describe('pageLead', () => {
  const article = (summary: string | undefined) => ({ summary }) as Parameters<typeof pageLead>[0]

  it('is the front-matter summary when the body does not say it', () => {
    expect(pageLead(article('Kurz: Zinsen sinken.'), 'Kurz: Zinsen sinken.', '<p>Die EZB senkt den Leitzins.</p>')).toBe('Kurz: Zinsen sinken.')
  })

  it('is nothing when the body already says the summary, however it is spaced or marked up', () => {
    expect(pageLead(article('Die EZB senkt  den Leitzins.'), 'Die EZB senkt  den Leitzins.', '<p>Die <strong>EZB</strong> senkt den\nLeitzins. Mehr.</p>')).toBeUndefined()
  })

  it('is nothing without a front-matter summary: the excerpt is the body’s beginning', () => {
    expect(pageLead(article(undefined), 'Die EZB senkt …', '<p>Die EZB senkt den Leitzins.</p>')).toBeUndefined()
  })

  it('is nothing when inline markup sits next to punctuation or splits a word in the body', () => {
    const summary = 'Berlin, 5. Mai. Die Bundesregierung hat sich auf einen Haushalt geeinigt.'
    expect(pageLead(article(summary), summary, '<p><strong>Berlin</strong>, 5. Mai. Die Bundesregierung hat sich auf einen <em>Haus</em>halt geeinigt.</p>')).toBeUndefined()
    const zins = 'Die Inflation liegt bei 2,0 Prozent, sagt die EZB.'
    expect(pageLead(article(zins), zins, '<p>Die <em>Inflation</em> liegt bei <strong>2,0&nbsp;Prozent</strong>, sagt die <a href="https://www.ecb.europa.eu/">EZB</a>.</p>')).toBeUndefined()
  })

  it('is nothing when the summary and the body differ only in typographic quotes and dashes', () => {
    const summary = 'Er sagte „Nein“ – und ging.'
    expect(pageLead(article(summary), summary, '<p>Er sagte "Nein" - und ging. Danach war Ruhe.</p>')).toBeUndefined()
  })

  it('is nothing when the summary holds the body’s whole first paragraph, or the whole short body', () => {
    const first = 'Die Bundesbank rechnet für das kommende Jahr mit einem Wachstum von knapp einem Prozent, getragen vor allem vom privaten Konsum und von höheren Löhnen.'
    expect(pageLead(article(`${first} Ein Überblick.`), `${first} Ein Überblick.`, `<p>${first}</p><p>Weiter im Text.</p>`)).toBeUndefined()
    expect(pageLead(article('Zinsen sinken. Kredite werden billiger.'), 'Zinsen sinken. Kredite werden billiger.', '<p>Zinsen sinken.</p>')).toBeUndefined()
    // A short first paragraph the summary happens to contain does not hide it.
    expect(pageLead(article('Berlin. Die Koalition einigt sich.'), 'Berlin. Die Koalition einigt sich.', '<p>Berlin.</p><p>Nach langer Nacht steht der Haushalt.</p>')).toBe('Berlin. Die Koalition einigt sich.')
  })

  it('is the summary of an article without a body', () => {
    expect(pageLead(article('Nur ein Vorspann.'), 'Nur ein Vorspann.', '')).toBe('Nur ein Vorspann.')
  })
})

describe('pageLead on a long body', () => {
  it('searches the body’s opening only: a summary repeated far down a long body is still shown', () => {
    const summary = 'Ein Satz, der erst am Ende steht.'
    const body = `<p>${'Anderer Text. '.repeat(5000)}</p><p>${summary}</p>`
    expect(pageLead({ summary } as Parameters<typeof pageLead>[0], summary, body)).toBe(summary)
    expect(pageLead({ summary } as Parameters<typeof pageLead>[0], summary, `<p>${summary}</p>${body}`)).toBeUndefined()
  })
})
