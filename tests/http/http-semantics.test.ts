import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bothWays, closeBothWays } from '../helpers/both-ways.js'
import { articleText } from '../helpers/temp-dir.js'
import { testApp } from '../helpers/test-app.js'

/** Every request goes through app.request() and the real listener, and both must answer the same (helpers/both-ways.ts). */
const served = async (...args: Parameters<typeof testApp>) => bothWays((await testApp(...args)).http)
type App = ReturnType<typeof bothWays>
let app: App

const files = {
  'zins.md': articleText(
    { title: 'Zinswende', date: '2025-06-05T14:45:00+02:00', updated: '2025-06-05T17:00:00+02:00', category: 'wirtschaft', tags: '[EZB, Zinsen]' },
    'Die EZB senkt die Zinsen. '.repeat(40),
  ),
  'boerse.md': articleText({ title: 'Börse', date: '2025-06-01T10:00:00+02:00', category: 'wirtschaft', tags: '[Börse, KI]' }, 'Kurse. '.repeat(60)),
  'ki.md': articleText({ title: 'KI-Boom', date: '2025-05-01T10:00:00+02:00', category: 'wirtschaft', tags: 'ki', author: 'Lea Voigt' }, 'Chips. '.repeat(60)),
}

beforeAll(async () => {
  app = await served(files)
})

afterAll(closeBothWays)

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => app.request(path, { method, headers })

