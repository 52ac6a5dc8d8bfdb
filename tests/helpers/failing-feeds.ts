import { loadConfig } from '../../src/config.js'
import type { ArticleSource } from '../../src/content/article-source.js'
import type { FeedDocument } from '../../src/feeds/feed-model.js'
import { createApp } from '../../src/http/app.js'
import { RENDER_IN_THREAD, type Renderer } from '../../src/site/renderer.js'
import { ContentStore } from '../../src/store/content-store.js'
import { memorySource } from './memory-source.js'
import { articleText } from './temp-dir.js'

export const config = loadConfig({ SITE_URL: 'https://www.example.de/' })

/** An article in wirtschaft, dated the given day of March 2025. */
export const article = (title: string, day: number): string => articleText({ title, date: `2025-03-${String(day).padStart(2, '0')}T09:00:00+01:00`, category: 'wirtschaft' })

/** A store over `files` (its source wrapped by `wrap`) whose feeds fail ('kein Render-Worker') while `fails(document)` says so, with its app, the RSS feed's titles, /healthz and the log. */
export function failingFeedsStore(files: Map<string, string>, fails: (document: FeedDocument) => boolean, wrap: (source: ArticleSource) => ArticleSource = (source) => source) {
  const renderer: Renderer = { ...RENDER_IN_THREAD, feed: (document, format) => (fails(document) ? Promise.reject(new Error('kein Render-Worker')) : RENDER_IN_THREAD.feed(document, format)) }
  const info: string[] = []
  const warnings: string[] = []
  const store = new ContentStore({ config, source: wrap(memorySource(files, config)), renderer, logger: { info: (line) => info.push(line), warn: (line) => warnings.push(line) } })
  const app = createApp({ config, store, health: [store] })
  const titles = async () => [...(await (await app.request('/wirtschaft/feed.xml')).text()).matchAll(/<item>\s*<title>([^<]*)<\/title>/g)].map((match) => match[1])
  const reasons = async (): Promise<[number, string[]]> => {
    const response = await app.request('/healthz')
    return [response.status, ((await response.json()) as { reasons?: string[] }).reasons ?? []]
  }
  return { store, app, titles, reasons, info, warnings }
}
