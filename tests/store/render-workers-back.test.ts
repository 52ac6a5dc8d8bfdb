/**
 * Bodies published as plain text because no render worker could start
 * (bodyOrPlainText: passing) are rendered as written once one starts: in the
 * current feeds, the archive pages and the article pages, none of them kept
 * as plain text by the store's caches.
 */
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createRenderPool } from '../../src/site/render-pool.js'
import type { Resource } from '../../src/site/resource.js'
import { ContentStore } from '../../src/store/content-store.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

const config = loadConfig({ SITE_URL: 'https://www.example.de/', FEED_LIMIT: '1', ARCHIVE_PAGE_SIZE: '1' })
const temp = makeTempDir('workers-back-')
afterAll(() => temp.rm())

const article = (title: string, date: string) => articleText({ title, date, category: 'wirtschaft' }, `Die *${title}* steigt.\n`)
const text = (resource: Resource | undefined) => new TextDecoder().decode(resource?.identity.body)
const bodiesOf = (resource: Resource | undefined) => (JSON.parse(text(resource)) as { items: { content_html: string }[] }).items.map((item) => item.content_html)

describe('ContentStore with render workers that could not start, then can', () => {
  it('renders the bodies published as plain text meanwhile as HTML once a worker starts: current feed, archive page (cached briefly meanwhile) and article page', async () => {
    // A worker that cannot start (its module throws at load, as a release folder deleted under a running service), then one that can.
    let entry = pathToFileURL(temp.write('unstartable-worker.mjs', "throw new Error('Modul fehlt')\n"))
    const renderer = createRenderPool({ entry: () => entry, size: 1 })
    const files = new Map([
      ['alt.md', article('Miete', '2025-01-01T10:00:00Z')],
      ['mitte.md', article('Zins', '2025-02-01T10:00:00Z')],
      ['neu.md', article('Pacht', '2025-03-01T10:00:00Z')],
    ])
    const store = new ContentStore({ config, source: memorySource(files, config), renderer, logger: { info: () => {}, warn: () => {} } })
    try {
      await store.load()
      // Page 1 of 2: cached long ('archive') once rendered as written, briefly ('live') while its body is plain text only for now.
      const archive = async () => {
        const resource = await store.archive('json', 1)
        return { cache: resource?.cache, bodies: bodiesOf(resource) }
      }
      const page = async () => text(await store.articlePage('/wirtschaft/alt.html'))
      expect(bodiesOf(store.resource('/wirtschaft/feed.json'))).toEqual(['<p>Die *Pacht* steigt.</p>'])
      expect(await archive()).toEqual({ cache: 'live', bodies: ['<p>Die *Miete* steigt.</p>'] })
      expect(await page()).toContain('<p>Die *Miete* steigt.</p>')
      expect(renderer.problems()).toHaveLength(1)

      // The pool tries a worker by itself a second after the failed start (no request needed); the store renders again.
      entry = new URL('../../dist/site/render-worker.js', import.meta.url)
      await vi.waitFor(() => expect(renderer.problems()).toEqual([]), { timeout: 10_000 })
      await store.settled()
      // Before: the feed kept its bytes, and the archive and article pages their plain text, until the articles changed.
      expect(bodiesOf(store.resource('/wirtschaft/feed.json'))).toEqual(['<p>Die <em>Pacht</em> steigt.</p>'])
      expect(await archive()).toEqual({ cache: 'archive', bodies: ['<p>Die <em>Miete</em> steigt.</p>'] })
      expect(await page()).toContain('<p>Die <em>Miete</em> steigt.</p>')
    } finally {
      store.close()
      await renderer.close()
    }
  })

  it('renders again the bodies the first broken workers ended on, kept as plain text, once workers work again', async () => {
    // Workers that load and end on every task (ends-on-every-task.mjs): the current feed's body ends the first two (its
    // HTML, then its plain text), so it is taken for at fault and kept, before the third finds the workers broken.
    let entry = new URL('../fixtures/workers/ends-on-every-task.mjs', import.meta.url)
    const renderer = createRenderPool({ entry: () => entry, size: 1 })
    const files = new Map([['neu.md', article('Pacht', '2025-03-01T10:00:00Z')]])
    const warnings: string[] = []
    const store = new ContentStore({ config, source: memorySource(files, config), renderer, logger: { info: () => {}, warn: (line) => void warnings.push(line) } })
    try {
      await store.load()
      expect(bodiesOf(store.resource('/wirtschaft/feed.json'))).toEqual(['<p>Die *Pacht* steigt.</p>'])
      expect(warnings).toContain('warning neu.md: body: could not be rendered (worker stopped with exit code 7); published as plain text')
      // Broken workers found (the probe's first start fails its check), then working ones: the probe answers.
      await vi.waitFor(() => expect(renderer.problems()).toHaveLength(1), { timeout: 10_000 })
      entry = new URL('../../dist/site/render-worker.js', import.meta.url)
      await vi.waitFor(() => expect(renderer.problems()).toEqual([]), { timeout: 10_000 })
      await store.settled()
      // Before: kept as plain text until the file changed.
      expect(bodiesOf(store.resource('/wirtschaft/feed.json'))).toEqual(['<p>Die <em>Pacht</em> steigt.</p>'])
    } finally {
      store.close()
      await renderer.close()
    }
  })
})