describe('conditional GET', () => {
  it('sends a strong ETag and Last-Modified equal to the newest item change', async () => {
    const response = await get('/wirtschaft/feed.xml')
    expect(response.headers.get('ETag')).toMatch(/^"[A-Za-z0-9_-]{27}"$/)
    expect(response.headers.get('Last-Modified')).toBe('Thu, 05 Jun 2025 15:00:00 GMT')
  })

  it('answers If-None-Match with 304, no body and the same validators', async () => {
    const first = await get('/wirtschaft/atom.xml')
    const etag = first.headers.get('ETag') as string
    const again = await get('/wirtschaft/atom.xml', { 'If-None-Match': etag })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
    expect(again.headers.get('ETag')).toBe(etag)
    expect(again.headers.get('Cache-Control')).toBe(first.headers.get('Cache-Control'))
    expect(again.headers.get('Vary')).toBe('Accept, Accept-Encoding, Sec-Fetch-Dest, Sec-Fetch-Mode')
  })

  it('answers If-Modified-Since with 304 when nothing is newer', async () => {
    const response = await get('/wirtschaft/feed.json', { 'If-Modified-Since': 'Thu, 05 Jun 2025 15:00:00 GMT' })
    expect(response.status).toBe(304)
    const older = await get('/wirtschaft/feed.json', { 'If-Modified-Since': 'Thu, 05 Jun 2025 14:59:59 GMT' })
    expect(older.status).toBe(200)
  })

  it('lets If-None-Match win over If-Modified-Since', async () => {
    const response = await get('/wirtschaft/feed.xml', { 'If-None-Match': '"veraltet"', 'If-Modified-Since': 'Thu, 05 Jun 2030 15:00:00 GMT' })
    expect(response.status).toBe(200)
  })

  it('works on pages too', async () => {
    const page = await get('/wirtschaft/zins.html')
    expect(page.headers.get('Last-Modified')).toBe('Thu, 05 Jun 2025 15:00:00 GMT')
    expect((await get('/wirtschaft/zins.html', { 'If-None-Match': page.headers.get('ETag') as string })).status).toBe(304)
    const index = await get('/')
    expect((await get('/', { 'If-None-Match': index.headers.get('ETag') as string })).status).toBe(304)
  })

  it('answers HEAD with the headers of GET, Content-Length included, and no body', async () => {
    for (const encoding of ['identity', 'gzip', 'br']) {
      const getResponse = await get('/wirtschaft/feed.xml', { 'Accept-Encoding': encoding })
      const head = await get('/wirtschaft/feed.xml', { 'Accept-Encoding': encoding }, 'HEAD')
      const body = new Uint8Array(await getResponse.arrayBuffer())
      expect(head.status).toBe(200)
      for (const name of ['ETag', 'Last-Modified', 'Content-Type', 'Cache-Control', 'Vary', 'Content-Encoding']) {
        expect(head.headers.get(name)).toBe(getResponse.headers.get(name))
      }
      expect(head.headers.get('Content-Length')).toBe(String(body.byteLength))
      expect(await head.text()).toBe('')
    }
  })

  it('answers a failed If-Match or If-Unmodified-Since with 412, and a passed one with the document', async () => {
    const etag = (await get('/wirtschaft/feed.xml')).headers.get('ETag') as string
    for (const [headers, status] of [
      [{ 'If-Match': etag }, 200],
      [{ 'If-Match': `"alt", ${etag}` }, 200],
      [{ 'If-Match': '*' }, 200],
      // If-Match compares strongly: a weak tag never matches.
      [{ 'If-Match': `W/${etag}` }, 412],
      [{ 'If-Match': '"alt"' }, 412],
      [{ 'If-Unmodified-Since': 'Thu, 05 Jun 2025 15:00:00 GMT' }, 200],
      [{ 'If-Unmodified-Since': 'Thu, 05 Jun 2025 14:59:59 GMT' }, 412],
      // If-Match decides alone when both are sent.
      [{ 'If-Match': etag, 'If-Unmodified-Since': 'Thu, 05 Jun 2025 14:59:59 GMT' }, 200],
    ] as const) {
      const response = await get('/wirtschaft/feed.xml', headers)
      expect(response.status, JSON.stringify(headers)).toBe(status)
      if (status === 412) expect(await response.text()).toBe('Precondition failed: the document has changed\n')
    }
  })

  it('never sends a Last-Modified later than now, even for an update dated in the future', async () => {
    // Now is the service's clock (a parameter), here fixed half a second past a whole second.
    const now = new Date('2026-01-01T12:00:00.500Z')
    const future = await served(
      {
        ...files,
        'tippfehler.md': articleText({ title: 'Tippfehler', date: '2025-06-10T10:00:00Z', updated: '2099-06-10T10:00:00Z', category: 'wirtschaft' }),
      },
      {},
      now,
    )
    for (const path of ['/wirtschaft/feed.xml', '/wirtschaft/tippfehler.html']) {
      const response = await future.request(path)
      expect(response.headers.get('Last-Modified'), path).toBe('Thu, 01 Jan 2026 12:00:00 GMT')
    }
  })
})

describe('caching headers', () => {
  it('lets caches keep live documents for max-age, with stale-while-revalidate and stale-if-error', async () => {
    for (const [path, vary] of [
      ['/wirtschaft/feed.xml', 'Accept, Accept-Encoding, Sec-Fetch-Dest, Sec-Fetch-Mode'],
      ['/wirtschaft/atom.xml', 'Accept, Accept-Encoding, Sec-Fetch-Dest, Sec-Fetch-Mode'],
      ['/wirtschaft/feed.json', 'Accept-Encoding, Sec-Fetch-Dest, Sec-Fetch-Mode'],
      ['/', 'Accept-Encoding'],
      ['/wirtschaft/zins.html', 'Accept-Encoding'],
    ]) {
      const response = await get(path as string)
      expect(response.headers.get('Cache-Control')).toBe('public, max-age=300, stale-while-revalidate=60, stale-if-error=86400')
      expect(response.headers.get('Vary')).toBe(vary)
    }
  })

  it('shortens max-age so that no cache hides an article scheduled to go live', async () => {
    const scheduled = await served(
      { ...files, 'gleich.md': articleText({ title: 'Gleich', date: '2026-01-01T00:01:30Z', category: 'wirtschaft' }) },
      {},
      new Date('2026-01-01T00:00:00Z'),
    )
    const response = await scheduled.request('/wirtschaft/feed.xml')
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=90, stale-while-revalidate=60, stale-if-error=86400')
  })

  it('takes max-age and the stale-* values from the configuration', async () => {
    const configured = await served(files, { CACHE_MAX_AGE: '60', CACHE_STALE_WHILE_REVALIDATE: '30', CACHE_STALE_IF_ERROR: '600' })
    const response = await configured.request('/wirtschaft/feed.xml')
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=60, stale-while-revalidate=30, stale-if-error=600')
  })
})

