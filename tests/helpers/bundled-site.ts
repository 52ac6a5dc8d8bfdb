import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig, type Config } from '../../src/config.js'
import { bylineOf } from '../../src/content/article.js'
import { createApp, createHttp, type Http } from '../../src/http/app.js'
import { servedMediaFiles } from '../../src/http/media.js'
import { archivePaths, feedPaths, podcastPath } from '../../src/site/paths.js'
import type { Renderer } from '../../src/site/render-request.js'
import { ContentStore } from '../../src/store/content-store.js'
import { makeTempDir } from './temp-dir.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** A copy of the repository's articles/ and media/ in a temp folder, to edit; site.yaml read in place. */
export function copyBundledSite(): { dir: string; articles: string; media: string; rm: () => void } {
  const temp = makeTempDir('bundled-site-')
  const articles = path.join(temp.dir, 'articles')
  const media = path.join(temp.dir, 'media')
  fs.cpSync(path.join(ROOT, 'articles'), articles, { recursive: true })
  fs.cpSync(path.join(ROOT, 'media'), media, { recursive: true })
  return { dir: temp.dir, articles, media, rm: temp.rm }
}

/** The configuration of the bundled site over `folder` (copyBundledSite), small windows so that archive pages exist. */
export function bundledConfig(folder: { articles: string; media: string }, env: Record<string, string> = {}): Config {
  return loadConfig(
    {
      SITE_URL: 'https://www.example.de/',
      ARTICLES_DIR: folder.articles,
      MEDIA_DIR: folder.media,
      SITE_CONFIG: path.join(ROOT, 'site.yaml'),
      FEED_LIMIT: '4',
      ARCHIVE_PAGE_SIZE: '3',
      CDN: 'varnish',
      ...env,
    },
    [],
    ROOT,
    (file) => fs.readFileSync(file, 'utf8'),
  )
}

/** A store and app over the bundled site, on the file system, with a clock the test moves. */
export async function bundledInstance(config: Config, clock: () => Date): Promise<{ store: ContentStore; app: ReturnType<typeof createApp> }> {
  const store = new ContentStore({ config, clock, logger: { info: () => {}, warn: () => {} } })
  await store.load()
  return { store, app: createApp({ config, store, now: () => clock().getTime() }) }
}

/**
 * Every document of a state of the site, by URL path and query: the index,
 * the current feeds, the podcast, OPML, stylesheets, every article page,
 * every archive page, every tag and author view and a ?limit view in every
 * format, a 404, every media file.
 */
export function documentPaths(store: ContentStore, config: Config): string[] {
  const { plan } = store.site()
  const section = config.section.slug
  const formats = (paths: { rss: string; atom: string; json: string }) => [paths.rss, paths.atom, paths.json]
  const views = new Set<string>(['limit=2'])
  for (const article of plan.section) {
    for (const tag of article.tags) views.add(`tag=${encodeURIComponent(tag)}`)
    for (const author of bylineOf(article, config.section.author)) views.add(`author=${encodeURIComponent(author)}`)
  }
  const archives: string[] = []
  for (let page = 1; page <= plan.archivePages; page++) archives.push(...formats(archivePaths(section, page)))
  return [
    ...store.readyPaths(),
    ...store.publishedDocuments(),
    ...archives,
    ...[...views].flatMap((query) => formats(feedPaths(section)).map((feed) => `${feed}?${query}`)),
    podcastPath(section),
    `/${section}/gibt-es-nicht.html`,
    ...servedMediaFiles(config.mediaDir).map(({ relative }) => `/media/${relative.split('/').map(encodeURIComponent).join('/')}`),
  ]
}

export interface Snapshot {
  readonly status: number
  readonly body: string
  readonly etag: string | null
  readonly lastModified: string | null
  /** The cache keys (xkey: CDN=varnish). */
  readonly keys: readonly string[]
}

/** Each path as a client without compression gets it. */
export async function snapshot(app: ReturnType<typeof createApp>, paths: Iterable<string>): Promise<Map<string, Snapshot>> {
  const shots = new Map<string, Snapshot>()
  for (const path of new Set(paths)) {
    const response = await app.request(path)
    shots.set(path, {
      status: response.status,
      body: Buffer.from(await response.arrayBuffer()).toString('base64'),
      etag: response.headers.get('ETag'),
      lastModified: response.headers.get('Last-Modified'),
      keys: (response.headers.get('xkey') ?? '').split(' ').filter((key) => key !== ''),
    })
  }
  return shots

}

/** The repository's own folder: its bundled articles, media and site.yaml. */
export const REPOSITORY = ROOT

/** An instant at which every bundled article that is not a draft is public (one is scheduled for 2030). */
export const AFTER_EVERY_BUNDLED_ARTICLE = new Date('2031-01-01T00:00:00Z')

/**
 * The app over the bundled articles, media and site settings, as `npm start`
 * serves them, with a fixed clock; read from disk, no socket.
 */
export async function bundledSite(siteUrl: string, now = AFTER_EVERY_BUNDLED_ARTICLE, renderer?: Renderer): Promise<{ app: Http['app']; http: Http; store: ContentStore; config: Config }> {
  const config = loadConfig({ SITE_URL: siteUrl }, [], REPOSITORY, (file) => fs.readFileSync(file, 'utf8'))
  const store = new ContentStore({ config, clock: () => now, logger: { info: () => {}, warn: () => {} }, renderer })
  await store.load()
  store.close()
  const http = createHttp({ config, store, now: () => now.getTime() })
  return { app: http.app, http, store, config }
}
