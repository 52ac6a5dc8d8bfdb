import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/http/app.js'
import type { HealthCheck } from '../../src/util/health.js'
import { testApp } from '../helpers/test-app.js'
import { articleText } from '../helpers/temp-dir.js'

const files = { 'zins.md': articleText({ title: 'Zins', date: '2025-01-01T10:00:00Z', category: 'wirtschaft' }) }

/** A check whose problems the test sets, as CDN purges (issue 12) will report theirs. */
function check(): HealthCheck & { set(problems: string[]): void } {
  let current: string[] = []
  return { problems: () => current, set: (problems) => (current = problems) }
}

describe('/healthz and /readyz', () => {
  it('answers 200 ok while no check has a problem, and 503 degraded with every reason, in the order of the checks, while one has', async () => {
    const { config, store } = await testApp(files)
    const live = check()
    const purges = check()
    const app = createApp({ config, store, health: [live, purges], now: () => Date.parse('2026-01-01T00:00:00Z') })
    const body = { published: 1, publishedInSection: 1, refused: 0, lastLoad: '2026-01-01T00:00:00.000Z', nextPublication: null }

    const ok = await app.request('/healthz')
    expect([ok.status, ok.headers.get('Cache-Control'), ok.headers.get('Content-Type')]).toEqual([200, 'no-store', 'application/json'])
    expect(await ok.json()).toEqual({ status: 'ok', ...body })

    purges.set(['purging https://cdn.example/ failed (answered 500); retrying in 4 s'])
    live.set(['/srv/artikel is missing; the last good content stays published until it is back'])
    const degraded = await app.request('/healthz')
    expect([degraded.status, degraded.headers.get('Cache-Control')]).toEqual([503, 'no-store'])
    expect(await degraded.json()).toEqual({
      status: 'degraded',
      reasons: ['/srv/artikel is missing; the last good content stays published until it is back', 'purging https://cdn.example/ failed (answered 500); retrying in 4 s'],
      ...body,
    })
    // Readers still get the last good content, and the load balancer keeps the instance.
    expect((await app.request('/wirtschaft/feed.xml')).status).toBe(200)
    const readyz = await app.request('/readyz')
    expect([readyz.status, readyz.headers.get('Cache-Control'), await readyz.text()]).toEqual([200, 'no-store', '{"status":"ready"}'])

    live.set([])
    purges.set([])
    expect((await app.request('/healthz')).status).toBe(200)
  })
})