describe('compression', () => {
  it('sends gzip and Brotli as asked, each decoding to the identity bytes, each with its own ETag', async () => {
    const identity = await get('/wirtschaft/feed.xml', { 'Accept-Encoding': 'identity' })
    const plain = Buffer.from(await identity.arrayBuffer())
    const gz = await get('/wirtschaft/feed.xml', { 'Accept-Encoding': 'gzip' })
    const br = await get('/wirtschaft/feed.xml', { 'Accept-Encoding': 'gzip;q=0.5, br' })
    expect(identity.headers.get('Content-Encoding')).toBeNull()
    expect(gz.headers.get('Content-Encoding')).toBe('gzip')
    expect(br.headers.get('Content-Encoding')).toBe('br')
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).equals(plain)).toBe(true)
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).equals(plain)).toBe(true)
    const tags = [identity, gz, br].map((r) => r.headers.get('ETag'))
    expect(new Set(tags).size).toBe(3)
    expect(tags[1]).toBe(`${tags[0]?.slice(0, -1)}-gz"`)
  })

  it('honours q-values: gzip;q=0 gets identity, and a 304 matches only its own encoding', async () => {
    const none = await get('/wirtschaft/feed.xml', { 'Accept-Encoding': 'gzip;q=0, br;q=0' })
    expect(none.headers.get('Content-Encoding')).toBeNull()
    const gz = await get('/wirtschaft/feed.xml', { 'Accept-Encoding': 'gzip' })
    const crossed = await get('/wirtschaft/feed.xml', { 'Accept-Encoding': 'br', 'If-None-Match': gz.headers.get('ETag') as string })
    expect(crossed.status).toBe(200)
    expect(crossed.headers.get('Content-Encoding')).toBe('br')
  })
})

