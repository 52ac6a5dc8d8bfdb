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
 * operator's own robots.txt is kept, and ours not written). What is unchanged
 * since is not written again. Progress goes to stderr (util/progress.ts).
 */
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadConfig } from './config.js'
import { mapLimit } from './content/load-articles.js'
import { ConfigError } from './errors/config-error.js'
import { runMain } from './errors/run-main.js'
import { FEED_FORMATS } from './feeds/feed-model.js'
import { servedMediaFiles } from './http/media.js'
import { archivePaths, ROBOTS_PATH } from './site/paths.js'
import { createRenderPool } from './site/render-pool.js'
import type { Resource } from './site/resource.js'
import { ContentStore } from './store/content-store.js'
import { Progress } from './util/progress.js'

/**
 * The list of files an export wrote, relative to its folder: JSON,
 * `{ "version": 2, "files": [...], "stamps": {...} }`, which holds any file
 * name as it is. `stamps` (since the export skips what is unchanged) names,
 * for each document, its SHA-256 tag and the sizes of its files, and for each
 * media copy the size and modification time of its original.
 */
export const MANIFEST = '.export-manifest'
const MANIFEST_VERSION = 2

/**
 * What an export writes: a media copy, or a document (with its `.gz` and
 * `.br`). Names read from a manifest of the old form are only taken when
 * they look so (see readManifest).
 */
const EXPORTED_NAME = /^(media\/.+|.+\.(html|xml|json|opml|css|xsl)(\.gz|\.br)?)$/

/**
 * Documents rendered, compressed and written at once. Bodies render in the
 * worker threads and compression runs on libuv's threads: with a handful in
 * flight both cores stay busy while this thread renders pages.
 */
const CONCURRENCY = 8

export interface ExportOptions {
  /** Documents at once (default 8); 1 renders and writes one after the other. */
  readonly concurrency?: number
  /** Called after each document or media file: how many are done of how many. */
  readonly progress?: (done: number, total: number) => void
}

/** Where a site path is written: `/` becomes `index.html`. */
export function exportFileFor(sitePath: string): string {
  return sitePath === '/' ? 'index.html' : sitePath.slice(1)
}

interface Job {
  readonly sitePath: string
  readonly resource: () => Promise<Resource> | Resource | undefined
}

/**
 * Writes every document of the store's current site under `outDir`; returns the site paths exported.
 * A document whose bytes the manifest already records, with its files still there at their sizes, is
 * not written again; nor is a media file copied again whose original did not change.
 */
export async function exportSite(store: ContentStore, section: string, outDir: string, mediaDir?: string, options: ExportOptions = {}): Promise<string[]> {
  const previous = await readManifest(outDir)
  const files = new ExportedFiles(outDir, previous.stamps)
  // An operator's own robots.txt (one no export wrote) is theirs: ours only names the sitemaps.
  const operatorsRobots = !previous.files.includes('robots.txt') && (await fs.promises.stat(path.join(outDir, 'robots.txt')).then(() => true, () => false))
  const jobs: Job[] = []
  for (const sitePath of store.readyPaths()) {
    if (!(sitePath === ROBOTS_PATH && operatorsRobots)) jobs.push({ sitePath, resource: () => store.resource(sitePath) })
  }
  const documents = inArchiveOrder(store)
  const { archivePages } = store.site().plan
  let next = 0
  for (let page = 1; page <= archivePages; page++) {
    const paths = archivePaths(section, page)
    for (const format of FEED_FORMATS) jobs.push({ sitePath: paths[format], resource: () => store.archive(format, page) })
    // Then the pages of about the same articles, oldest first, while their bodies are still kept.
    for (const end = Math.round((page * documents.length) / archivePages); next < end; next++) jobs.push(articleJob(store, documents[next] as string))
  }
  for (; next < documents.length; next++) jobs.push(articleJob(store, documents[next] as string))
  jobs.push({ sitePath: '/404.html', resource: () => store.notFound() })
  // A plus article's audio and transcript are never exported (plus-media.ts).
  const media = (mediaDir ? servedMediaFiles(mediaDir) : []).filter(({ relative }) => !store.withholdsMedia(relative.split('/').map(encodeURIComponent).join('/')))
  const total = jobs.length + media.length
  let done = 0
  const exported = await mapLimit(
    jobs,
    async ({ sitePath, resource }) => {
      const ready = await resource()
      if (ready) await files.document(exportFileFor(sitePath), ready)
      options.progress?.(++done, total)
      return ready && sitePath
    },
    options.concurrency ?? CONCURRENCY,
  )
  for (const { relative, absolute } of media) {
    await files.media(`media/${relative}`, absolute)
    options.progress?.(++done, total)
  }
  for (const file of previous.files) {
    if (!files.written.has(file)) await fs.promises.rm(path.join(outDir, file), { force: true })
  }
  const manifest = `${JSON.stringify({ version: MANIFEST_VERSION, files: [...files.written].sort(), stamps: Object.fromEntries([...files.stamps].sort(([a], [b]) => (a < b ? -1 : 1))) }, null, 2)}\n`
  if (manifest !== previous.text) await fs.promises.writeFile(path.join(outDir, MANIFEST), manifest)
  return exported.filter((sitePath): sitePath is string => sitePath !== undefined)
}

