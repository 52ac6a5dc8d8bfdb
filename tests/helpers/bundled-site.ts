import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { loadConfig, type Config } from '../../src/config.js'
import { createApp } from '../../src/http/app.js'
import { ContentStore } from '../../src/store/content-store.js'

/** The repository's own folder: its bundled articles, media and site.yaml. */
export const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url))

/** An instant at which every bundled article that is not a draft is public (one is scheduled for 2030). */
export const AFTER_EVERY_BUNDLED_ARTICLE = new Date('2031-01-01T00:00:00Z')

/**
 * The app over the bundled articles, media and site settings, as `npm start`
 * serves them, with a fixed clock; read from disk, no socket.
 */
export async function bundledSite(siteUrl: string, now = AFTER_EVERY_BUNDLED_ARTICLE): Promise<{ app: ReturnType<typeof createApp>; store: ContentStore; config: Config }> {
  const config = loadConfig({ SITE_URL: siteUrl }, [], REPOSITORY, (file) => fs.readFileSync(file, 'utf8'))
  const store = new ContentStore({ config, clock: () => now, logger: { info: () => {}, warn: () => {} } })
  await store.load()
  store.close()
  return { app: createApp({ config, store, now: () => now.getTime() }), store, config }
}
