/**
 * The built service with PURGE set: after a save it purges the changed keys
 * at the CDN before it pings the WebSub hub, purges a replaced media file,
 * purges the whole site once render workers work again after none could
 * (main.ts wires purgeOnRecovery), and reports failing purges in /healthz,
 * while it keeps publishing.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { articleSource, generateCorpus } from '../../bench/generate-corpus.js'
import { MEDIA_SLACK_MS } from '../../src/cdn/purge-record.js'
import { articleKey, FEED_KEY, MEDIA_KEY, mediaKey, SITE_KEY } from '../../src/site/cache-keys.js'
import { startPurgeStandIn, type RecordedRequest } from '../helpers/purge-stand-in.js'
import { startServer, type RunningServer } from '../helpers/server-process.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

const cleanups: (() => Promise<unknown> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** What a start with PURGE says once it has worked out every key's version: a stop before is not a clean one. */
const keysWorkedOut = /purge: cache keys worked out in \d+ ms; (\d+) to purge for what changed since the last stop\n/

const until = async (condition: () => boolean | Promise<boolean>, ms: number, what: () => string): Promise<void> => {
  const end = Date.now() + ms
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what()}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function serviceWith(answers: { status: number }[], otherwise: { status: number }, env: Record<string, string> = {}) {
  const temp = makeTempDir('purge-service-')
  cleanups.push(temp.rm)
  temp.write('site.yaml', '{}\n')
  temp.write('articles/zinsen.md', articleText({ title: 'Zinsen steigen', date: '2026-01-01T08:00:00Z', category: 'wirtschaft' }))
  temp.write('articles/bau.md', articleText({ title: 'Bau stockt', date: '2025-12-01T08:00:00Z', category: 'wirtschaft' }))
  temp.write('media/folge.mp3', Buffer.alloc(64))
  const events: string[] = []
  const varnish = await startPurgeStandIn(answers, otherwise)
  const hub = await startPurgeStandIn([], { status: 204 })
  cleanups.push(varnish.close, hub.close)
  const record = (name: string, list: RecordedRequest[]) => {
    const push = list.push.bind(list)
    list.push = (...items: RecordedRequest[]) => {
      for (const item of items) events.push(name === 'hub' ? `hub ${new URLSearchParams(item.body).get('hub.url')}` : `purge ${String(item.headers['xkey-purge'])}`)
      return push(...items)
    }
  }
  record('cdn', varnish.received)
  record('hub', hub.received)
  const serverEnv = {
    ARTICLES_DIR: path.join(temp.dir, 'articles'),
    MEDIA_DIR: path.join(temp.dir, 'media'),
    SITE_CONFIG: path.join(temp.dir, 'site.yaml'),
    PURGE: `varnish:${varnish.url}`,
    WEBSUB_HUB: `${hub.url}hub`,
    ...env,
  }
  const server: RunningServer = await startServer(serverEnv)
  cleanups.push(() => server.stop())
  return { temp, events, server, varnish, env: serverEnv }
}

/** A service as serviceWith's, with a STATE_DIR of its own and a fixed SITE_URL, so that its restarts share its purge record; `purges`: the purge events. */
async function recordedService(env: Record<string, string> = {}) {
  const state = makeTempDir('purge-record-state-')
  cleanups.push(state.rm)
  const service = await serviceWith([], { status: 200 }, { STATE_DIR: state.dir, SITE_URL: 'https://www.example.de', ...env })
  return { ...service, purges: () => service.events.filter((event) => event.startsWith('purge')) }
}

/** Until `server` has worked out its keys' versions and sent its start's purge: a stop before is not a clean one. */
const keysWorkedOutBy = (server: RunningServer) => until(() => keysWorkedOut.test(server.output()), 10_000, () => server.output())

