import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createApp } from '../../src/http/app.js'
import { ContentStore } from '../../src/store/content-store.js'
import { changedFeedUrls } from '../../src/websub/changed-feeds.js'
import { WebSubPublisher } from '../../src/websub/publisher.js'
import { startHub } from '../helpers/hub-stand-in.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'

const quiet = { info: () => {}, warn: () => {} }
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('WebSubPublisher', () => {
  it('sends the hub hub.mode=publish and hub.url as a form, one request per URL', async () => {
    const hub = await startHub()
    cleanups.push(hub.close)
    const publisher = new WebSubPublisher({ hub: hub.url, logger: quiet })
    cleanups.push(() => publisher.close())
    publisher.publish(['https://www.example.de/wirtschaft/feed.xml', 'https://www.example.de/wirtschaft/atom.xml'])
    await publisher.idle()
    expect(hub.received).toEqual([
      { method: 'POST', contentType: 'application/x-www-form-urlencoded', form: { 'hub.mode': 'publish', 'hub.url': 'https://www.example.de/wirtschaft/feed.xml' } },
      { method: 'POST', contentType: 'application/x-www-form-urlencoded', form: { 'hub.mode': 'publish', 'hub.url': 'https://www.example.de/wirtschaft/atom.xml' } },
    ])
  })

  it('retries with growing delays when the hub fails, and logs', async () => {
    const hub = await startHub([503, 500])
    cleanups.push(hub.close)
    const logged: string[] = []
    const publisher = new WebSubPublisher({ hub: hub.url, logger: { info: (m) => logged.push(m), warn: (m) => logged.push(m) }, retryDelayMs: 20 })
    cleanups.push(() => publisher.close())
    publisher.publish(['https://www.example.de/wirtschaft/feed.xml'])
    await until(() => hub.received.length === 3 && logged.length === 3)
    expect(logged).toEqual([
      `websub: notifying ${hub.url} of https://www.example.de/wirtschaft/feed.xml failed (hub answered 503); retry in 20 ms`,
      `websub: notifying ${hub.url} of https://www.example.de/wirtschaft/feed.xml failed (hub answered 500); retry in 40 ms`,
      `websub: notified ${hub.url} of https://www.example.de/wirtschaft/feed.xml`,
    ])
  })

  it('counts every attempt and every failure for the metrics', async () => {
    const hub = await startHub([503, 500])
    cleanups.push(hub.close)
    const counted = { attempts: 0, failures: 0 }
    const deliveries = { attempt: () => void counted.attempts++, failure: () => void counted.failures++ }
    const publisher = new WebSubPublisher({ hub: hub.url, logger: quiet, retryDelayMs: 5, deliveries })
    cleanups.push(() => publisher.close())
    publisher.publish(['https://www.example.de/wirtschaft/feed.xml'])
    await until(() => hub.received.length === 3 && counted.attempts === 3)
    await publisher.idle()
    expect(counted).toEqual({ attempts: 3, failures: 2 })
  })

  it('gives up after the last attempt, without throwing', async () => {
    const failures: string[] = []
    const logging = new WebSubPublisher({ hub: 'http://127.0.0.1:9/hub', logger: { info: () => {}, warn: (m) => failures.push(m) }, attempts: 2, retryDelayMs: 5 })
    cleanups.push(() => logging.close())
    logging.publish(['https://www.example.de/wirtschaft/feed.xml'])
    await until(() => failures.length === 2)
    expect(failures[1]).toMatch(/^websub: gave up notifying http:\/\/127\.0\.0\.1:9\/hub of https:\/\/www\.example\.de\/wirtschaft\/feed\.xml after 2 attempts: /)
  })

  it('never blocks the caller, and coalesces changes while a notification is under way', async () => {
    const hub = await startHub()
    cleanups.push(hub.close)
    const publisher = new WebSubPublisher({ hub: hub.url, logger: quiet })
    cleanups.push(() => publisher.close())
    const url = 'https://www.example.de/wirtschaft/feed.xml'
    const start = performance.now()
    publisher.publish([url])
    publisher.publish([url])
    publisher.publish([url])
    expect(performance.now() - start).toBeLessThan(50)
    await until(() => hub.received.length === 2)
    await publisher.idle()
    expect(hub.received).toHaveLength(2)
  })
})

