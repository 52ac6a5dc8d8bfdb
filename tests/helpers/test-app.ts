import fs from 'node:fs'
import { loadConfig, type Config } from '../../src/config.js'
import { createHttp, type Http } from '../../src/http/app.js'
import { ContentStore } from '../../src/store/content-store.js'
import { memorySource } from './memory-source.js'

/** An app over in-memory articles, with a fixed clock; no socket, no disk (`http` has the listener's fast path too). */
export async function testApp(
  files: Record<string, string>,
  env: Record<string, string> = {},
  now = new Date('2026-01-01T00:00:00Z'),
): Promise<{ app: Http['app']; http: Http; store: ContentStore; config: Config; files: Map<string, string> }> {
  // Site settings only when a test names a file: the repository's own site.yaml stays out of unit tests.
  const readFile = env.SITE_CONFIG ? (file: string) => fs.readFileSync(file, 'utf8') : undefined
  const config = loadConfig({ SITE_URL: 'https://www.example.de/', ...env }, [], process.cwd(), readFile)
  const map = new Map(Object.entries(files))
  const store = new ContentStore({ config, source: memorySource(map, config), clock: () => now, logger: { info: () => {}, warn: () => {} } })
  await store.load()
  await store.settled() // every encoding, as a request a moment after a start finds them
  store.close()
  const http = createHttp({ config, store, now: () => now.getTime() })
  return { app: http.app, http, store, config, files: map }
}
