/**
 * `npm run export -- --out DIR`: writes the whole site as files a static
 * host or CDN serves as they are — every feed, archive page, stylesheet, the
 * OPML list, the sitemaps, robots.txt and every HTML page, each with `.gz` and `.br` siblings — byte
 * for byte what the service sends. Media files are copied: those `/media/`
 * serves, nothing else. Takes the same configuration as the service; filtered
 * feeds (query strings) have no file.
 *
 * Exporting again into the same folder removes what the last export wrote and
 * this one did not (a withdrawn article must not stay on the CDN); it knows
 * them from its manifest, MANIFEST, and never touches other files (an
 * operator's own robots.txt is kept, and ours not written).
 */
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadConfig } from './config.js'
import { ConfigError } from './errors/config-error.js'
import { runMain } from './errors/run-main.js'
import { FEED_FORMATS } from './feeds/feed-model.js'
import { servedMediaFiles } from './http/media.js'
import { archivePaths, ROBOTS_PATH } from './site/paths.js'
import type { Resource } from './site/resource.js'
import { ContentStore } from './store/content-store.js'

/**
 * The list of files an export wrote, relative to its folder: JSON,
 * `{ "version": 2, "files": [...] }`, which holds any file name as it is.
 */
export const MANIFEST = '.export-manifest'
const MANIFEST_VERSION = 2

/**
 * What an export writes: a media copy, or a document (with its `.gz` and
 * `.br`). Names read from a manifest of the old form are only taken when
 * they look so (see readManifest).
 */
const EXPORTED_NAME = /^(media\/.+|.+\.(html|xml|json|opml|css|xsl)(\.gz|\.br)?)$/

/** Where a site path is written: `/` becomes `index.html`. */
export function exportFileFor(sitePath: string): string {
  return sitePath === '/' ? 'index.html' : sitePath.slice(1)
}

/** Writes every document of the store's current site under `outDir`; returns the site paths written. */
export async function exportSite(store: ContentStore, section: string, outDir: string, mediaDir?: string): Promise<string[]> {
  const written: string[] = []
  const files = new Set<string>()
  const writeFile = async (file: string, bytes: Uint8Array): Promise<void> => {
    const target = path.join(outDir, file)
    await fs.promises.mkdir(path.dirname(target), { recursive: true })
    await fs.promises.writeFile(target, bytes)
    files.add(file)
  }
  const write = async (sitePath: string, resource: Promise<Resource> | Resource | undefined, file = exportFileFor(sitePath)): Promise<void> => {
    const ready = await resource
    if (!ready) return
    await writeFile(file, ready.identity.body)
    if (ready.encodings.gzip) await writeFile(`${file}.gz`, ready.encodings.gzip.body)
    if (ready.encodings.br) await writeFile(`${file}.br`, ready.encodings.br.body)
    written.push(sitePath)
  }
  const previous = await readManifest(outDir)
  // An operator's own robots.txt (one no export wrote) is theirs: ours only names the sitemaps.
  const operatorsRobots = !previous.includes('robots.txt') && (await fs.promises.stat(path.join(outDir, 'robots.txt')).then(() => true, () => false))
  for (const sitePath of store.readyPaths()) {
    if (!(sitePath === ROBOTS_PATH && operatorsRobots)) await write(sitePath, store.resource(sitePath))
  }
  for (let page = 1; page <= store.site().plan.archivePages; page++) {
    const paths = archivePaths(section, page)
    for (const format of FEED_FORMATS) await write(paths[format], store.archive(format, page))
  }
  for (const sitePath of store.publishedDocuments()) await write(sitePath, store.articlePage(sitePath))
  await write('/404.html', store.notFound())
  for (const media of mediaDir ? servedMediaFiles(mediaDir) : []) {
    if (store.withholdsMedia(media.relative.split('/').map(encodeURIComponent).join('/'))) continue // a plus article's (plus-media.ts)
    const file = `media/${media.relative}`
    const target = path.join(outDir, file)
    await fs.promises.mkdir(path.dirname(target), { recursive: true })
    // The file itself, never a link: a static host might follow one anywhere.
    await fs.promises.rm(target, { force: true })
    await fs.promises.copyFile(media.absolute, target)
    files.add(file)
  }
  for (const file of previous) {
    if (!files.has(file)) await fs.promises.rm(path.join(outDir, file), { force: true })
  }
  await fs.promises.writeFile(path.join(outDir, MANIFEST), `${JSON.stringify({ version: MANIFEST_VERSION, files: [...files].sort() }, null, 2)}\n`)
  return written
}

/** The files the last export into `outDir` wrote; none when there was none. */
async function readManifest(outDir: string): Promise<string[]> {
  const text = await fs.promises.readFile(path.join(outDir, MANIFEST), 'utf8').catch(() => '')
  let listed: unknown[]
  if (text.startsWith('{')) {
    try {
      const files: unknown = (JSON.parse(text) as { files?: unknown }).files
      listed = Array.isArray(files) ? files : []
    } catch {
      listed = [] // Unreadable: removing nothing is the safe mistake.
    }
  } else {
    // The old form, one name a line, was written until the JSON form replaced
    // it: a media file name with a line break in it was listed as two names,
    // the second an operator's file. Read once, for the export that upgrades.
    listed = text.split('\n').filter((line) => EXPORTED_NAME.test(line))
  }
  // Only plain relative paths: a manifest edited by hand must not point outside.
  return listed.filter((file): file is string => typeof file === 'string' && file !== '' && !path.isAbsolute(file) && !file.split('/').includes('..'))
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
  const config = loadConfig(process.env, rest, process.cwd(), (file) => fs.readFileSync(file, 'utf8'))
  const store = new ContentStore({ config })
  await store.load()
  store.close()
  const started = performance.now()
  const written = await exportSite(store, config.section.slug, path.resolve(out), config.mediaDir)
  console.log(`exported ${written.length} documents to ${path.resolve(out)} in ${Math.round(performance.now() - started)} ms`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runMain(main)
}
