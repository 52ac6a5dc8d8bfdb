/**
 * No token in a log line or a metric label (issue 13): the built service
 * with ACCESS_LOG=1 and metrics, asked with good and bad tokens, and the
 * app's error log when a subscriber request fails on the server's side.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createApp } from '../../src/http/app.js'
import { mintToken } from '../../src/plus/token.js'
import { createLogger } from '../../src/util/create-logger.js'
import { copyBundledSite } from '../helpers/bundled-site.js'
import { addPlusArticles, PLUS_AUDIO, PLUS_SECRET } from '../helpers/plus-instance.js'
import { startServer, startServerWithMetrics, type RunningServer } from '../helpers/server-process.js'
import { testApp } from '../helpers/test-app.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
let site: ReturnType<typeof copyBundledSite>
let server: RunningServer & { readonly metricsPort: number }
let metrics = ''
let output = ''
const tokens: string[] = []

beforeAll(async () => {
  site = copyBundledSite()
  addPlusArticles(site)
  const revoked = path.join(site.dir, 'widerrufen.txt')
  fs.writeFileSync(revoked, 'abo-weg\n')
  server = await startServerWithMetrics({
    ARTICLES_DIR: site.articles,
    MEDIA_DIR: site.media,
    SITE_CONFIG: path.join(ROOT, 'site.yaml'),
    STATE_DIR: path.join(site.dir, 'state'),
    ACCESS_LOG: '1',
    RESCAN_INTERVAL: '0',
    PLUS_SECRET,
    PLUS_REVOKED: revoked,
  })
  const keys = loadConfig({ PLUS_SECRET }).plus!.keys
  const good = mintToken(keys, 'abo-4711', undefined)
  const expired = mintToken(keys, 'abo-alt', Date.now() - 60_000)
  const gone = mintToken(keys, 'abo-weg', undefined)
  const forged = `${good.slice(0, -10)}${good.at(-10) === 'A' ? 'B' : 'A'}${good.slice(-9)}`
  tokens.push(good, expired, gone, forged)
  for (const token of tokens) {
    for (const file of ['feed.xml', 'atom.xml', 'feed.json', 'podcast.xml', `media/${PLUS_AUDIO}`, 'nichts.txt']) {
      await (await fetch(`${server.base}/wirtschaft/plus/${token}/${file}`, { headers: { Range: 'bytes=0-9' } })).arrayBuffer()
    }
  }
  metrics = await (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).text()
  expect(await server.stop()).toBe(0)
  output = server.output()
}, 30_000)

afterAll(async () => {
  await server?.stop()
  site?.rm()
})

/** The parts of a token that would identify it: the subscriber part and the mac. */
const secretsOf = (token: string): string[] => {
  const [, subscriber, , mac] = token.split('.')
  return [token, subscriber as string, mac as string]
}

describe('log hygiene of the subscriber feeds', () => {
  it('logs every request by its family, never a token or a part of one', () => {
    const requests = output.split('\n').filter((line) => line.startsWith('request: '))
    expect(requests.length).toBe(24)
    expect(requests.every((line) => line.startsWith('request: GET plus '))).toBe(true)
    const statuses = requests.map((line) => line.split(' ')[3]?.replace(',', ''))
    // Per token: the four documents and the audio (200 and 206; 410 expired; 403 revoked or forged), and a 404.
    expect(statuses.sort()).toEqual([...Array(4).fill('200'), '206', ...Array(10).fill('403'), ...Array(4).fill('404'), ...Array(5).fill('410')].sort())
    for (const token of tokens) for (const secret of secretsOf(token)) expect(output).not.toContain(secret)
    expect(output).toContain('PLUS_REVOKED: read widerrufen.txt: 1 subscriber id revoked')
  })

  it('counts the requests under the family plus in the metrics, never a path', () => {
    expect(metrics).toMatch(/wirtschaft_feeds_http_requests_total\{family="plus",method="GET",status="200"\} 4/)
    for (const token of tokens) for (const secret of secretsOf(token)) expect(metrics).not.toContain(secret)
  })

  it('redacts the token in the error log of a subscriber request that fails on the server side', async () => {
    const lines: string[] = []
    const logger = createLogger('text', { out: (line) => lines.push(line), err: (line) => lines.push(line) })
    const { config, store } = await testApp({}, { PLUS_SECRET })
    const failing = { document: () => { throw new Error(`no document for /wirtschaft/plus/${tokens[0]}/feed.xml`) }, isPlusMedia: () => false }
    const app = createApp({ config, store, logger, plus: { feeds: failing, revocations: { isRevoked: () => false } } })
    expect((await app.request(`/wirtschaft/plus/${tokens[0]}/feed.xml`)).status).toBe(500)
    expect(lines[0]).toBe('GET /wirtschaft/plus/[redacted]/feed.xml failed on the server\'s side: no document for /wirtschaft/plus/[redacted]/feed.xml')
    for (const secret of secretsOf(tokens[0]!)) expect(lines.join('\n')).not.toContain(secret)
  })
})

describe('the start', () => {
  it('is refused for a PLUS_SECRET under 32 bytes, naming the variable', async () => {
    await expect(startServer({ ARTICLES_DIR: site.articles, PLUS_SECRET: 'zu-kurz' })).rejects.toThrow(
      'configuration error: PLUS_SECRET: is 7 bytes long; it must be at least 32 bytes',
    )
  })

  it('says once, without PLUS_SECRET, that plus articles publish as teasers only', async () => {
    const plain = await startServer({ ARTICLES_DIR: site.articles, RESCAN_INTERVAL: '0' })
    await plain.stop()
    expect(plain.output().split('PLUS_SECRET is not set: plus articles publish as teasers only').length - 1).toBe(1)
  })
})
