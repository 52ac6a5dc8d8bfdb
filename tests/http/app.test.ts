import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bothWays, closeBothWays } from '../helpers/both-ways.js'
import { articleText } from '../helpers/temp-dir.js'
import { testApp } from '../helpers/test-app.js'

const FEED_LINKS = [
  '<link rel="alternate" type="application/rss+xml" title="Wirtschaft (RSS)" href="https://www.example.de/wirtschaft/feed.xml"/>',
  '<link rel="alternate" type="application/atom+xml" title="Wirtschaft (Atom)" href="https://www.example.de/wirtschaft/atom.xml"/>',
  '<link rel="alternate" type="application/feed+json" title="Wirtschaft (JSON Feed)" href="https://www.example.de/wirtschaft/feed.json"/>',
]

/** Every request goes through app.request() and the real listener, and both must answer the same (helpers/both-ways.ts). */
let app: ReturnType<typeof bothWays>

beforeAll(async () => {
  const { http } = await testApp({
    'zoelle.md': articleText(
      { title: `'"Zölle" & <Märkte>'`, date: '2025-03-01T10:00:00+01:00', category: 'wirtschaft', author: 'Silke Mayr', summary: 'Kurz & knapp.' },
      'Der **Text**.\n',
    ),
    'sport.md': articleText({ title: 'Sport', date: '2025-03-02T10:00:00+01:00', category: 'sport' }),
  })
  app = bothWays(http)
})

afterAll(closeBothWays)

describe('HTTP', () => {
  it.each([
    ['/wirtschaft/feed.xml', 'application/rss+xml; charset=utf-8'],
    ['/wirtschaft/atom.xml', 'application/atom+xml; charset=utf-8'],
    ['/wirtschaft/feed.json', 'application/feed+json; charset=utf-8'],
    ['/', 'text/html; charset=utf-8'],
    ['/wirtschaft/zoelle.html', 'text/html; charset=utf-8'],
    ['/sport/sport.html', 'text/html; charset=utf-8'],
  ])('serves %s as %s', async (path, type) => {
    const response = await app.request(path)
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe(type)
  })

  it('lists the economy articles on / with the three autodiscovery links, in German', async () => {
    const html = await (await app.request('/')).text()
    expect(html.startsWith('<!doctype html>\n<html lang="de">')).toBe(true)
    for (const link of FEED_LINKS) expect(html).toContain(link)
    expect(html).toContain('<a href="https://www.example.de/wirtschaft/zoelle.html">&quot;Zölle&quot; &amp; &lt;Märkte&gt;</a>')
    expect(html).toContain('<time datetime="2025-03-01T09:00:00.000Z">1. März 2025 um 10:00 Uhr</time> · von Silke Mayr')
    expect(html).toContain('<p>Kurz &amp; knapp.</p>')
    expect(html).not.toContain('Sport')
  })

  it('serves every item link as an article page with the same three links', async () => {
    const feed = JSON.parse(await (await app.request('/wirtschaft/feed.json')).text()) as { items: { url: string }[] }
    for (const item of feed.items) {
      const response = await app.request(new URL(item.url).pathname)
      expect(response.status).toBe(200)
      const html = await response.text()
      for (const link of FEED_LINKS) expect(html).toContain(link)
      expect(html).toContain('<h1>&quot;Zölle&quot; &amp; &lt;Märkte&gt;</h1>')
      expect(html).toContain('<p>Der <strong>Text</strong>.</p>')
    }
  })

  it('answers anything else with a short 404 page', async () => {
    for (const path of ['/nichts', '/wirtschaft/fehlt.html', '/wirtschaft/feed.xml/', '/WIRTSCHAFT/feed.xml']) {
      const response = await app.request(path)
      expect(response.status).toBe(404)
      expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
      expect(await response.text()).toContain('<h1>Seite nicht gefunden</h1>')
    }
  })

  it('answers HEAD with the headers of GET and no body', async () => {
    const get = await app.request('/wirtschaft/feed.xml')
    const head = await app.request('/wirtschaft/feed.xml', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('ETag')).toBe(get.headers.get('ETag'))
    expect(head.headers.get('Content-Type')).toBe(get.headers.get('Content-Type'))
    expect(await head.text()).toBe('')
  })

  it('refuses other methods with 405 and Allow', async () => {
    const response = await app.request('/wirtschaft/feed.xml', { method: 'POST', body: 'x' })
    expect(response.status).toBe(405)
    expect(response.headers.get('Allow')).toBe('GET, HEAD, OPTIONS')
  })
})
