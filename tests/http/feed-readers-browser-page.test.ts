/**
 * Real feed readers against the service that answers browsers' navigations
 * with a page (#11, point 7): Debian's feedparser, newsboat and sfeed (with
 * the curl command sfeed_update runs), and the rss-parser npm package, each
 * with its own headers. Every one must get the feed, never the page.
 */
import { spawn } from 'node:child_process'
import { Hono } from 'hono'
import Parser from 'rss-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundledSite } from '../helpers/bundled-site.js'
import { listen } from '../helpers/in-process-server.js'
import { makeTempDir } from '../helpers/temp-dir.js'

interface Seen {
  readonly path: string
  readonly userAgent: string | null
  readonly secFetchDest: string | null
  readonly contentType: string | null
}

let server: Awaited<ReturnType<typeof listen>>
const seen: Seen[] = []
const temp = makeTempDir('readers-')

beforeAll(async () => {
  let app: Hono | undefined
  server = await listen(
    new Hono().all('*', async (c) => {
      const response = await (app as Hono).fetch(c.req.raw)
      seen.push({ path: c.req.path, userAgent: c.req.header('User-Agent') ?? null, secFetchDest: c.req.header('Sec-Fetch-Dest') ?? null, contentType: response.headers.get('Content-Type') })
      return response
    }),
  )
  ;({ app } = await bundledSite(server.base, new Date('2026-12-01T09:00:00Z')))
})

afterAll(async () => {
  await server?.close()
  temp.rm()
})

/** Runs a program to its end (asynchronously: the server answers in this process), with a temporary HOME. */
function run(command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', HOME: temp.dir }, timeout: 60_000 })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${stderr}`))))
    child.stdin.end(input)
  })
}

/** What the service answered the last request for `path`. */
const answered = (path: string) => seen.filter((s) => s.path === path).at(-1)

const NEWEST = 'Schuldenbremse: Investieren, ohne die Zukunft zu verpfänden'
const EPISODE = 'Geldfragen, Folge 13: Tagesgeld, Festgeld oder Anleihe?'

describe('real feed readers, with the browser page in place', () => {
  it.each([
    ['/wirtschaft/feed.xml', 12, NEWEST, 'application/rss+xml; charset=utf-8'],
    ['/wirtschaft/atom.xml', 12, NEWEST, 'application/atom+xml; charset=utf-8'],
    ['/wirtschaft/podcast.xml', 2, EPISODE, 'application/rss+xml; charset=utf-8'],
  ])('feedparser (Debian) reads %s: %i items', async (path, count, first, type) => {
    const script = 'import feedparser, json, sys; d = feedparser.parse(sys.argv[1]); print(json.dumps([d.bozo, [e.title for e in d.entries]]))'
    const [bozo, titles] = JSON.parse(await run('/usr/bin/python3', ['-c', script, `${server.base}${path}`])) as [boolean, string[]]
    expect([bozo, titles.length, titles[0]]).toEqual([false, count, first])
    expect(answered(path)).toMatchObject({ userAgent: expect.stringMatching(/^feedparser\//), contentType: type })
  })

  it.each([
    ['/wirtschaft/feed.xml', '12 unread articles'],
    ['/wirtschaft/podcast.xml', '2 unread articles'],
  ])('newsboat reloads %s: %s', async (path, unread) => {
    const dir = makeTempDir('newsboat-')
    try {
      dir.write('urls', `${server.base}${path}\n`)
      dir.write('config', '')
      const files = ['-u', `${dir.dir}/urls`, '-c', `${dir.dir}/cache.db`, '-C', `${dir.dir}/config`]
      await run('newsboat', [...files, '-x', 'reload'])
      expect((await run('newsboat', [...files, '-x', 'print-unread'])).trim()).toBe(unread)
      expect(answered(path)).toMatchObject({ userAgent: expect.stringMatching(/^newsboat\//), secFetchDest: null, contentType: 'application/rss+xml; charset=utf-8' })
    } finally {
      dir.rm()
    }
  })

  it('sfeed reads the RSS feed fetched as sfeed_update fetches it (curl, no User-Agent)', async () => {
    const xml = await run('curl', ['-L', '--max-redirs', '0', '-H', 'User-Agent:', '-f', '-s', '-m', '15', `${server.base}/wirtschaft/feed.xml`])
    const rows = (await run('sfeed', [], xml)).trim().split('\n').map((line) => line.split('\t'))
    expect([rows.length, rows[0]?.[1]]).toEqual([12, NEWEST])
    expect(answered('/wirtschaft/feed.xml')).toMatchObject({ userAgent: null, contentType: 'application/rss+xml; charset=utf-8' })
  })

  it('rss-parser (npm) reads the RSS feed and the podcast', async () => {
    const parser = new Parser()
    expect((await parser.parseURL(`${server.base}/wirtschaft/feed.xml`)).items.map((item) => item.title)[0]).toBe(NEWEST)
    expect((await parser.parseURL(`${server.base}/wirtschaft/podcast.xml`)).items.map((item) => item.enclosure?.url)).toEqual([`${server.base}/media/geldfragen-folge-13.mp3`, `${server.base}/media/geldfragen-folge-12.mp3`])
    expect(answered('/wirtschaft/podcast.xml')).toMatchObject({ userAgent: 'rss-parser', contentType: 'application/rss+xml; charset=utf-8' })
  })
})