describe('filters', () => {
  const titles = async (path: string) =>
    ((await (await get(path)).json()) as { items: { title: string }[]; feed_url: string }).items.map((i) => i.title)

  it('limits the number of items with ?limit=', async () => {
    expect(await titles('/wirtschaft/feed.json?limit=2')).toEqual(['Zinswende', 'Börse'])
  })

  it('keeps items with any of the ?tag= values, regardless of case', async () => {
    expect(await titles('/wirtschaft/feed.json?tag=KI')).toEqual(['Börse', 'KI-Boom'])
    expect(await titles('/wirtschaft/feed.json?tag=b%C3%B6rse&tag=ezb')).toEqual(['Zinswende', 'Börse'])
    expect(await titles('/wirtschaft/feed.json?tag=Nichts')).toEqual([])
  })

  it('keeps items by any of the ?author= values; an article without a byline is the desk\'s', async () => {
    expect(await titles('/wirtschaft/feed.json?author=lea%20voigt')).toEqual(['KI-Boom'])
    expect(await titles('/wirtschaft/feed.json?author=Wirtschaftsredaktion')).toEqual(['Zinswende', 'Börse'])
    // Any author, and any tag: both must hold.
    expect(await titles('/wirtschaft/feed.json?author=Lea%20Voigt&author=Wirtschaftsredaktion&tag=KI')).toEqual(['Börse', 'KI-Boom'])
  })

  it('names a view in its title, so a reader lists it apart from the whole section', async () => {
    const json = (await (await get('/wirtschaft/feed.json?author=Lea%20Voigt&tag=KI')).json()) as { title: string }
    expect(json.title).toBe('Wirtschaft – Beispielzeitung (von Lea Voigt · Thema KI)')
    const atom = await (await get('/wirtschaft/atom.xml?tag=Zinsen')).text()
    expect(atom).toContain('<title>Wirtschaft – Beispielzeitung (Thema Zinsen)</title>')
    // Fewer items of the same section is the same feed, by the same name.
    const limited = (await (await get('/wirtschaft/feed.json?limit=1')).json()) as { title: string }
    expect(limited.title).toBe('Wirtschaft – Beispielzeitung')
  })

  it('dates an empty view by the section, not the Unix epoch readers reject', async () => {
    const atom = await get('/wirtschaft/atom.xml?tag=Nichts')
    expect((await atom.text()).match(/<updated>([^<]*)<\/updated>/)?.[1]).toBe('2025-06-05T15:00:00.000Z')
    const rss = await (await get('/wirtschaft/feed.xml?tag=Nichts')).text()
    expect(rss.match(/<lastBuildDate>([^<]*)<\/lastBuildDate>/)?.[1]).toBe('Thu, 05 Jun 2025 15:00:00 GMT')
    // Nothing in it changed then, so it claims no Last-Modified for If-Modified-Since.
    expect(atom.headers.get('Last-Modified')).toBeNull()
  })

  it('answers other spellings of a filter with 200 and the canonical view\'s bytes, naming its URL in Content-Location', async () => {
    const ids = async (response: Response) => ((await response.json()) as { items: { id: string }[] }).items.map((item) => item.id)
    for (const [query, canonical] of [
      ['tag=ezb&tag=b%C3%B6rse', 'tag=b%C3%B6rse&tag=ezb'],
      ['tag=ezb&tag=B%C3%B6rse&tag=EZB', 'tag=B%C3%B6rse&tag=ezb'],
      ['tag=b%C3%B6rse&tag=ezb&_=1', 'tag=b%C3%B6rse&tag=ezb'],
      ['tag=KI&limit=1', 'limit=1&tag=KI'],
      ['tag=KI&author=Lea%20Voigt', 'author=Lea%20Voigt&tag=KI'],
      // HTML forms and URLSearchParams write a space as `+` (application/x-www-form-urlencoded).
      ['author=Lea+Voigt', 'author=Lea%20Voigt'],
      ['t%61g=KI&author=Lea+Voigt', 'author=Lea%20Voigt&tag=KI'],
    ]) {
      const self = `https://www.example.de/wirtschaft/feed.json?${canonical}`
      const response = await get(`/wirtschaft/feed.json?${query}`)
      const reference = await get(`/wirtschaft/feed.json?${canonical}`)
      expect([response.status, response.headers.get('Location'), response.headers.get('Content-Location')], query).toEqual([200, null, self])
      expect(reference.headers.get('Content-Location'), canonical).toBe(self)
      expect(response.headers.get('ETag'), query).toBe(reference.headers.get('ETag'))
      const [bytes, same] = [new Uint8Array(await response.clone().arrayBuffer()), new Uint8Array(await reference.clone().arrayBuffer())]
      expect(Buffer.from(bytes).equals(Buffer.from(same)), query).toBe(true)
      expect(await ids(response), query).toEqual(await ids(reference))
      expect(((await (await get(`/wirtschaft/feed.json?${query}`)).json()) as { feed_url: string }).feed_url, query).toBe(self)
    }
    // In RSS and Atom, the self link is the canonical URL too, and a 304 names it as the 200 did (RFC 9110 §15.4.5).
    const rss = await get('/wirtschaft/feed.xml?author=Lea+Voigt')
    expect(await rss.text()).toContain('<atom:link href="https://www.example.de/wirtschaft/feed.xml?author=Lea%20Voigt" rel="self" type="application/rss+xml"/>')
    const notModified = await get('/wirtschaft/atom.xml?tag=KI&author=Lea+Voigt', { 'If-None-Match': (await get('/wirtschaft/atom.xml?author=Lea%20Voigt&tag=KI')).headers.get('ETag') as string })
    expect([notModified.status, notModified.headers.get('Content-Location')]).toEqual([304, 'https://www.example.de/wirtschaft/atom.xml?author=Lea%20Voigt&tag=KI'])
  })

  it('answers a query with bad percent-encoding with 400, naming the part', async () => {
    for (const [query, message] of [
      ['author=Lea%2', 'Bad request: "author=Lea%2" is not valid percent-encoding\n'],
      ['tag=%ZZ', 'Bad request: "tag=%ZZ" is not valid percent-encoding\n'],
      ['tag=%C3', 'Bad request: "tag=%C3" is not valid percent-encoding\n'],
      ['tag=KI&_=%E0%A4%A', 'Bad request: "_=%E0%A4%A" is not valid percent-encoding\n'],
    ] as const) {
      const response = await get(`/wirtschaft/feed.xml?${query}`)
      expect([response.status, response.headers.get('Content-Type'), await response.text()], query).toEqual([400, 'text/plain; charset=utf-8', message])
    }
  })

  it('gives a filtered feed its own self link and ETag, in every format', async () => {
    const json = (await (await get('/wirtschaft/feed.json?limit=1&tag=KI')).json()) as { feed_url: string }
    expect(json.feed_url).toBe('https://www.example.de/wirtschaft/feed.json?limit=1&tag=KI')
    const rss = await (await get('/wirtschaft/feed.xml?limit=1&tag=KI')).text()
    expect(rss).toContain('<atom:link href="https://www.example.de/wirtschaft/feed.xml?limit=1&amp;tag=KI" rel="self" type="application/rss+xml"/>')
    const atom = await (await get('/wirtschaft/atom.xml?limit=1&tag=KI')).text()
    expect(atom).toContain('<link rel="self" href="https://www.example.de/wirtschaft/atom.xml?limit=1&amp;tag=KI" type="application/atom+xml"/>')
    const plain = await get('/wirtschaft/feed.xml')
    const filtered = await get('/wirtschaft/feed.xml?limit=1')
    expect(filtered.headers.get('ETag')).not.toBe(plain.headers.get('ETag'))
  })

  it('answers a bad value with 400 and a plain message', async () => {
    for (const [query, message] of [
      ['limit=0', 'Bad request: limit: "0" is not a whole number from 1 to 500\n'],
      ['limit=abc', 'Bad request: limit: "abc" is not a whole number from 1 to 500\n'],
      ['tag=', 'Bad request: tag: "" is not a tag (1 to 200 characters)\n'],
      ['author=%20', 'Bad request: author: " " is not an author (1 to 200 characters)\n'],
      ['tag=%00', 'Bad request: tag: "\\u0000" holds control characters\n'],
      ['tag=KI%0D%0ASet-Cookie', 'Bad request: tag: "KI\\r\\nSet-Cookie" holds control characters\n'],
    ] as const) {
      const response = await get(`/wirtschaft/feed.xml?${query}`)
      expect(response.status).toBe(400)
      expect(response.headers.get('Content-Type')).toBe('text/plain; charset=utf-8')
      expect(await response.text()).toBe(message)
      const head = await get(`/wirtschaft/feed.xml?${query}`, {}, 'HEAD')
      expect(head.headers.get('Content-Length')).toBe(String(new TextEncoder().encode(message).byteLength))
    }
  })

  it('answers a tag with a bidirectional override with 400, the control shown escaped', async () => {
    const response = await get('/wirtschaft/feed.xml?tag=%E2%80%AEexe.txt')
    expect([response.status, response.headers.get('Content-Type')]).toEqual([400, 'text/plain; charset=utf-8'])
    expect(await response.text()).toBe('Bad request: tag: "\\u202eexe.txt" holds control characters\n')
  })

  it('ignores parameters it does not know, such as cache busters', async () => {
    const plain = await get('/wirtschaft/feed.xml')
    const busted = await get('/wirtschaft/feed.xml?_=12345')
    expect(busted.headers.get('ETag')).toBe(plain.headers.get('ETag'))
  })
})