describe('publishing on content change', () => {
  it('notifies the hub of exactly the feeds whose bytes changed', async () => {
    const hub = await startHub()
    cleanups.push(hub.close)
    const config = loadConfig({ SITE_URL: 'https://www.example.de/', WEBSUB_HUB: hub.url })
    const files = new Map([['a.md', articleText({ title: 'A', date: '2025-01-01T10:00:00Z', category: 'wirtschaft' })]])
    const store = new ContentStore({ config, source: memorySource(files, config), clock: () => new Date('2026-01-01T00:00:00Z'), logger: quiet })
    const publisher = new WebSubPublisher({ hub: hub.url, logger: quiet })
    cleanups.push(() => publisher.close())
    store.onChange((previous, current) => publisher.publish(changedFeedUrls(previous, current, config)))
    await store.load()
    store.close()
    await publisher.idle()
    const all = ['https://www.example.de/wirtschaft/feed.xml', 'https://www.example.de/wirtschaft/atom.xml', 'https://www.example.de/wirtschaft/feed.json']
    expect(hub.received.map((r) => r.form['hub.url'])).toEqual(all)

    await store.rebuild() // nothing changed
    await publisher.idle()
    expect(hub.received).toHaveLength(3)

    files.set('b.md', articleText({ title: 'B', date: '2025-02-01T10:00:00Z', category: 'wirtschaft' }))
    await store.load()
    store.close()
    await publisher.idle()
    expect(hub.received.slice(3).map((r) => r.form['hub.url'])).toEqual(all)
  })

  it('notifies the podcast feed when an episode arrives, and advertises the hub on it', async () => {
    const hub = await startHub()
    cleanups.push(hub.close)
    const config = loadConfig(
      { SITE_URL: 'https://www.example.de/', WEBSUB_HUB: hub.url, SITE_CONFIG: fileURLToPath(new URL('../fixtures/site.yaml', import.meta.url)) },
      [],
      process.cwd(),
      (file) => fs.readFileSync(file, 'utf8'),
    )
    const episode = fs.readFileSync(new URL('../fixtures/articles/podcast.md', import.meta.url), 'utf8')
    const files = new Map([['a.md', articleText({ title: 'A', date: '2025-09-01T10:00:00Z', category: 'wirtschaft' })]])
    const store = new ContentStore({ config, source: memorySource(files, config), clock: () => new Date('2026-01-01T00:00:00Z'), logger: quiet })
    const publisher = new WebSubPublisher({ hub: hub.url, logger: quiet })
    cleanups.push(() => publisher.close())
    store.onChange((previous, current) => publisher.publish(changedFeedUrls(previous, current, config)))
    await store.load()
    await publisher.idle()
    const podcast = 'https://www.example.de/wirtschaft/podcast.xml'
    expect(hub.received.map((r) => r.form['hub.url'])).toContain(podcast)
    const before = hub.received.length

    files.set('folge.md', episode)
    await store.applyChanges(['folge.md'])
    await publisher.idle()
    expect(hub.received.slice(before).map((r) => r.form['hub.url'])).toEqual([
      'https://www.example.de/wirtschaft/feed.xml',
      'https://www.example.de/wirtschaft/atom.xml',
      'https://www.example.de/wirtschaft/feed.json',
      podcast,
    ])
    const response = await createApp({ config, store }).request('/wirtschaft/podcast.xml')
    expect(response.headers.get('Link')).toBe(`<${hub.url}>; rel="hub", <${podcast}>; rel="self"`)
    store.close()
  })
})
