import fs from 'node:fs'
import path from 'node:path'
import { expect, it, vi } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { fileSource } from '../../src/content/article-source.js'
import { createApp } from '../../src/http/app.js'
import { ContentStore } from '../../src/store/content-store.js'
import { LiveUpdates } from '../../src/store/live-updates.js'
import { RENDER_IN_THREAD, type Renderer } from '../../src/site/renderer.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

const article = (title: string, date: string) => articleText({ title: `"${title}"`, date, category: 'wirtschaft' })

/**
 * A folder swapped in whose site cannot be built: the reload fails and the last good content stays. A rescan then
 * (SIGHUP's) compared the new folder with the old index and applied the difference: the old folder's articles were
 * removed and the new one's not added, so the feeds were empty (review 27).
 */
it('a rescan (SIGHUP) while a reload of a swapped-in folder is failing leaves the last good content, and the reload publishes once it can', async () => {
  const temp = makeTempDir('rev2-')
  temp.write('a.md', article('Alte Meldung', '2025-01-01T10:00:00Z'))
  const config = loadConfig({ ARTICLES_DIR: temp.dir, SITE_URL: 'https://www.example.de/', RESCAN_INTERVAL: '0' })
  const notes: string[] = []
  const logger = { info: (l: string) => notes.push(l), warn: (l: string) => notes.push(l) }
  const renderer: Renderer = { ...RENDER_IN_THREAD, feed: (d, f) => (JSON.stringify(d).includes('Giftige') ? Promise.reject(new Error('kein Render-Worker')) : RENDER_IN_THREAD.feed(d, f)) }
  const source = fileSource(config.articlesDir, config)
  const store = new ContentStore({ config, source, renderer, logger })
  const live = new LiveUpdates({ store, source, config, logger })
  await live.start()
  const app = createApp({ config, store })
  const titles = async () => [...(await (await app.request('/wirtschaft/feed.xml')).text()).matchAll(/<item>\s*<title>([^<]*)<\/title>/g)].map((m) => m[1])
  const next = `${temp.dir}.neu`, old = `${temp.dir}.alt`
  try {
    fs.mkdirSync(next)
    fs.writeFileSync(path.join(next, 'giftig.md'), article('Giftige Meldung', '2025-03-01T10:00:00Z'))
    fs.writeFileSync(path.join(next, 'neu.md'), article('Neue Meldung', '2025-02-01T10:00:00Z'))
    fs.renameSync(temp.dir, old)
    fs.renameSync(next, temp.dir)
    await vi.waitFor(() => expect(notes.some((l) => l.includes('reload of') && l.includes('failed'))).toBe(true), { timeout: 8000, interval: 50 })
    expect(await titles()).toEqual(['Alte Meldung'])
    await live.rescan() // what SIGHUP does
    await store.settled()
    expect(await titles()).toEqual(['Alte Meldung'])
    // The file fixed: the next reload (1 s, 2 s …) publishes the new folder whole.
    fs.writeFileSync(path.join(temp.dir, 'giftig.md'), article('Entgiftete Meldung', '2025-03-01T10:00:00Z'))
    await vi.waitFor(async () => expect(await titles()).toEqual(['Entgiftete Meldung', 'Neue Meldung']), { timeout: 8000, interval: 100 })
  } finally {
    live.close(); store.close()
    for (const d of [old, next, temp.dir]) fs.rmSync(d, { recursive: true, force: true })
  }
}, 20_000)