const articleJob = (store: ContentStore, sitePath: string): Job => ({ sitePath, resource: () => store.articlePage(sitePath) })

/**
 * The article pages (and the episode documents beside them) oldest first, as
 * the archive pages go: rendered next to the archive page that holds the same
 * articles, each body is rendered once for both (RenderedBodies keeps 2,000),
 * where in the order of their paths nearly every body was rendered twice.
 */
function inArchiveOrder(store: ContentStore): string[] {
  const documents = store.publishedDocuments()
  const listed = new Set(documents)
  const oldestFirst = store.site().plan.pages.map((article) => article.path).filter((sitePath) => listed.delete(sitePath))
  return [...oldestFirst, ...documents.filter((sitePath) => listed.has(sitePath))]
}

/** The files of one export: written, or found unchanged from the last (its stamps). */
class ExportedFiles {
  readonly written = new Set<string>()
  readonly stamps = new Map<string, string>()
  readonly #outDir: string
  readonly #previous: ReadonlyMap<string, string>
  readonly #folders = new Set<string>()

  constructor(outDir: string, previous: ReadonlyMap<string, string>) {
    this.#outDir = outDir
    this.#previous = previous
  }

  /** A document and its `.gz` and `.br` siblings. */
  async document(file: string, resource: Resource): Promise<void> {
    const bodies: [string, Uint8Array][] = [[file, resource.identity.body]]
    if (resource.encodings.gzip) bodies.push([`${file}.gz`, resource.encodings.gzip.body])
    if (resource.encodings.br) bodies.push([`${file}.br`, resource.encodings.br.body])
    // The identity's tag (SHA-256) and every file's size: a sibling compressed otherwise since has another size.
    const stamp = `${resource.identity.etag.slice(1, -1)} ${bodies.map(([, body]) => body.byteLength).join(' ')}`
    await this.#unlessUnchanged(file, stamp, bodies.map(([name, body]) => [name, body.byteLength] as const), async () => {
      for (const [name, body] of bodies) await fs.promises.writeFile(await this.#target(name), body)
    })
    for (const [name] of bodies) this.written.add(name)
  }

  /** A media file, copied. */
  async media(file: string, absolute: string): Promise<void> {
    const original = await fs.promises.stat(absolute)
    const stamp = `${original.size} ${original.mtimeMs}`
    await this.#unlessUnchanged(file, stamp, [[file, original.size]], async () => {
      const target = await this.#target(file)
      // The file itself, never a link: a static host might follow one anywhere.
      await fs.promises.rm(target, { force: true })
      await fs.promises.copyFile(absolute, target)
    })
    this.written.add(file)
  }

  /** Runs `write` unless the last export recorded `stamp` for `file` and each of `sizes` is a file of that size (not a link). */
  async #unlessUnchanged(file: string, stamp: string, sizes: readonly (readonly [string, number])[], write: () => Promise<void>): Promise<void> {
    this.stamps.set(file, stamp)
    if (this.#previous.get(file) === stamp) {
      const found = await Promise.all(sizes.map(([name]) => fs.promises.lstat(path.join(this.#outDir, name)).catch(() => undefined)))
      if (found.every((stats, index) => stats?.isFile() && stats.size === sizes[index]?.[1])) return
    }
    await write()
  }

  /** The absolute path of `file`, its folder made (once). */
  async #target(file: string): Promise<string> {
    const target = path.join(this.#outDir, file)
    const folder = path.dirname(target)
    if (!this.#folders.has(folder)) {
      await fs.promises.mkdir(folder, { recursive: true })
      this.#folders.add(folder)
    }
    return target
  }
}

/** The last export into `outDir`: its manifest's text, the files it wrote and their stamps; none when there was none. */
async function readManifest(outDir: string): Promise<{ text: string; files: string[]; stamps: Map<string, string> }> {
  const text = await fs.promises.readFile(path.join(outDir, MANIFEST), 'utf8').catch(() => '')
  let listed: unknown[]
  let stamps: unknown
  if (text.startsWith('{')) {
    try {
      const manifest = JSON.parse(text) as { files?: unknown; stamps?: unknown }
      listed = Array.isArray(manifest.files) ? manifest.files : []
      stamps = manifest.stamps
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
  const files = listed.filter((file): file is string => typeof file === 'string' && file !== '' && !path.isAbsolute(file) && !file.split('/').includes('..'))
  const known = typeof stamps === 'object' && stamps !== null ? Object.entries(stamps) : []
  return { text, files, stamps: new Map(known.filter((entry): entry is [string, string] => typeof entry[1] === 'string')) }
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
  // Bodies and feed documents render in worker threads, as in the service; pages and compression meanwhile here and on libuv's threads.
  const renderer = createRenderPool({ lowPriority: false, eager: true })
  try {
    const store = new ContentStore({ config, renderer })
    await store.load()
    store.close()
    const started = performance.now()
    let progress: Progress | undefined
    const written = await exportSite(store, config.section.slug, path.resolve(out), config.mediaDir, {
      progress: (done, total) => (progress ??= new Progress({ stream: process.stderr, total, noun: 'documents', started })).update(done),
    })
    progress?.finish()
    console.log(`exported ${written.length} documents to ${path.resolve(out)} in ${Math.round(performance.now() - started)} ms`)
  } finally {
    await renderer.close()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runMain(main)
}