describe('the service purging its CDN', () => {
  it('purges exactly the changed keys after a save, before it pings the hub', async () => {
    const { temp, events, server } = await serviceWith([], { status: 200 })
    // The first load purges nothing and pings nothing it has not changed.
    await new Promise((resolve) => setTimeout(resolve, 300))
    events.length = 0
    fs.writeFileSync(path.join(temp.dir, 'articles/zinsen.md'), articleText({ title: 'Zinsen sinken', date: '2026-01-01T08:00:00Z', category: 'wirtschaft' }))
    await until(() => events.filter((event) => event.startsWith('hub')).length === 3, 10_000, () => events.join('\n') + server.output())
    expect(events[0]).toBe(`purge ${[articleKey('/wirtschaft/zinsen.html'), 'any'].sort().join(' ')}`)
    expect(events.slice(1).sort()).toEqual([
      `hub ${server.base}/wirtschaft/atom.xml`,
      `hub ${server.base}/wirtschaft/feed.json`,
      `hub ${server.base}/wirtschaft/feed.xml`,
    ])
    expect(events).not.toContain(`purge ${FEED_KEY}`)
  })

  it('sends a change\'s purge at a SIGTERM while its gzip and Brotli are made, before the exit', async () => {
    // A feed of about 176 KB: its gzip and Brotli take milliseconds on the thread pool, which its purge waits for.
    // Closed meanwhile, the purger dropped it (6 stops of 6), and the next start purges nothing: the CDN kept the
    // replaced feed for CDN_MAX_AGE.
    const temp = makeTempDir('purge-stop-')
    cleanups.push(temp.rm)
    const articles = path.join(temp.dir, 'articles')
    generateCorpus(articles, 60)
    const varnish = await startPurgeStandIn([], { status: 200 })
    cleanups.push(varnish.close)
    const server = await startServer({ ARTICLES_DIR: articles, PURGE: `varnish:${varnish.url}` })
    cleanups.push(() => server.stop())
    await new Promise((resolve) => setTimeout(resolve, 300))
    const before = varnish.received.length
    fs.writeFileSync(path.join(articles, '001', 'meldung-60.md'), articleSource(60, 'Nachgefragt vor dem Stopp'))
    // Stopped as soon as the edit is served: its gzip is being made, or just made.
    await until(async () => (await (await fetch(`${server.base}/wirtschaft/feed.xml`, { headers: { 'Accept-Encoding': 'gzip' } })).text()).includes('Nachgefragt vor dem Stopp'), 10_000, () => server.output())
    expect(await server.stop()).toBe(0)
    expect(varnish.received.slice(before).map((request) => `${request.method} ${String(request.headers['xkey-purge'])}`)).toEqual([
      `PURGE ${articleKey('/wirtschaft/meldung-60.html')} any`,
    ])
  })

  it('purges at a start what changed while it was stopped (PurgeRecord), and the whole site after a kill', async () => {
    // Before, a start purged nothing: an article edited or a media file replaced during a deploy's restart kept
    // their CDN copies of before for CDN_MAX_AGE.
    const { temp, events, server, env, purges } = await recordedService()
    // A first start on this STATE_DIR purges nothing. Stopped once its keys are worked out (a stop before is not a clean
    // one), and once MEDIA_DIR is older than the stop's slack (MEDIA_SLACK_MS): a folder changed since counts as a file
    // removed, and every media file is purged.
    await keysWorkedOutBy(server)
    await new Promise((resolve) => setTimeout(resolve, MEDIA_SLACK_MS + 200))
    expect(keysWorkedOut.exec(server.output())?.[1]).toBe('0')
    // Once the service serves: worked out in the start, they held up serving 0.9 s at 50,000 articles.
    expect(server.output().indexOf('serving ')).toBeLessThan(server.output().search(keysWorkedOut))
    expect(purges()).toEqual([])
    expect(await server.stop()).toBe(0)
    fs.writeFileSync(path.join(temp.dir, 'articles/bau.md'), articleText({ title: 'Bau zieht an', date: '2025-12-01T08:00:00Z', category: 'wirtschaft' }))
    // Replaced in place while stopped: no key's version tells it; the record's media mark (a time) does.
    fs.writeFileSync(path.join(temp.dir, 'media/folge.mp3'), Buffer.alloc(128))

    const again = await startServer(env)
    cleanups.push(() => again.stop())
    // The article's purge goes with the first state, the media file's once MEDIA_DIR was looked at: one request or two.
    const purged = () => new Set(purges().flatMap((event) => event.slice('purge '.length).split(' ')))
    await until(() => purged().has(mediaKey('folge.mp3')) && purged().has(articleKey('/wirtschaft/bau.html')), 10_000, () => events.join('\n') + again.output())
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect([...purged()].sort()).toEqual([articleKey('/wirtschaft/bau.html'), mediaKey('folge.mp3'), 'any'].sort())
    expect(again.output()).toContain('purge: the last run stopped with every purge through; the first state purges what changed since\n')
    expect(keysWorkedOut.exec(again.output())?.[1]).toBe('3')

    // Replaced as the stop begins, within the watch's debounce or before it saw the file: the next start purges it
    // (a standing gap before: the watch closed with the file unreported, and nothing purged it).
    await new Promise((resolve) => setTimeout(resolve, 300))
    fs.writeFileSync(path.join(temp.dir, 'media/folge.mp3'), Buffer.alloc(256))
    expect(await again.stop()).toBe(0)
    expect(again.output()).not.toContain('cdn-purges.v1')
    events.length = 0
    const third = await startServer(env)
    cleanups.push(() => third.stop())
    await until(() => purged().has(mediaKey('folge.mp3')), 10_000, () => events.join('\n') + third.output())
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(purges()).toEqual([`purge ${mediaKey('folge.mp3')} any`])

    // Killed: nothing says what the CDN was told last, and the next start purges everything.
    third.child.kill('SIGKILL')
    await third.stop()
    events.length = 0
    const fourth = await startServer(env)
    cleanups.push(() => fourth.stop())
    await until(() => purges().length > 0, 10_000, () => events.join('\n') + fourth.output())
    expect(purges()).toEqual([`purge ${SITE_KEY}`])
  })

  it('purges the feeds at a start when an article was added while it was stopped, dated before the newest', async () => {
    // The record kept 16 characters of each version: of `feed`'s, the number of archive pages and the newest date,
    // which such an article changes neither of; the CDN kept the feeds and the index page without it.
    const { temp, events, server, env, purges } = await recordedService()
    await keysWorkedOutBy(server)
    expect(await server.stop()).toBe(0)
    fs.writeFileSync(path.join(temp.dir, 'articles/mitte.md'), articleText({ title: 'Mitte des Monats', date: '2025-12-15T08:00:00Z', category: 'wirtschaft' }))
    const again = await startServer(env)
    cleanups.push(() => again.stop())
    await until(() => purges().length > 0, 10_000, () => events.join('\n') + again.output())
    expect(purges()[0]?.split(' ')).toEqual(expect.arrayContaining([articleKey('/wirtschaft/mitte.html'), FEED_KEY, 'any']))
  })

  it('purges the whole site at a start whose site name or site.yaml changed while it was stopped', async () => {
    // No key's version holds them: the start purged nothing, and the CDN kept every document with the old name.
    const { events, server, env, purges } = await recordedService()
    await keysWorkedOutBy(server)
    expect(await server.stop()).toBe(0)
    const again = await startServer({ ...env, SITE_NAME: 'Das andere Blatt' })
    cleanups.push(() => again.stop())
    await until(() => purges().length > 0, 10_000, () => events.join('\n') + again.output())
    expect(purges()).toEqual([`purge ${SITE_KEY}`])
    expect(again.output()).toContain('purge: the last run purged another CDN, or served another SITE_URL or site settings: the first state purges the whole site (key site)\n')
  })

  it('purges every media file at a start after MEDIA_DIR was swapped for another folder just before the stop', async () => {
    // A deploy: a `current` link turned to the new release, then a restart, before the one-second look at MEDIA_DIR
    // saw it. The stop marked the new folder as the one served; the start found the same folder, its files older than
    // the mark, and purged nothing: the CDN kept the old release's media (and the lengths it stated) for MEDIA_MAX_AGE.
    const releases = makeTempDir('purge-record-releases-')
    cleanups.push(releases.rm)
    releases.write('a/media/folge.mp3', Buffer.alloc(64))
    releases.write('b/media/folge.mp3', Buffer.alloc(128))
    fs.symlinkSync(path.join(releases.dir, 'a'), path.join(releases.dir, 'current'))
    const media = path.join(releases.dir, 'current', 'media')
    const { events, server, env, purges } = await recordedService({ MEDIA_DIR: media })
    await keysWorkedOutBy(server)
    await new Promise((resolve) => setTimeout(resolve, MEDIA_SLACK_MS + 200))
    fs.symlinkSync(path.join(releases.dir, 'b'), path.join(releases.dir, 'next'))
    fs.renameSync(path.join(releases.dir, 'next'), path.join(releases.dir, 'current'))
    expect(await server.stop()).toBe(0)
    events.length = 0
    const again = await startServer(env)
    cleanups.push(() => again.stop())
    await keysWorkedOutBy(again)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(purges()).toEqual([`purge ${MEDIA_KEY} any`])
  })

  it('purges a media file replaced under MEDIA_DIR', async () => {
    const { temp, events, server } = await serviceWith([], { status: 200 })
    await new Promise((resolve) => setTimeout(resolve, 300))
    fs.writeFileSync(path.join(temp.dir, 'media/folge.mp3'), Buffer.alloc(128))
    // With ANY_KEY: a view too large to name its keys may show the file (cdn-headers.ts).
    await until(() => events.includes(`purge ${mediaKey('folge.mp3')} any`), 10_000, () => events.join('\n') + server.output())
  })

  it('says in /healthz that purges fail while they are retried, publishes meanwhile, and is ok again once one goes through', async () => {
    // Two refusals, then purges work: the retries after 1 s and 2 s leave /healthz degraded for about 3 s.
    const { temp, server, varnish } = await serviceWith([{ status: 503 }, { status: 503 }], { status: 200 })
    const health = async () => {
      const response = await fetch(`${server.base}/healthz`)
      const body = (await response.json()) as { status: string; reasons?: string[] }
      return { code: response.status, status: body.status, reasons: body.reasons }
    }
    fs.writeFileSync(path.join(temp.dir, 'articles/bau.md'), articleText({ title: 'Bau zieht an', date: '2025-12-01T08:00:00Z', category: 'wirtschaft' }))
    let degraded = await health()
    await until(async () => (degraded = await health()).code === 503, 10_000, () => JSON.stringify(degraded) + server.output())
    const page = await (await fetch(`${server.base}/wirtschaft/bau.html`)).text()
    expect(page).toContain('Bau zieht an')
    // Retried after 1 s, 2 s …: how many times it failed by now depends on the machine.
    expect({ ...degraded, reasons: degraded.reasons?.map((reason) => reason.replace(/failed \d+ time/, 'failed N time')) }).toEqual({
      code: 503,
      status: 'degraded',
      reasons: [
        `purging 2 cache key(s) at ${varnish.url} failed N time(s) (Varnish answered 503); the CDN may serve stale copies of them until a retry succeeds`,
      ],
    })
    let healthy = degraded
    await until(async () => (healthy = await health()).code === 200, 15_000, () => JSON.stringify(healthy) + server.output())
    expect(healthy).toEqual({ code: 200, status: 'ok', reasons: undefined })
    expect(varnish.received.length).toBeGreaterThanOrEqual(3)
  })

  it('purges the whole site once render workers start again after none could, not while none can', { timeout: 60_000 }, async () => {
    // No render worker can start until the test removes the file (tests/fixtures/start/no-render-workers.mjs).
    const blocked = makeTempDir('no-render-workers-')
    cleanups.push(blocked.rm)
    const flag = blocked.write('blocked', '')
    const preload = fileURLToPath(new URL('../fixtures/start/no-render-workers.mjs', import.meta.url))
    const { events, server } = await serviceWith([], { status: 200 }, { NODE_OPTIONS: `--import=${preload}`, NO_RENDER_WORKERS_WHILE: flag })
    const health = async () => {
      const response = await fetch(`${server.base}/healthz`)
      const body = (await response.json()) as { status: string; reasons?: string[] }
      return { code: response.status, status: body.status, reasons: body.reasons }
    }
    // Served meanwhile, bodies as plain text: the CDN caches those, and no change purges them (no key changes).
    expect(await health()).toEqual({
      code: 503,
      status: 'degraded',
      reasons: ['render workers: cannot start a worker: Modul fehlt; documents render in the main thread, bodies are published as plain text'],
    })
    const purges = () => events.filter((event) => event.startsWith('purge'))
    expect(purges()).toEqual([])
    fs.rmSync(flag)
    // The pool tries a worker after a pause that doubles with each failed start (1 s, 2 s, 4 s …): generous for a loaded machine.
    await until(() => purges().length > 0, 40_000, () => events.join('\n') + server.output())
    expect(purges()).toEqual([`purge ${SITE_KEY}`])
    expect(await health()).toEqual({ code: 200, status: 'ok', reasons: undefined })
  })
})
