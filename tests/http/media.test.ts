import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { ORDINARY_USER, startServer } from '../helpers/server-process.js'
import { makeOpenTempDir, makeTempDir } from '../helpers/temp-dir.js'
import { servedMediaFiles } from '../../src/http/media.js'
import { testApp } from '../helpers/test-app.js'

const media = makeTempDir('media-')
const outside = makeTempDir('outside-')
const audio = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256))
let app: Awaited<ReturnType<typeof testApp>>['app']

beforeAll(async () => {
  media.write('folge.mp3', audio)
  media.write('bilder/titel.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xd9]))
  media.write('.geheim.mp3', audio)
  media.write('bild.svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
  outside.write('geheim.txt', 'nicht für die Öffentlichkeit')
  fs.symlinkSync(path.join(outside.dir, 'geheim.txt'), path.join(media.dir, 'link.txt'))
  ;({ app } = await testApp({}, { MEDIA_DIR: media.dir }))
})

afterAll(() => {
  media.rm()
  outside.rm()
})

const get = (p: string, headers: Record<string, string> = {}, method = 'GET') => app.request(p, { method, headers })

describe('media files', () => {
  it('serves a file whole, with its type, length, validators and long caching', async () => {
    const response = await get('/media/folge.mp3')
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('audio/mpeg')
    expect(response.headers.get('Content-Length')).toBe('1000')
    expect(response.headers.get('Accept-Ranges')).toBe('bytes')
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=86400')
    expect(response.headers.get('ETag')).toMatch(/^"[0-9a-z]+-[0-9a-z]+"$/)
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*')
    expect(Buffer.from(await response.arrayBuffer()).equals(audio)).toBe(true)
  })

  it('answers Range: bytes=0-99 with 206, exactly 100 bytes and the right Content-Range', async () => {
    const response = await get('/media/folge.mp3', { Range: 'bytes=0-99' })
    expect(response.status).toBe(206)
    expect(response.headers.get('Content-Range')).toBe('bytes 0-99/1000')
    expect(response.headers.get('Content-Length')).toBe('100')
    const body = Buffer.from(await response.arrayBuffer())
    expect(body.length).toBe(100)
    expect(body.equals(audio.subarray(0, 100))).toBe(true)
  })

  it.each([
    ['bytes=900-', 'bytes 900-999/1000', 100],
    ['bytes=-10', 'bytes 990-999/1000', 10],
    ['bytes=990-5000', 'bytes 990-999/1000', 10],
  ])('answers Range: %s with %s', async (range, contentRange, length) => {
    const response = await get('/media/folge.mp3', { Range: range })
    expect(response.status).toBe(206)
    expect(response.headers.get('Content-Range')).toBe(contentRange)
    expect((await response.arrayBuffer()).byteLength).toBe(length)
  })

  it('answers a range outside the file with 416 and the file size', async () => {
    const response = await get('/media/folge.mp3', { Range: 'bytes=1000-' })
    expect(response.status).toBe(416)
    expect(response.headers.get('Content-Range')).toBe('bytes */1000')
  })

  it('sends the whole file for several ranges, a malformed range, or an If-Range that no longer matches', async () => {
    const cases: Record<string, string>[] = [{ Range: 'bytes=0-1,5-6' }, { Range: 'Bytes=abc' }, { Range: 'bytes=0-99', 'If-Range': '"alt"' }]
    for (const headers of cases) {
      const response = await get('/media/folge.mp3', headers)
      expect(response.status).toBe(200)
      expect((await response.arrayBuffer()).byteLength).toBe(1000)
    }
    const etag = (await get('/media/folge.mp3')).headers.get('ETag') as string
    expect((await get('/media/folge.mp3', { Range: 'bytes=0-99', 'If-Range': etag })).status).toBe(206)
  })

  it('answers HEAD with the headers and no body, and If-None-Match with 304', async () => {
    const head = await get('/media/folge.mp3', {}, 'HEAD')
    expect(head.status).toBe(200)
    expect(head.headers.get('Content-Length')).toBe('1000')
    expect(await head.text()).toBe('')
    const etag = head.headers.get('ETag') as string
    expect((await get('/media/folge.mp3', { 'If-None-Match': etag })).status).toBe(304)
    // A download resumed against another version of the file must not splice two versions.
    expect((await get('/media/folge.mp3', { 'If-Match': etag, Range: 'bytes=0-9' })).status).toBe(206)
    expect((await get('/media/folge.mp3', { 'If-Match': '"alt"', Range: 'bytes=0-9' })).status).toBe(412)
  })

  it('serves files in sub-folders', async () => {
    const response = await get('/media/bilder/titel.jpg')
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('image/jpeg')
  })

  it('keeps SVG scripts inert with a sandboxing Content-Security-Policy', async () => {
    const response = await get('/media/bild.svg')
    expect(response.headers.get('Content-Type')).toBe('image/svg+xml; charset=utf-8')
    expect(response.headers.get('Content-Security-Policy')).toBe("default-src 'none'; style-src 'unsafe-inline'; sandbox")
  })

  it.each([
    '/media/../package.json',
    '/media/%2e%2e/package.json',
    '/media/..%2fpackage.json',
    '/media/bilder%2ftitel.jpg',
    '/media/folge.mp3%00.txt',
    '/media/.geheim.mp3',
    '/media/link.txt',
    '/media/bilder',
    '/media/',
    '/media/%E0%A4%A',
  ])('never serves %s', async (p) => {
    const response = await get(p)
    expect(response.status).toBe(404)
    expect(await response.text()).not.toContain('Öffentlichkeit')
  })
})

describe('a media file the service may not read', () => {
  it('answers 500 with no-store before a byte is sent, and logs the request', async () => {
    // Root reads everything: the built service runs as the unprivileged user nobody.
    const unreadable = makeOpenTempDir('media-unreadable-')
    try {
      unreadable.write('folge.mp3', audio)
      unreadable.write('offen.mp3', audio)
      fs.chmodSync(path.join(unreadable.dir, 'offen.mp3'), 0o644)
      fs.chmodSync(path.join(unreadable.dir, 'folge.mp3'), 0o000)
      const articles = fileURLToPath(new URL('../fixtures/articles', import.meta.url))
      const server = await startServer({ ARTICLES_DIR: articles, MEDIA_DIR: unreadable.dir }, [], ORDINARY_USER)
      try {
        for (const method of ['GET', 'HEAD']) {
          const response = await fetch(`${server.base}/media/folge.mp3`, { method, headers: { Range: 'bytes=0-99' } })
          expect([response.status, response.headers.get('Cache-Control'), response.headers.get('Content-Type')]).toEqual([
            500,
            'no-store',
            'text/plain; charset=utf-8',
          ])
          expect([response.headers.get('Content-Range'), response.headers.get('ETag'), response.headers.get('Accept-Ranges')]).toEqual([null, null, null])
          expect(await response.text()).toBe(method === 'GET' ? 'Internal server error\n' : '')
        }
        // The rest of the folder is served as ever.
        expect(Buffer.from(await (await fetch(`${server.base}/media/offen.mp3`)).arrayBuffer()).equals(audio)).toBe(true)
        const lines = server.output().split('\n').filter((line) => line.startsWith('media: '))
        expect(lines).toEqual([
          'media: GET /media/folge.mp3 answered 500: the file cannot be read (EACCES)',
          'media: HEAD /media/folge.mp3 answered 500: the file cannot be read (EACCES)',
        ])
      } finally {
        await server.stop()
      }
    } finally {
      unreadable.rm()
    }
  }, 20_000)
})

describe('servedMediaFiles', () => {
  // Issue #10, point 10: walks now give such names as nameFromBytes does; no /media/ URL can name them.
  it('leaves out a file whose name is not UTF-8, instead of failing the export', async () => {
    const temp = makeTempDir('media-names-')
    try {
      temp.write('ok.jpg', 'x')
      fs.writeFileSync(Buffer.from(`${temp.dir}/B\xf6rse.jpg`, 'latin1'), 'x')
      expect(servedMediaFiles(temp.dir).map((file) => file.relative)).toEqual(['ok.jpg'])
    } finally {
      temp.rm()
    }
  })
})