describe('WebSub discovery', () => {
  it('advertises no hub unless one is configured', async () => {
    const response = await get('/wirtschaft/feed.xml')
    expect(response.headers.get('Link')).toBeNull()
    expect(await response.text()).not.toContain('rel="hub"')
  })

  it('advertises the hub in every format and in Link headers', async () => {
    const hub = 'https://hub.example.org/'
    const withHub = await served(files, { WEBSUB_HUB: hub })
    const rss = await withHub.request('/wirtschaft/feed.xml')
    expect(rss.headers.get('Link')).toBe(`<${hub}>; rel="hub", <https://www.example.de/wirtschaft/feed.xml>; rel="self"`)
    expect(await rss.text()).toContain(`<atom:link href="${hub}" rel="hub"/>`)
    const atom = await withHub.request('/wirtschaft/atom.xml')
    expect(atom.headers.get('Link')).toBe(`<${hub}>; rel="hub", <https://www.example.de/wirtschaft/atom.xml>; rel="self"`)
    expect(await atom.text()).toContain(`<link rel="hub" href="${hub}"/>`)
    const json = (await (await withHub.request('/wirtschaft/feed.json')).json()) as { hubs: unknown }
    expect(json.hubs).toEqual([{ type: 'WebSub', url: hub }])
  })

  it('advertises the hub only on the documents the hub is told about, not on views and archive pages', async () => {
    const hub = 'https://hub.example.org/'
    const withHub = await served(files, { WEBSUB_HUB: hub, FEED_LIMIT: '1', ARCHIVE_PAGE_SIZE: '1' })
    for (const path of ['/wirtschaft/feed.json?limit=1', '/wirtschaft/feed.xml?tag=KI', '/wirtschaft/archiv/1/atom.xml', '/wirtschaft/archiv/1/feed.json']) {
      const response = await withHub.request(path)
      expect(response.status, path).toBe(200)
      expect(response.headers.get('Link'), path).toBeNull()
      expect(await response.text(), path).not.toContain(hub)
    }
  })
})

