import { fileURLToPath } from 'node:url'
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createHttp } from '../../src/http/app.js'
import { renderArticlePage, renderTranscriptPage } from '../../src/site/pages.js'
import { RENDER_IN_THREAD } from '../../src/site/renderer.js'
import type { ArticlePageRequest, Renderer } from '../../src/site/render-request.js'
import { encodeDocument } from '../../src/site/resource.js'
import { ContentStore } from '../../src/store/content-store.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'

/**
 * The store hands an article page, and an episode's transcript page, to the renderer's articlePage (the render pool
 * renders one of a large body in a worker: render-pool.ts PAGE_IN_WORKER_CHARS), and serves the bytes it gives back.
 */
const FROM_RENDERER = '<!-- rendered by articlePage -->'

describe('article and transcript pages rendered where the renderer says', () => {
  it('serves what articlePage gave for the article page and for the transcript page (helper-125: the transcript was made here)', async () => {
    const config = loadConfig(
      { SITE_URL: 'https://www.example.de/', MEDIA_DIR: fileURLToPath(new URL('../fixtures/media', import.meta.url)), SITE_CONFIG: fileURLToPath(new URL('../fixtures/site.yaml', import.meta.url)) },
      [],
      process.cwd(),
      (file) => fs.readFileSync(file, 'utf8'),
    )
    const asked: ArticlePageRequest[] = []
    const renderer: Renderer = {
      ...RENDER_IN_THREAD,
      articlePage: async (page) => {
        asked.push(page)
        // Marked, so that the bytes served show they are these.
        return encodeDocument(`${page.transcript ? renderTranscriptPage(page.context, page.article, page.html) : renderArticlePage(page.context, page.article, page.summary, page.html, page.episode)}${FROM_RENDERER}`)
      },
    }
    const files = new Map([
      ['folge-1.md', articleText({ title: 'Folge 1', date: '2025-05-01T06:00:00Z', category: 'wirtschaft', transcript: 'article', enclosure: '{url: /media/folge-1.mp3, duration: 1805}' }, 'Das **gesamte** Gespräch.\n')],
    ])
    const store = new ContentStore({ config, source: memorySource(files, config), renderer, clock: () => new Date('2026-01-01T00:00:00Z'), logger: { info: () => {}, warn: () => {} } })
    await store.load()
    store.close()
    const { app } = createHttp({ config, store, now: () => Date.parse('2026-01-01T00:00:00Z') })
    for (const [path, transcript] of [['/wirtschaft/folge-1.html', false], ['/wirtschaft/folge-1/transkript.html', true]] as const) {
      const response = await app.request(path)
      expect(response.status).toBe(200)
      const page = asked.find((request) => Boolean(request.transcript) === transcript) as ArticlePageRequest
      const expected = encodeDocument(`${page.transcript ? renderTranscriptPage(page.context, page.article, page.html) : renderArticlePage(page.context, page.article, page.summary, page.html, page.episode)}${FROM_RENDERER}`)
      expect(response.headers.get('ETag')).toBe(`"${expected.tag}"`)
      const text = await response.text()
      expect(text).toContain(transcript ? '<title>Transkript: Folge 1 – ' : '<title>Folge 1 – ')
      expect(text.endsWith(`</html>${FROM_RENDERER}`)).toBe(true)
    }
    expect(asked.map((request) => [request.article.title, request.html, Boolean(request.transcript)])).toEqual([
      ['Folge 1', '<p>Das <strong>gesamte</strong> Gespräch.</p>', false],
      ['Folge 1', '<p>Das <strong>gesamte</strong> Gespräch.</p>', true],
    ])
  })
})
