/**
 * Real nginx (Debian's) as a caching reverse proxy in front of the service,
 * on loopback ports, with its own configuration in a temporary folder.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listen } from '../helpers/in-process-server.js'
import { freePort } from '../helpers/free-port.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'
import { testApp } from '../helpers/test-app.js'

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx'
const MAX_AGE = 2

interface Seen {
  readonly path: string
  readonly ifNoneMatch: string | null
  readonly ifModifiedSince: string | null
  readonly status: number
}

let harness: Awaited<ReturnType<typeof testApp>>
let origin: Awaited<ReturnType<typeof listen>>
let nginx: ChildProcess
let proxy: string
const seen: Seen[] = []
const temp = makeTempDir('nginx-test-')

beforeAll(async () => {
  harness = await testApp(
    { 'a.md': articleText({ title: 'Erster Artikel', date: '2025-01-01T10:00:00Z', category: 'wirtschaft' }) },
    { CACHE_MAX_AGE: String(MAX_AGE) },
  )
  // Records what reaches the service, and what it answers.
  const recording = new Hono().all('*', async (c) => {
    const response = await harness.app.fetch(c.req.raw)
    seen.push({
      path: c.req.path,
      ifNoneMatch: c.req.header('If-None-Match') ?? null,
      ifModifiedSince: c.req.header('If-Modified-Since') ?? null,
      status: response.status,
    })
    return response
  })
  origin = await listen(recording)
  const port = await freePort()
  proxy = `http://127.0.0.1:${port}`
  const dir = temp.dir
  temp.write(
    'nginx.conf',
    `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  proxy_cache_path ${dir}/cache levels=1:2 keys_zone=feeds:1m max_size=10m inactive=1h use_temp_path=off;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass ${origin.base};
      proxy_http_version 1.1;
      proxy_cache feeds;
      proxy_cache_revalidate on;
      add_header X-Cache-Status $upstream_cache_status always;
    }
  }
}
`,
  )
  nginx = spawn(NGINX, ['-p', dir, '-c', `${dir}/nginx.conf`, '-e', `${dir}/error.log`], { stdio: 'ignore' })
  const started = Date.now()
  for (;;) {
    try {
      await fetch(`${proxy}/healthz`)
      break
    } catch {
      if (nginx.exitCode !== null || Date.now() - started > 10_000) {
        throw new Error(`nginx did not start: ${fs.existsSync(`${dir}/error.log`) ? fs.readFileSync(`${dir}/error.log`, 'utf8') : ''}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
})

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((resolve) => nginx.once('exit', resolve))
    nginx.kill('SIGTERM')
    await exited
  }
  await origin?.close()
  temp.rm()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const FEED = '/wirtschaft/feed.json'
const titles = async (response: Response) => ((await response.json()) as { items: { title: string }[] }).items.map((i) => i.title)

describe('behind nginx as a caching reverse proxy', () => {
  it('is cached, revalidated with a conditional request answered 304, and refreshed after max-age', async () => {
    const first = await fetch(`${proxy}${FEED}`)
    expect(first.headers.get('X-Cache-Status')).toBe('MISS')
    expect(await titles(first)).toEqual(['Erster Artikel'])
    const etag = first.headers.get('ETag')

    const second = await fetch(`${proxy}${FEED}`)
    expect(second.headers.get('X-Cache-Status')).toBe('HIT')
    expect(await titles(second)).toEqual(['Erster Artikel'])
    expect(seen.filter((s) => s.path === FEED)).toHaveLength(1)

    await sleep(MAX_AGE * 1000 + 1200) // nginx counts whole seconds
    const third = await fetch(`${proxy}${FEED}`)
    expect(third.headers.get('X-Cache-Status')).toBe('REVALIDATED')
    expect(await titles(third)).toEqual(['Erster Artikel'])
    const revalidation = seen.filter((s) => s.path === FEED)[1]
    expect(revalidation).toEqual({ path: FEED, ifNoneMatch: etag, ifModifiedSince: 'Wed, 01 Jan 2025 10:00:00 GMT', status: 304 })

    harness.files.set('b.md', articleText({ title: 'Neuer Artikel', date: '2025-02-01T10:00:00Z', category: 'wirtschaft' }))
    await harness.store.load()
    harness.store.close()
    const cached = await fetch(`${proxy}${FEED}`)
    expect(cached.headers.get('X-Cache-Status')).toBe('HIT')
    expect(await titles(cached)).toEqual(['Erster Artikel'])

    await sleep(MAX_AGE * 1000 + 1200) // nginx counts whole seconds
    const fresh = await fetch(`${proxy}${FEED}`)
    expect(fresh.headers.get('X-Cache-Status')).toBe('EXPIRED')
    expect(await titles(fresh)).toEqual(['Neuer Artikel', 'Erster Artikel'])
    expect(seen.filter((s) => s.path === FEED).map((s) => s.status)).toEqual([200, 304, 200])
  })

  it('never hands a browser page to a feed reader, nor the feed to a browser navigating (Vary: Sec-Fetch-Dest, Sec-Fetch-Mode)', async () => {
    const RSS = '/wirtschaft/feed.xml'
    const navigation = { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate' }
    const reader = { Accept: 'application/rss+xml', 'User-Agent': 'rss-parser' }
    const browsed = await plainGet(RSS, navigation)
    expect([browsed.type, browsed.cache]).toEqual(['text/html; charset=utf-8', 'MISS'])
    const first = await plainGet(RSS, reader)
    expect([first.type, first.cache]).toEqual(['application/rss+xml; charset=utf-8', 'MISS'])
    expect(first.body).toContain('<title>Erster Artikel</title>')
    const second = await plainGet(RSS, reader)
    expect([second.type, second.cache]).toEqual(['application/rss+xml; charset=utf-8', 'HIT'])
    // The page is private: nginx never stores it, and its stored feed does not match a navigation.
    const again = await plainGet(RSS, navigation)
    expect([again.type, again.cache]).toEqual(['text/html; charset=utf-8', 'MISS'])
    expect(again.body).toContain('<h1>Wirtschaft – Beispielzeitung</h1>')
    const third = await plainGet(RSS, reader)
    expect([third.type, third.cache]).toEqual(['application/rss+xml; charset=utf-8', 'HIT'])
  })
})

/** A GET through the proxy with exactly these headers (fetch() would add Sec-Fetch-Mode: cors of its own). */
function plainGet(path: string, headers: Record<string, string>): Promise<{ type: string | undefined; cache: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${proxy}${path}`, { headers }, (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (body += chunk))
        response.on('end', () =>
          resolve({ type: response.headers['content-type'], cache: response.headers['x-cache-status'] as string | undefined, body }),
        )
      })
      .on('error', reject)
  })
}
