import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readJsonFeed, readXmlFeeds } from '../helpers/consumers.js'
import { MARKERS, PLUS_AUDIO, plusInstance, type PlusInstance } from '../helpers/plus-instance.js'

const running: PlusInstance[] = []
afterEach(() => {
  for (const instance of running.splice(0)) instance.close()
})

async function instance(env: Record<string, string> = {}): Promise<PlusInstance> {
  const made = await plusInstance(env)
  running.push(made)
  return made
}

const FILES = ['feed.xml', 'atom.xml', 'feed.json', 'podcast.xml'] as const
const base = (token: string) => `https://www.example.de/wirtschaft/plus/${token}/`

describe('the subscriber feeds', () => {
  it('carry the full text of every plus article in each of the four formats, to a valid token', async () => {
    const site = await instance()
    const token = site.token('abo-4711')
    const bodies: Record<string, string> = {}
    for (const file of FILES) {
      const response = await site.app.request(`/wirtschaft/plus/${token}/${file}`)
      expect([file, response.status]).toEqual([file, 200])
      bodies[file] = await response.text()
    }
    for (const file of ['feed.xml', 'atom.xml', 'feed.json']) expect(bodies[file], file).toContain(MARKERS.text)
    for (const file of FILES) expect(bodies[file], file).toContain(MARKERS.episode)
    // feedparser reads them with the full content, and each names its own URL, token and all.
    const [rss, atom, podcast] = readXmlFeeds(['feed.xml', 'atom.xml', 'podcast.xml'].map((file) => ({ body: bodies[file]!, contentType: 'application/xml', url: base(token) + file })))
    for (const [name, feed] of [['rss', rss], ['atom', atom], ['podcast', podcast]] as const) {
      expect([name, feed!.wellFormed, feed!.bozo]).toEqual([name, true, false])
    }
    const analysis = rss!.entries.find((entry) => entry.title?.value === 'Analyse: Was der Mittelstand jetzt plant')
    expect(analysis?.content[0]?.value).toContain(MARKERS.text)
    expect(analysis?.link).toBe('https://www.example.de/wirtschaft/plus-analyse-mittelstand.html')
    expect(atom!.entries.find((entry) => entry.link === analysis?.link)?.content[0]?.value).toContain(MARKERS.text)
    expect(atom!.feed.links.find((link) => link.rel === 'self')?.href).toBe(`${base(token)}atom.xml`)
    const json = readJsonFeed(bodies['feed.json']!)
    expect(json.feed_url).toBe(`${base(token)}feed.json`)
    expect(json.items?.find((item) => item.title === 'Analyse: Was der Mittelstand jetzt plant')?.content_html).toContain(MARKERS.text)
  })

  it('put each plus episode\'s audio under the token path, served there with byte ranges, and nowhere else under it', async () => {
    const site = await instance()
    const token = site.token('abo-4711')
    const podcast = await (await site.app.request(`/wirtschaft/plus/${token}/podcast.xml`)).text()
    expect(podcast).toContain(`<enclosure length="119600" type="audio/mpeg" url="${base(token)}media/${PLUS_AUDIO}"/>`)
    // A free episode keeps its public audio.
    expect(podcast).toContain('<enclosure length="119600" type="audio/mpeg" url="https://www.example.de/media/geldfragen-folge-13.mp3"/>')
    const size = fs.statSync(path.join(site.config.mediaDir, PLUS_AUDIO)).size
    const range = await site.app.request(`/wirtschaft/plus/${token}/media/${PLUS_AUDIO}`, { headers: { Range: 'bytes=0-99' } })
    expect([range.status, range.headers.get('Content-Range'), range.headers.get('Accept-Ranges'), (await range.arrayBuffer()).byteLength]).toEqual([206, `bytes 0-99/${size}`, 'bytes', 100])
    expect(range.headers.get('Cache-Control')).toMatch(/^private, max-age=\d+/)
    expect(range.headers.get('X-Robots-Tag')).toBe('noindex')
    expect(range.headers.get('xkey')).toBeNull()
    // A public file is not served under a token: the token path is for plus audio only.
    expect((await site.app.request(`/wirtschaft/plus/${token}/media/geldfragen-folge-13.mp3`)).status).toBe(404)
    expect((await site.app.request(`/wirtschaft/plus/${token}/media/../${PLUS_AUDIO}`)).status).toBe(404)
    // And the plus audio needs a good token.
    expect((await site.app.request(`/wirtschaft/plus/x${token}/media/${PLUS_AUDIO}`)).status).toBe(403)
  })

  it('are private, not indexed, with their own ETags and 304s; never a WebSub topic nor keyed for a CDN', async () => {
    const site = await instance({ WEBSUB_HUB: 'https://hub.example.de/', CDN: 'varnish' })
    const token = site.token('abo-4711')
    for (const file of FILES) {
      const response = await site.app.request(`/wirtschaft/plus/${token}/${file}`, { headers: { 'Accept-Encoding': 'gzip, br' } })
      expect([file, response.status, response.headers.get('Content-Encoding')]).toEqual([file, 200, 'br'])
      expect(response.headers.get('Cache-Control')).toMatch(/^private, max-age=\d+, stale-while-revalidate=\d+, stale-if-error=\d+$/)
      expect([response.headers.get('X-Robots-Tag'), response.headers.get('Referrer-Policy')]).toEqual(['noindex', 'no-referrer'])
      expect([response.headers.get('Link'), response.headers.get('xkey'), response.headers.get('Surrogate-Control')]).toEqual([null, null, null])
      const etag = response.headers.get('ETag') as string
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}-br"$/)
      const again = await site.app.request(`/wirtschaft/plus/${token}/${file}`, { headers: { 'Accept-Encoding': 'gzip, br', 'If-None-Match': etag } })
      expect([file, again.status, again.headers.get('Cache-Control')]).toEqual([file, 304, response.headers.get('Cache-Control')])
      // Another subscriber's bytes differ by the token: so does the ETag, and the first one's is no validator of them.
      const other = await site.app.request(`/wirtschaft/plus/${site.token('abo-4712')}/${file}`, { headers: { 'Accept-Encoding': 'gzip, br', 'If-None-Match': etag } })
      expect([file, other.status]).toEqual([file, 200])
      expect(other.headers.get('ETag')).toMatch(/^"[A-Za-z0-9_-]{27}-br"$/)
      expect(other.headers.get('ETag')).not.toBe(etag)
      const body = await response.text()
      expect(body).not.toContain('hub.example.de')
    }
    // The public feed still names the hub: only the subscriber documents do not.
    expect((await site.app.request('/wirtschaft/feed.xml')).headers.get('Link')).toContain('hub.example.de')
  })

  it('give every subscriber the same document with only the token changed, rendered once', async () => {
    const site = await instance()
    const [a, b] = [site.token('abo-1'), site.token('abo-2')]
    const template = site.plus?.feeds.document('rss')
    const first = await (await site.app.request(`/wirtschaft/plus/${a}/feed.xml`)).text()
    const second = await (await site.app.request(`/wirtschaft/plus/${b}/feed.xml`)).text()
    expect(second).toBe(first.replaceAll(a, b))
    // Requests render nothing: both were answered from the one document rendered for the content.
    expect(site.plus?.feeds.document('rss')).toBe(template)
    expect(first).not.toContain('PLUS-TOKEN-PLACEHOLDER')
    expect(site.plus?.feeds.document('rss')?.tokenCount).toBeGreaterThan(0)
  })

  it('never put a token into a public document, and / links to no subscriber URL', async () => {
    const site = await instance()
    await site.app.request(`/wirtschaft/plus/${site.token('abo-1')}/feed.xml`)
    for (const path of ['/', '/wirtschaft/feed.xml', '/wirtschaft/atom.xml', '/wirtschaft/feed.json', '/wirtschaft/podcast.xml', '/feeds.opml']) {
      const body = await (await site.app.request(path)).text()
      expect(body, path).not.toMatch(/\/plus\//)
      expect(body, path).not.toContain('PLUS-TOKEN')
    }
  })

  it('do not exist without PLUS_SECRET: 404, and the log says once that plus articles are teasers only', async () => {
    const logs: string[] = []
    const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m) }
    const site = await plusInstance({ PLUS_SECRET: '' }, logger)
    running.push(site)
    expect(site.plus).toBeUndefined()
    const token = 'AAAAAAAA.YWJv.0.' + 'A'.repeat(43)
    expect((await site.app.request(`/wirtschaft/plus/${token}/feed.xml`)).status).toBe(404)
    expect(logs.filter((line) => line.includes('PLUS_SECRET'))).toEqual([
      'PLUS_SECRET is not set: plus articles publish as teasers only, and there are no subscriber feeds (docs/plus.md)',
    ])
  })
})

