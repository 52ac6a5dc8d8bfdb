import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { createPurgeClient } from '../../src/cdn/purge-clients.js'
import { PURGE_WAIT_MS, purgeOnChange, READY_WAIT_MS } from '../../src/cdn/purge-on-change.js'
import { MAX_PURGE_REQUESTS, Purger } from '../../src/cdn/purger.js'
import { changedKeys } from '../../src/site/key-changes.js'
import { startPurgeStandIn } from '../helpers/purge-stand-in.js'
import { collected } from '../helpers/collected.js'
import { seenAtTurns, spin } from '../helpers/loop-delay.js'

const closers: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

const until = async (condition: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

async function fastlyPurger(answers: { status: number; body?: string; headers?: Record<string, string> }[]) {
  const api = await startPurgeStandIn(answers, { status: 200, body: '{}' })
  const lines: string[] = []
  const purger = new Purger({
    client: createPurgeClient({ provider: 'fastly', serviceId: 'svc', token: 't' }, { fastly: api.url }),
    logger: { info: (line) => lines.push(line), warn: (line) => lines.push(line) },
    retryDelayMs: 20,
    maxRetryDelayMs: 200,
  })
  closers.push(api.close, () => purger.close())
  return { api, purger, lines }
}

/** A state of the site as purgeOnChange sees it: its plan's key versions. */
const plan = (keys: Record<string, string>) => ({ plan: { keys: new Map(Object.entries(keys)) } })

/** A change from `{ feed: '1' }` to `{ feed: '2' }` heard by `listener`, its two states known only by weak references. */
function changeHeardBy(listener: (previous: ReturnType<typeof plan>, current: ReturnType<typeof plan>) => void): [WeakRef<object>, WeakRef<object>] {
  const previous = plan({ feed: '1' })
  const current = plan({ feed: '2' })
  listener(previous, current)
  return [new WeakRef(previous), new WeakRef(current)]
}

/** Whether each of the two states was garbage-collected. */
const bothCollected = async ([previous, current]: [WeakRef<object>, WeakRef<object>]): Promise<boolean[]> => [await collected(previous), await collected(current)]

const keysOf = (body: string) => (JSON.parse(body) as { surrogate_keys: string[] }).surrogate_keys

describe('Purger', () => {
  it('retries a failed purge with growing waits until it goes through, and says so in problems() meanwhile', async () => {
    const { api, purger, lines } = await fastlyPurger([{ status: 503 }, { status: 500, body: '{"msg":"internal"}' }])
    const first = purger.purge(['feed', 'a-1'])
    await first
    expect(purger.problems()).toEqual([
      'purging 2 cache key(s) at Fastly service svc failed 1 time(s) (Fastly answered 503); the CDN may serve stale copies of them until a retry succeeds',
    ])
    await until(() => api.received.length === 3)
    await purger.idle()
    expect(api.received.map((request) => keysOf(request.body))).toEqual([['feed', 'a-1'], ['feed', 'a-1'], ['feed', 'a-1']])
    expect(purger.problems()).toEqual([])
    expect(lines).toEqual([
      'purge: 2 key(s) at Fastly service svc failed (Fastly answered 503); retry in 20 ms',
      'purge: 2 key(s) at Fastly service svc failed (Fastly answered 500: internal); retry in 40 ms',
      'purge: purged 2 key(s) at Fastly service svc',
      'purge: Fastly service svc purges again after 2 failed attempt(s)',
    ])
  })

  it('logs the recovery line with its target and attempt, like the other purge lines', async () => {
    const api = await startPurgeStandIn([{ status: 503 }], { status: 200, body: '{}' })
    const entries: { line: string; fields: unknown }[] = []
    const log = (line: string, fields?: unknown) => entries.push({ line, fields })
    const purger = new Purger({
      client: createPurgeClient({ provider: 'fastly', serviceId: 'svc', token: 't' }, { fastly: api.url }),
      logger: { info: log, warn: log },
      retryDelayMs: 20,
      maxRetryDelayMs: 200,
    })
    closers.push(api.close, () => purger.close())
    await purger.purge(['feed'])
    await until(() => api.received.length === 2)
    await purger.idle()
    expect(entries.slice(1)).toEqual([
      { line: 'purge: purged 1 key(s) at Fastly service svc', fields: { target: 'Fastly service svc', attempt: 2 } },
      { line: 'purge: Fastly service svc purges again after 1 failed attempt(s)', fields: { target: 'Fastly service svc', attempt: 2 } },
    ])
  })

  it('waits as long as a 429 asks (Retry-After), within its longest wait', async () => {
    const { api, purger, lines } = await fastlyPurger([{ status: 429, headers: { 'Retry-After': '1' } }])
    await purger.purge(['feed'])
    expect(lines).toEqual(['purge: 1 key(s) at Fastly service svc failed (Fastly answered 429); retry in 200 ms'])
    await until(() => api.received.length === 2)
  })

  it('sends keys that failed again together with keys that came meanwhile', async () => {
    const { api, purger } = await fastlyPurger([{ status: 502 }])
    await purger.purge(['feed'])
    await purger.purge(['t-ezb'])
    await purger.idle()
    expect(api.received.map((request) => keysOf(request.body))).toEqual([['feed'], ['feed', 't-ezb']])
    expect(purger.problems()).toEqual([])
  })

  it('purges every document (key `doc`) in one request in place of keys that would take more than 16 requests, and says so', async () => {
    const { api, purger, lines } = await fastlyPurger([])
    const keys = (count: number, from = 0) => Array.from({ length: count }, (_, n) => `a-${from + n}`)
    expect(MAX_PURGE_REQUESTS).toBe(16)
    await purger.purge(keys(256 * 16))
    await purger.idle()
    expect(api.received.map((request) => keysOf(request.body).length)).toEqual(Array(16).fill(256))
    await purger.purge(keys(256 * 16 + 1, 10_000))
    await purger.idle()
    expect(api.received.slice(16).map((request) => keysOf(request.body))).toEqual([['doc']])
    expect(lines.at(-2)).toBe('purge: 4097 key(s) waiting at Fastly service svc would take more than 16 requests; purging every document (key doc) instead')
  })

  it('keeps the media keys among them, which `doc` does not cover: a media file\'s own key, or `media` for more than a request of them', async () => {
    const { api, purger, lines } = await fastlyPurger([])
    const articles = Array.from({ length: 5000 }, (_, n) => `a-${n}`)
    await purger.purge([...articles, 'm-podcast/folge-1.mp3', 'any'])
    await purger.idle()
    expect(api.received.map((request) => keysOf(request.body))).toEqual([['doc', 'm-podcast/folge-1.mp3']])
    expect(lines[0]).toBe('purge: 5002 key(s) waiting at Fastly service svc would take more than 16 requests; purging every document (key doc) and 1 media key(s) instead')
    await purger.purge([...articles, ...Array.from({ length: 256 }, (_, n) => `m-bild-${n}.jpg`)])
    await purger.idle()
    expect(api.received.slice(1).map((request) => keysOf(request.body))).toEqual([['doc', 'media']])
  })

  it('sends nothing and logs nothing once closed', async () => {
    const { api, purger, lines } = await fastlyPurger([])
    purger.close()
    await purger.purge(Array.from({ length: 5000 }, (_, n) => `a-${n}`))
    expect([api.received.length, lines]).toEqual([0, []])
  })

  it('says whether every key went through (delivered): not while a retry waits, nor for keys that came after close()', async () => {
    // The stop's purge record (restart-purges.ts) is written only when it says so: a recovery's `site` purge coming
    // after close() was dropped while delivered() said true, and the next start trusted a clean record.
    const { purger } = await fastlyPurger([{ status: 503 }])
    expect(purger.delivered()).toBe(true)
    await purger.purge(['feed'])
    expect(purger.delivered()).toBe(false)
    await until(() => purger.delivered())
    purger.close()
    await purger.purge(['site'])
    expect(purger.delivered()).toBe(false)
  })

  it('sends at a stop the keys of every change waiting, not only the first: those queued behind its request went nowhere once closed', async () => {
    // main.ts's stop: changePurges.now(), then purger.close(). Each change held (for its gzip and Brotli, then `warm`:
    // seconds in a burst of edits at 40,000 articles) is one purge() call; the first one's request was in flight at
    // close(), the run after it sent nothing, delivered() stayed false, and the next start purged the whole site.
    const { api, purger } = await fastlyPurger([])
    const changePurges = purgeOnChange({ purge: (keys) => purger.purge(keys), ready: () => new Promise(() => {}), warm: () => new Promise(() => {}) })
    changePurges(plan({ feed: '1', 'a-x': '1' }), plan({ feed: '2', 'a-x': '1' }))
    changePurges(plan({ feed: '2', 'a-x': '1' }), plan({ feed: '2', 'a-x': '2' }))
    changePurges.now()
    purger.close()
    await purger.idle()
    expect(api.received.flatMap((request) => keysOf(request.body)).sort()).toEqual(['a-x', 'any', 'any', 'feed'])
    expect(purger.delivered()).toBe(true)
  })

  it('purges `site` alone when it is among the keys: every document carries it', async () => {
    const { api, purger } = await fastlyPurger([])
    await purger.purge(['feed', 'site', 'a-1'])
    await purger.idle()
    expect(api.received.map((request) => keysOf(request.body))).toEqual([['site']])
  })

  it('holds no more than 16 requests of keys while the API is down: the backlog of an outage becomes `doc`, and later keys but media add nothing to it', async () => {
    const { api, purger } = await fastlyPurger([{ status: 503 }, { status: 503 }, { status: 503 }])
    await purger.purge(Array.from({ length: 3000 }, (_, n) => `a-${n}`))
    expect(purger.problems()).toEqual([
      'purging 3000 cache key(s) at Fastly service svc failed 1 time(s) (Fastly answered 503); the CDN may serve stale copies of them until a retry succeeds',
    ])
    await purger.purge(Array.from({ length: 1200 }, (_, n) => `t-${n}`))
    expect(purger.problems()).toEqual([
      'purging every document (key doc) at Fastly service svc failed 2 time(s) (Fastly answered 503); the CDN may serve stale copies of them until a retry succeeds',
    ])
    await purger.purge(['feed', 'a-x', 'm-bild.jpg'])
    await until(() => api.received.length === 4)
    await purger.idle()
    // The first request of 3,000 keys, then `doc` alone, failed, then with the media key, failed, then through.
    expect(api.received.map((request) => keysOf(request.body).slice(0, 2))).toEqual([['a-0', 'a-1'], ['doc'], ['doc', 'm-bild.jpg'], ['doc', 'm-bild.jpg']])
    expect(purger.problems()).toEqual([])
  })

  it('never rejects: an API that cannot be reached is a problem, retried', async () => {
    const purger = new Purger({
      client: createPurgeClient({ provider: 'varnish', url: 'http://127.0.0.1:9/' }),
      logger: { info: () => {}, warn: () => {} },
      retryDelayMs: 60_000,
    })
    closers.push(() => purger.close())
    await expect(purger.purge(['feed'])).resolves.toBeUndefined()
    expect(purger.problems()[0]).toMatch(/^purging 1 cache key\(s\) at http:\/\/127\.0\.0\.1:9\/ failed 1 time\(s\) \(TypeError: fetch failed/)
  })
})

describe('purgeOnChange', () => {
  /** A purge that notes its keys in `events`. */
  const noted = (events: string[]) => async (keys: readonly string[]) => void events.push(`purge ${keys.join(' ')}`)
  /** A state's gzip and Brotli being made: `ready` resolves once `compressed()` is called. */
  const compressing = () => {
    let compressed = () => {}
    const ready = new Promise<void>((resolve) => (compressed = resolve))
    return { ready, compressed }
  }

  it('purges the keys whose versions changed, then pings, in that order', async () => {
    const events: string[] = []
    const listener = purgeOnChange({
      purge: noted(events),
      then: () => events.push('ping'),
    })
    listener(plan({ feed: '1', 'a-x': '1', 'a-y': '1' }), plan({ feed: '2', 'a-x': '1', 'a-z': '1' }))
    await until(() => events.length === 2)
    expect(events).toEqual(['purge a-y a-z any feed', 'ping'])
  })

  it('purges once the new state is ready (its gzip and Brotli made), then pings: the CDN keeps its old copy meanwhile', async () => {
    const events: string[] = []
    const { ready, compressed } = compressing()
    const listener = purgeOnChange({
      purge: noted(events),
      then: () => events.push('ping'),
      ready: (current) => (events.push(`ready? ${current.plan.keys.get('feed')}`), ready),
    })
    listener(plan({ feed: '1' }), plan({ feed: '2' }))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(events).toEqual(['ready? 2'])
    compressed()
    await until(() => events.length === 3)
    expect(events).toEqual(['ready? 2', 'purge any feed', 'ping'])
  })

  it('purges after at most readyWaitMs (2 s by default) when the new state is not ready', async () => {
    const events: string[] = []
    const listener = purgeOnChange({ purge: async () => void events.push('purge'), then: () => events.push('ping'), ready: () => new Promise(() => {}), readyWaitMs: 30 })
    listener(plan({ feed: '1' }), plan({ feed: '2' }))
    expect(events).toEqual([])
    await until(() => events.length === 2)
    expect(events).toEqual(['purge', 'ping'])
  })

  it('sends the purges waiting for their state\'s gzip and Brotli at once when asked (a stop), each once, then pings', async () => {
    const events: string[] = []
    const { ready, compressed } = compressing()
    const listener = purgeOnChange({ purge: noted(events), then: () => events.push('ping'), ready: () => ready })
    listener(plan({ feed: '1' }), plan({ feed: '2' }))
    listener(plan({ feed: '2', 'a-x': '1' }), plan({ feed: '2', 'a-x': '2' }))
    expect(events).toEqual([])
    listener.now()
    // At once, in the call: the purger is closed right after it (main.ts).
    expect(events).toEqual(['purge any feed', 'purge a-x any'])
    await until(() => events.length === 4)
    compressed()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(events).toEqual(['purge any feed', 'purge a-x any', 'ping', 'ping'])
  })

  it('holds every change\'s purge until `warm` has worked the first state\'s versions out, then works each one\'s keys out with `changes`; a stop sends a held one at once', async () => {
    // At 50,000 articles the first edit after a start worked out every article's version in one go, every answer
    // waiting over a second; and both states' versions of every key took 50-125 ms a change, 105-281 ms in a burst.
    // `warm` (SitePlan.warmKeys) works the first state's out with the event loop turning, once; `changes`
    // (SitePlan.changedSince) works each change's keys out from what differs, with the event loop turning too.
    const events: string[] = []
    const state = (keys: Record<string, string>, name: string) => ({ name, plan: { name, keys: new Map(Object.entries(keys)) } })
    type State = ReturnType<typeof state>
    const warming: (() => void)[] = []
    const warmed = () => warming.splice(0).forEach((resolve) => resolve())
    const changePurges = purgeOnChange<State>({
      purge: noted(events),
      then: () => events.push('ping'),
      warm: (plan) => (events.push(`warm ${plan.name}`), new Promise<void>((resolve) => warming.push(resolve))),
      changes: function* (before, after) {
        events.push(`changes ${before.name} ${after.name}`)
        yield
        return changedKeys(before.keys, after.keys)
      },
    })
    changePurges(state({ feed: '1' }, 's0'), state({ feed: '2' }, 's1'))
    changePurges(state({ feed: '2' }, 's1'), state({ feed: '2', 'a-x': '1' }, 's2'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(events).toEqual(['warm s0'])
    expect(changePurges.settled()).toBe(false)
    warmed()
    await until(() => events.filter((event) => event === 'ping').length === 2)
    expect(events.slice(1)).toEqual(['changes s0 s1', 'changes s1 s2', 'purge any feed', 'purge a-x any', 'ping', 'ping'])
    expect(changePurges.settled()).toBe(true)
    // Warmed once: the next changes, a burst of them too, are each worked out by `changes`, no state warmed again.
    events.length = 0
    changePurges(state({ feed: '2' }, 's2'), state({ feed: '3' }, 's3'))
    changePurges(state({ feed: '3' }, 's3'), state({ feed: '4' }, 's4'))
    expect(events).toEqual([])
    await until(() => events.filter((event) => event === 'ping').length === 2)
    expect(events).toEqual(['changes s2 s3', 'changes s3 s4', 'purge any feed', 'purge any feed', 'ping', 'ping'])
    expect(warming).toEqual([])
    expect(changePurges.settled()).toBe(true)

    // Another service: a stop while the first change is held works its versions out and sends it in the call.
    const stopped: string[] = []
    const held = purgeOnChange({ purge: noted(stopped), warm: () => new Promise(() => {}) })
    held(plan({ feed: '1' }), plan({ feed: '2' }))
    expect(stopped).toEqual([])
    held.now()
    expect(stopped).toEqual(['purge any feed'])
    expect(held.settled()).toBe(true)
  })

  it('works the keys a held change purges out with the event loop turning once `warm` is done: at 50,000, in one go, 13–50 ms an edit', async () => {
    let asked = 0
    const versions = (edited: number) => new Map(Array.from({ length: 5000 }, (_, i) => [`a-${i}`, i === edited ? 'neu' : `v${i}`]))
    // Each comparison as long as at 50,000 keys times 40, so that 5,000 take 50 ms.
    const slow = versions(-1)
    const get = slow.get.bind(slow)
    slow.get = (key: string) => (asked++, spin(0.01), get(key))
    const events: string[] = []
    const changePurges = purgeOnChange<{ plan: { keys: Map<string, string> } }>({ purge: noted(events), ready: async () => {}, warm: async () => {} })
    const seen = await seenAtTurns(
      () => asked,
      async () => {
        changePurges({ plan: { keys: slow } }, { plan: { keys: versions(7) } })
        await until(() => events.length === 1)
      },
    )
    expect(events).toEqual(['purge a-7 any'])
    expect(asked).toBe(5000)
    expect(seen.filter((done) => done > 0 && done < 5000).length).toBeGreaterThanOrEqual(3)
    expect(changePurges.settled()).toBe(true)
  })

  it('purges after a rebuild (a media file, a body rendered again) once it is swapped in and ready, or at once when asked (a stop)', async () => {
    const events: string[] = []
    let rebuild = (_: ReturnType<typeof plan>) => {}
    const { ready, compressed } = compressing()
    const changePurges = purgeOnChange({ purge: noted(events), ready: (current) => (events.push(`ready? ${current.plan.keys.get('feed')}`), ready) })
    changePurges.afterRebuild(['media-a', 'any'], new Promise((resolve) => (rebuild = resolve)))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(events).toEqual([])
    rebuild(plan({ feed: '3' }))
    await until(() => events.length === 1)
    compressed()
    await until(() => events.length === 2)
    expect(events).toEqual(['ready? 3', 'purge media-a any'])
    // A stop while a rebuild runs: sent in the call, once.
    changePurges.afterRebuild(['a-x', 'any'], new Promise(() => {}))
    changePurges.now()
    changePurges.now()
    expect(events).toEqual(['ready? 3', 'purge media-a any', 'purge a-x any'])
  })

  it('purges after a rebuild that failed with the next state swapped in (the store\'s retry), not at the failure, when the old documents are still served', async () => {
    // A media rebuild failing (rebuild-retries.ts tries it again 1 s later): purged at the failure, the CDN fetched
    // the old lengths again, and the retry, which changes no key's version, was purged by nobody.
    const events: string[] = []
    const changePurges = purgeOnChange({ purge: noted(events), ready: (current) => (events.push(`ready? ${current.plan.keys.get('feed')}`), Promise.resolve()) })
    changePurges.afterRebuild(['m-folge.mp3', 'any'], Promise.reject(new Error('kein Render-Worker')))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(events).toEqual([])
    // The retry swaps its state in: nothing changed a key's version, the owed keys go with it, once ready.
    changePurges(plan({ feed: '1' }), plan({ feed: '1' }))
    await until(() => events.length === 2)
    changePurges(plan({ feed: '1' }), plan({ feed: '2' }))
    await until(() => events.length === 4)
    expect(events).toEqual(['ready? 1', 'purge m-folge.mp3 any', 'ready? 2', 'purge any feed'])
    // Failed again, then a stop: sent in the call, once.
    changePurges.afterRebuild(['m-bild.jpg', 'any'], Promise.reject(new Error('kein Render-Worker')))
    await new Promise((resolve) => setTimeout(resolve, 20))
    changePurges.now()
    changePurges.now()
    expect(events.slice(4)).toEqual(['purge m-bild.jpg any'])
  })

  it('purges a rebuild that outlasts its wait at the wait, and again once it is swapped in; owes its keys when it then fails', async () => {
    // A rebuild past REBUILD_WAIT_MS (60 s): its purge went before the swap, and nothing purged after it, so a CDN asked
    // meanwhile kept the old documents; failing then, its keys were owed to no one (helper-147).
    const events: string[] = []
    const changePurges = purgeOnChange({ purge: noted(events), rebuildWaitMs: 30 })
    let swap = (_: ReturnType<typeof plan>) => {}
    changePurges.afterRebuild(['m-folge.mp3', 'any'], new Promise((resolve) => (swap = resolve)))
    await until(() => events.length === 1)
    swap(plan({ feed: '1' }))
    await until(() => events.length === 2)
    expect(events).toEqual(['purge m-folge.mp3 any', 'purge m-folge.mp3 any'])
    let fail = (_: Error) => {}
    changePurges.afterRebuild(['m-bild.jpg', 'any'], new Promise((_, reject) => (fail = reject)))
    await until(() => events.length === 3)
    fail(new Error('kein Render-Worker'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(changePurges.settled()).toBe(false)
    // The store's retry swaps its state in: the owed keys go with it.
    changePurges(plan({ feed: '1' }), plan({ feed: '1' }))
    await until(() => events.length === 4)
    expect(events.slice(2)).toEqual(['purge m-bild.jpg any', 'purge m-bild.jpg any'])
    expect(changePurges.settled()).toBe(true)
  })

  it('purges a failed rebuild\'s keys with the next state swapped in, not with a change held since before the failure', async () => {
    // An edit's purge held for `warm`; meanwhile a media file's rebuild fails (the store tries it again 1 s later).
    // Sent with the edit's, its keys went while the old lengths were still served, and the retry, which changes no
    // key's version, purged nothing: the CDN kept the old lengths for CDN_MAX_AGE.
    const events: string[] = []
    const warming: (() => void)[] = []
    const warmed = () => warming.splice(0).forEach((resolve) => resolve())
    const changePurges = purgeOnChange<ReturnType<typeof plan>>({ purge: noted(events), ready: () => Promise.resolve(), warm: () => new Promise<void>((resolve) => warming.push(resolve)) })
    changePurges(plan({ feed: '1' }), plan({ feed: '2' }))
    changePurges.afterRebuild(['m-folge.mp3', 'any'], Promise.reject(new Error('kein Render-Worker')))
    await until(() => warming.length === 1)
    warmed()
    await until(() => events.length === 1)
    expect(events).toEqual(['purge any feed'])
    expect(changePurges.settled()).toBe(false)
    // The retry swaps its state in: the owed keys go with it.
    changePurges(plan({ feed: '2' }), plan({ feed: '2' }))
    await until(() => events.length === 2)
    expect(events).toEqual(['purge any feed', 'purge m-folge.mp3 any'])
    expect(changePurges.settled()).toBe(true)
  })

  it('holds neither state while the purge waits for the new one\'s gzip and Brotli when nothing pings: only the keys', async () => {
    // A state of 50,000 articles holds megabytes (its sitemaps); a burst of changes held one each, for up to 2 s.
    const listener = purgeOnChange({ purge: async () => {}, ready: () => new Promise(() => {}), readyWaitMs: 60_000 })
    const held = changeHeardBy(listener)
    expect(await bothCollected(held)).toEqual([true, true])
    listener.now()
  })

  it('holds neither state while a change waits for its gzip and Brotli, then for `warm`, when nothing pings: only their plans', async () => {
    // As main.ts runs it with a CDN: every change's purge waits for `ready`, then for warm (SitePlan.warmKeys, which
    // needs the plan alone). Holding the states meanwhile kept a burst's sites (megabytes each at 50,000 articles, their
    // documents and sitemaps) for up to READY_WAIT_MS and WARM_AT_MOST_MS more.
    const warming: (() => void)[] = []
    const events: string[] = []
    const listener = purgeOnChange<ReturnType<typeof plan>>({
      purge: noted(events),
      ready: () => new Promise(() => {}),
      readyWaitMs: 50,
      warm: () => new Promise<void>((resolve) => warming.push(resolve)),
    })
    const held = changeHeardBy(listener)
    expect(await bothCollected(held)).toEqual([true, true])
    await until(() => warming.length === 1)
    expect(await bothCollected(held)).toEqual([true, true])
    warming.splice(0).forEach((resolve) => resolve())
    await until(() => events.length === 1)
    expect(events).toEqual(['purge any feed'])
    expect(listener.settled()).toBe(true)
  })

  it('pings after at most waitMs when the purge hangs', async () => {
    const events: string[] = []
    const listener = purgeOnChange({ purge: () => new Promise(() => {}), then: () => events.push('ping'), waitMs: 30 })
    listener(plan({ feed: '1' }), plan({ feed: '2' }))
    expect(events).toEqual([])
    await until(() => events.length === 1)
  })

  it('pings after the first attempt even when it failed, so the hub is told; /healthz keeps the problem until a retry succeeds', async () => {
    const { api, purger } = await fastlyPurger([{ status: 503 }, { status: 503 }])
    const events: string[] = []
    const listener = purgeOnChange({ purge: (keys) => purger.purge(keys), then: () => events.push(`ping after ${api.received.length} request(s)`) })
    listener(plan({ feed: '1' }), plan({ feed: '2' }))
    await until(() => events.length === 1)
    expect(events).toEqual(['ping after 1 request(s)'])
    expect(purger.problems()).toEqual([
      'purging 2 cache key(s) at Fastly service svc failed 1 time(s) (Fastly answered 503); the CDN may serve stale copies of them until a retry succeeds',
    ])
  })

  it('is described in docs/deployment.md as it behaves: the ping waits for the first attempt, at most 10 s, and goes out after a failed one', () => {
    const deployment = readFileSync(fileURLToPath(new URL('../../docs/deployment.md', import.meta.url)), 'utf8').replace(/\s+/g, ' ')
    expect(PURGE_WAIT_MS).toBe(10_000)
    expect(deployment).not.toContain('never fetches the copy a change replaced')
    expect(deployment).toContain('The WebSub ping waits for the first attempt of a change\'s purge, at most 10 s;')
    expect(READY_WAIT_MS).toBe(2000)
    expect(deployment).toContain('its gzip and Brotli follow, on the thread pool past 16 KiB, and the purge waits for them, at most 2 s (for all of them, so that a change stays one purge request).')
    expect(deployment).toContain('If that attempt failed, the ping goes out anyway, so the hub is not left uninformed')
  })

  it('purges nothing at the first load, and pings', () => {
    const events: string[] = []
    purgeOnChange({ purge: async () => void events.push('purge'), then: () => events.push('ping') })(undefined, plan({ feed: '1' }))
    expect(events).toEqual(['ping'])
  })
})
