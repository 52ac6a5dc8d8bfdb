/**
 * `npm run export -- --out DIR`: writes the whole site as files a static
 * host or CDN serves as they are — every feed, archive page, stylesheet, the
 * OPML list and every HTML page, each with `.gz` and `.br` siblings — byte
 * for byte what the service sends. Media files are copied. Takes the same
 * configuration as the service; filtered feeds (query strings) have no file.
 */
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadConfig } from './config.js'
import { withSiteSettings } from './site-settings.js'
import { ConfigError } from './errors/config-error.js'
import { FEED_FORMATS } from './feeds/feed-model.js'
import { archivePaths } from './site/paths.js'
import type { Resource } from './site/resource.js'
import { ContentStore } from './store/content-store.js'

/** Where a site path is written: `/` becomes `index.html`. */
export function exportFileFor(sitePath: string): string {
  return sitePath === '/' ? 'index.html' : sitePath.slice(1)
}

/** Writes every document of the store's current site under `outDir`; returns the site paths written. */
export async function exportSite(store: ContentStore, section: string, outDir: string, mediaDir?: string): Promise<string[]> {
  const written: string[] = []
  const write = async (sitePath: string, resource: Promise<Resource> | Resource | undefined, file = exportFileFor(sitePath)): Promise<void> => {
    const ready = await resource
    if (!ready) return
    const target = path.join(outDir, file)
    await fs.promises.mkdir(path.dirname(target), { recursive: true })
    await fs.promises.writeFile(target, ready.identity.body)
    if (ready.encodings.gzip) await fs.promises.writeFile(`${target}.gz`, ready.encodings.gzip.body)
    if (ready.encodings.br) await fs.promises.writeFile(`${target}.br`, ready.encodings.br.body)
    written.push(sitePath)
  }
  for (const sitePath of store.readyPaths()) await write(sitePath, store.resource(sitePath))
  for (let page = 1; page <= store.site().plan.archivePages; page++) {
    const paths = archivePaths(section, page)
    for (const format of FEED_FORMATS) await write(paths[format], store.archive(format, page))
  }
  for (const sitePath of store.publishedPages()) await write(sitePath, store.articlePage(sitePath))
  await write('/404.html', store.notFound())
  if (mediaDir && fs.existsSync(mediaDir)) {
    await fs.promises.cp(mediaDir, path.join(outDir, 'media'), { recursive: true, dereference: false })
  }
  return written
}

/** `--out DIR` (or `--out=DIR`) apart from the flags the service itself takes. */
function splitOut(argv: readonly string[]): { out: string | undefined; rest: string[] } {
  let out: string | undefined
  const rest: string[] = []
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string
    if (arg === '--out') out = argv[++index]
    else if (arg.startsWith('--out=')) out = arg.slice('--out='.length)
    else rest.push(arg)
  }
  return { out, rest }
}

async function main(): Promise<void> {
  const { out, rest } = splitOut(process.argv.slice(2))
  if (!out) throw new ConfigError('--out', 'is required: the folder to write the site into')
  const config = withSiteSettings(loadConfig(process.env, rest))
  const store = new ContentStore({ config })
  await store.load()
  store.close()
  const started = performance.now()
  const written = await exportSite(store, config.section.slug, path.resolve(out), config.mediaDir)
  console.log(`exported ${written.length} documents to ${path.resolve(out)} in ${Math.round(performance.now() - started)} ms`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : error)
    process.exit(1)
  })
}