describe('browser view, OPML, CORS, security headers, health', () => {
  it('references the XSLT and the CSS fallback from RSS and Atom, and serves both with their types', async () => {
    for (const path of ['/wirtschaft/feed.xml', '/wirtschaft/atom.xml']) {
      const xml = await (await get(path)).text()
      expect(xml).toMatch(
        /^<\?xml version="1.0" encoding="utf-8"\?>\n<\?xml-stylesheet href="https:\/\/www\.example\.de\/assets\/feed\.xsl" type="text\/xsl"\?>\n<\?xml-stylesheet href="https:\/\/www\.example\.de\/assets\/feed\.css" type="text\/css"\?>\n/,
      )
    }
    const xsl = await get('/assets/feed.xsl')
    expect(xsl.headers.get('Content-Type')).toBe('text/xsl; charset=utf-8')
    expect(await xsl.text()).toContain('<xsl:stylesheet version="1.0"')
    expect((await get('/assets/feed.css')).headers.get('Content-Type')).toBe('text/css; charset=utf-8')
    expect((await get('/assets/feed.css')).headers.get('Cache-Control')).toBe('public, max-age=3600, stale-while-revalidate=60, stale-if-error=86400')
  })

  it('gives a browser navigating to RSS or Atom the same bytes as application/xml, which it renders', async () => {
    const browserAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
    for (const [path, feedType] of [
      ['/wirtschaft/feed.xml', 'application/rss+xml; charset=utf-8'],
      ['/wirtschaft/atom.xml', 'application/atom+xml; charset=utf-8'],
    ] as const) {
      const reader = await get(path, { Accept: 'application/rss+xml, application/atom+xml;q=0.9, */*;q=0.1' })
      const browser = await get(path, { Accept: browserAccept })
      expect(reader.headers.get('Content-Type')).toBe(feedType)
      expect(browser.headers.get('Content-Type')).toBe('application/xml; charset=utf-8')
      expect(browser.headers.get('ETag')).toBe(`${reader.headers.get('ETag')?.slice(0, -1)}-view"`)
      expect(await browser.text()).toBe(await reader.text())
      expect((await get(path, { Accept: '*/*' })).headers.get('Content-Type')).toBe(feedType)
    }
    expect((await get('/wirtschaft/feed.json', { Accept: browserAccept })).headers.get('Content-Type')).toBe('application/feed+json; charset=utf-8')
  })

  it('lists the section once, as RSS, in the OPML subscription list', async () => {
    const response = await get('/feeds.opml')
    expect(response.headers.get('Content-Type')).toBe('text/x-opml; charset=utf-8')
    const opml = await response.text()
    const outlines = [...opml.matchAll(/<outline type="rss" text="([^"]+)" title="[^"]+" xmlUrl="([^"]+)" htmlUrl="([^"]+)" language="de"\/>/g)]
    // One subscription per distinct feed: the Atom and JSON Feed of the same section would be a second and third.
    expect(outlines.map((m) => [m[1], m[2], m[3]])).toEqual([['Wirtschaft – Beispielzeitung', 'https://www.example.de/wirtschaft/feed.xml', 'https://www.example.de/']])
    expect(opml.match(/<outline /g)).toHaveLength(1)
  })

  it('allows any origin to read the feeds, and answers the preflight of a conditional request', async () => {
    const response = await get('/wirtschaft/feed.json', { Origin: 'https://reader.example' })
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*')
    expect(response.headers.get('Access-Control-Expose-Headers')).toBe('ETag, Link')
    const preflight = await app.request('/wirtschaft/feed.json', {
      method: 'OPTIONS',
      headers: { Origin: 'https://reader.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'if-none-match' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('Access-Control-Allow-Methods')).toBe('GET, HEAD, OPTIONS')
    expect(preflight.headers.get('Access-Control-Allow-Headers')).toBe('If-None-Match, If-Modified-Since, If-Match, If-Unmodified-Since, If-Range, Cache-Control, Range')
  })

  it('sends nosniff everywhere and a strict Content-Security-Policy on pages', async () => {
    for (const path of ['/wirtschaft/feed.xml', '/', '/wirtschaft/zins.html', '/nichts']) {
      expect((await get(path)).headers.get('X-Content-Type-Options')).toBe('nosniff')
    }
    const page = await get('/wirtschaft/zins.html')
    expect(page.headers.get('Content-Security-Policy')).toBe(
      "default-src 'none'; style-src 'self' https://www.example.de; style-src-attr 'unsafe-inline'; img-src 'self' https: http:; media-src 'self' https: http:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    )
    expect((await get('/wirtschaft/feed.xml')).headers.get('Content-Security-Policy')).toBeNull()
  })

  it('credits the desk on the page of an article without a byline, as the feeds do', async () => {
    // zins.md names no author; ki.md names Lea Voigt.
    expect(await (await get('/wirtschaft/zins.html')).text()).toContain(' · von Wirtschaftsredaktion</p>')
    expect(await (await get('/wirtschaft/ki.html')).text()).toContain(' · von Lea Voigt</p>')
  })

  it('reports health: published articles and the time of the last content load', async () => {
    const response = await get('/healthz')
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*')
    expect(response.headers.get('Content-Type')).toBe('application/json')
    expect(await response.json()).toEqual({
      status: 'ok',
      published: 3,
      publishedInSection: 3,
      refused: 0,
      lastLoad: '2026-01-01T00:00:00.000Z',
      nextPublication: null,
    })
  })
})
