import { describe, expect, it } from 'vitest'
import { failingInflates, LARGE_BODY } from '../helpers/large-documents.js'
import { createApp } from '../../src/http/app.js'
import { userAgentFamily } from '../../src/http/user-agent-family.js'
import { testApp } from '../helpers/test-app.js'
import { articleText } from '../helpers/temp-dir.js'

const files = { 'zins.md': articleText({ title: 'Zins', date: '2025-01-01T10:00:00Z', category: 'wirtschaft', tags: '[KI]' }) }

/** The app over `files` (or `articles`) with its own logger: the lines it wrote, with their fields. */
async function logged(env: Record<string, string>, articles: Record<string, string> = files) {
  const { config, store } = await testApp(articles, env)
  const lines: [string, Record<string, unknown> | undefined][] = []
  const logger = { info: (line: string, fields?: object) => lines.push([line, fields as Record<string, unknown>]), warn: () => {} }
  return { app: createApp({ config, store, logger, now: () => Date.parse('2026-01-01T00:00:00Z') }), lines }
}

describe('userAgentFamily', () => {
  it.each([
    ['Feedly/1.0 (+http://www.feedly.com/fetcher.html; 52 subscribers; )', 'feedly'],
    ['Inoreader/1.0 (+http://www.inoreader.com/feed-fetcher; 3 subscribers; )', 'inoreader'],
    ['NetNewsWire (RSS Reader; https://netnewswire.com/)', 'netnewswire'],
    ['Newsboat/2.36 (Linux x86_64)', 'newsboat'],
    ['AppleCoreMedia/1.0.0.21A329 (iPhone; U; CPU OS 17_0 like Mac OS X; de_de)', 'apple-podcasts'],
    ['curl/8.5.0', 'curl'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'browser'],
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'googlebot'],
    ['MeinEigenerLeser/0.1', 'other'],
    [`Feedly/1.0 ${'x'.repeat(600)}`, 'other'],
    ['', 'none'],
    [undefined, 'none'],
  ])('names %j as %s', (agent, family) => {
    expect(userAgentFamily(agent)).toBe(family)
  })
})

describe('the access log', () => {
  it('logs each request with ACCESS_LOG=1: method, route family, status, bytes, duration and User-Agent family, never the path', async () => {
    const { app, lines } = await logged({ ACCESS_LOG: '1' })
    const feed = await app.request('/wirtschaft/feed.xml', { headers: { 'User-Agent': 'curl/8.5.0', 'Accept-Encoding': 'gzip' } })
    const length = Number(feed.headers.get('Content-Length'))
    await app.request('/wirtschaft/feed.xml', { method: 'HEAD', headers: { 'User-Agent': 'curl/8.5.0', 'Accept-Encoding': 'gzip' } })
    await app.request('/wirtschaft/plus/t0k3n/feed.xml?token=t0k3n')
    expect(lines.map(([line, { durationMs, ...fields } = {}]) => [line.replace(/, [\d.]+ ms,/, ', … ms,'), fields, typeof durationMs])).toEqual([
      [`request: GET feed 200, ${length} bytes, … ms, curl`, { method: 'GET', route: 'feed', status: 200, bytes: length, agent: 'curl' }, 'number'],
      ['request: HEAD feed 200, 0 bytes, … ms, curl', { method: 'HEAD', route: 'feed', status: 200, bytes: 0, agent: 'curl' }, 'number'],
      // A subscriber path is counted as `plus` (here without PLUS_SECRET: 404), never by its path.
      ['request: GET plus 404, ' + String(lines[2]?.[1]?.bytes) + ' bytes, … ms, none', expect.objectContaining({ route: 'plus', status: 404 }), 'number'],
    ])
    expect(JSON.stringify(lines)).not.toContain('t0k3n')
  })

  it('logs a 500 with the bytes it sent, and sends it with the headers of every short answer (a large feed whose bytes fail to inflate)', async () => {
    // A feed of 600 KB: its identity bytes are held as Brotli once compressed, and inflated when asked for.
    const large = { ...files, 'gross.md': articleText({ title: 'Gross', date: '2025-06-06T08:00:00+02:00', category: 'wirtschaft' }, LARGE_BODY) }
    const { app, lines } = await logged({ ACCESS_LOG: '1' }, large)
    const inflate = failingInflates()
    try {
      const response = await app.request('/wirtschaft/feed.xml')
      const headers = ['Cache-Control', 'X-Content-Type-Options', 'Access-Control-Allow-Origin', 'Content-Length'].map((name) => response.headers.get(name))
      expect([response.status, headers, await response.text()]).toEqual([500, ['no-store', 'nosniff', '*', '22'], 'Internal server error\n'])
    } finally {
      inflate.mockRestore()
    }
    // Before: `0 bytes`, the 500 having no Content-Length for the log to read.
    expect(lines.map(([line]) => line.replace(/, [\d.]+ ms,/, ', … ms,'))).toEqual(['request: GET feed 500, 22 bytes, … ms, none'])
  })

  it('logs nothing per request without ACCESS_LOG', async () => {
    const { app, lines } = await logged({})
    for (const path of ['/wirtschaft/feed.xml', '/', '/healthz', '/nichts']) expect((await app.request(path)).status).toBeLessThan(500)
    expect(lines).toEqual([])
  })
})