describe('the answers to bad tokens, over HTTP', () => {
  it('are 403 with an explanation feed for a tampered token and 410 for an expired one, never stored', async () => {
    const site = await instance()
    const token = site.token('abo-4711', Date.now() + 86_400_000)
    const tampered = token.replace(/\.(\d+)\./, (_m, expiry: string) => `.${Number(expiry) + 86_400}.`)
    const bad = await site.app.request(`/wirtschaft/plus/${tampered}/atom.xml`)
    expect([bad.status, bad.headers.get('Content-Type'), bad.headers.get('Cache-Control'), bad.headers.get('X-Robots-Tag')]).toEqual([
      403,
      'application/atom+xml; charset=utf-8',
      'no-store',
      'noindex',
    ])
    const text = await bad.text()
    expect(text).toContain('<title>Dieser Plus-Feed-Link ist ungültig</title>')
    // Where to get a new link: site.yaml's plus.subscribe_url, else SITE_URL/abo, as the article pages say.
    expect(text).toContain('<link rel="alternate" type="text/html" href="https://www.example.de/abo"/>')
    const expired = await site.app.request(`/wirtschaft/plus/${site.token('abo-4711', Date.now() - 1000)}/feed.json`)
    expect([expired.status, expired.headers.get('Content-Type')]).toEqual([410, 'application/feed+json; charset=utf-8'])
    expect((JSON.parse(await expired.text()) as { items: { title: string }[] }).items[0]?.title).toBe('Ihr Plus-Feed ist abgelaufen')
  })

  it('revoke a subscriber added to PLUS_REVOKED while the service runs, within 2 s of the save', async () => {
    const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'plus-revoked-'))
    const file = path.join(dir, 'widerrufen.txt')
    fs.writeFileSync(file, '# gekündigt\nabo-1\n')
    try {
      const site = await instance({ PLUS_REVOKED: file })
      const token = site.token('abo-2')
      expect((await site.app.request(`/wirtschaft/plus/${site.token('abo-1')}/feed.xml`)).status).toBe(403)
      expect((await site.app.request(`/wirtschaft/plus/${token}/feed.xml`)).status).toBe(200)
      fs.writeFileSync(file, '# gekündigt\nabo-1\nabo-2\n')
      const saved = Date.now()
      let status = 200
      while (status === 200 && Date.now() - saved < 2000) {
        await new Promise((resolve) => setTimeout(resolve, 25))
        status = (await site.app.request(`/wirtschaft/plus/${token}/podcast.xml`)).status
      }
      expect(status).toBe(403)
      expect(Date.now() - saved).toBeLessThan(2000)
      const answer = await site.app.request(`/wirtschaft/plus/${token}/feed.xml`)
      expect(await answer.text()).toContain('<title>Ihr Plus-Feed ist gesperrt</title>')
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('slow down a client that keeps sending bad tokens: 429 with Retry-After; a good token from the same address is served', async () => {
    const site = await instance()
    const good = site.token('abo-1')
    const bad = good.slice(0, -10) + (good.at(-10) === 'A' ? 'B' : 'A') + good.slice(-9)
    for (let attempt = 0; attempt < 10; attempt++) expect((await site.app.request(`/wirtschaft/plus/${bad}/feed.xml`)).status).toBe(403)
    const limited = await site.app.request(`/wirtschaft/plus/${bad}/feed.xml`)
    expect([limited.status, limited.headers.get('Retry-After'), limited.headers.get('Cache-Control')]).toEqual([429, '6', 'no-store'])
    // Any other bad token from that address waits too.
    expect((await site.app.request(`/wirtschaft/plus/${good.slice(1)}/feed.xml`)).status).toBe(429)
    // A good token from that address is served: subscribers behind one NAT, and all of them behind a reverse
    // proxy or CDN, share the address of the one who sent the bad ones.
    const served = await site.app.request(`/wirtschaft/plus/${good}/feed.xml`)
    expect([served.status, served.headers.get('Cache-Control')?.startsWith('private')]).toEqual([200, true])
    expect((await site.app.request(`/wirtschaft/plus/${good}/media/${PLUS_AUDIO}`, { headers: { Range: 'bytes=0-9' } })).status).toBe(206)
  })
})
