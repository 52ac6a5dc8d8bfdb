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
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { loadConfig } from './config.js'
import { runtimeIdentity } from './content/build-identity.js'
import { articlesFolderProblem, isGone } from './content/files.js'
import { mapLimit } from './util/map-limit.js'
import { ConfigError } from './errors/config-error.js'
import { runMain } from './errors/run-main.js'
import { exitGuarded } from './util/guarded-exit.js'
import { FEED_FORMATS } from './feeds/feed-model.js'
import { servedMediaFiles } from './http/media.js'
import { mediaKey } from './site/cache-keys.js'
import type { Inputs } from './site/export-manifest.js'
import { ExportedFiles, lockFolder, readManifest, withSiblings } from './export-files.js'
import { BodiesNotAsWritten } from './site/bodies-not-as-written.js'
import { archivePaths, ROBOTS_PATH } from './site/paths.js'
import { createRenderPool, type RenderPool, type RenderPoolOptions } from './site/render-pool.js'
import type { Resource } from './site/resource.js'
import { ContentStore } from './store/content-store.js'
import { Progress, withDigits } from './util/progress.js'

/** The manifest's name (its format: export-files.ts). */
export { MANIFEST } from './export-files.js'

/**
 * Documents rendered, compressed and written at once. Bodies render in the
 * worker threads and compression runs on libuv's threads: with a handful in
 * flight both cores stay busy while this thread renders pages.
 */
const CONCURRENCY = 8
/** The media's progress counts megabytes (10^6 bytes, as a file manager shows sizes). */
const MB = 1_000_000
const KB = 1_000
/** How the media's bytes are counted, by their total: megabytes with a decimal, else whole kB, else bytes (they read 0.0 MB). */
const mediaUnit = (total: number): { size: number; unit: string; fractionDigits: number } =>
  total >= MB ? { size: MB, unit: 'MB', fractionDigits: 1 } : total >= KB ? { size: KB, unit: 'kB', fractionDigits: 0 } : { size: 1, unit: 'B', fractionDigits: 0 }
/** Bytes as the end line says them, in the unit the progress counted them in: `912.4 MB`, `42 kB`. */
function inWords(bytes: number): string {
  const { size, unit, fractionDigits } = mediaUnit(bytes)
  return `${withDigits(bytes / size, fractionDigits)} ${unit}`
}

export interface ExportOptions {
  /** Documents at once (default 8); 1 renders and writes one after the other. */
  readonly concurrency?: number
  /** Called after each document: how many are done of how many. */
  readonly progress?: (done: number, total: number) => void
  /**
   * Called once the documents are done, when there are media files, then after each MiB copied and each file: their
   * bytes done (copied, or found unchanged) of all their bytes, and of those done the bytes found unchanged (no work:
   * no part of a rate). Bytes, not files: one episode's audio may take longer than every page.
   */
  readonly mediaProgress?: (bytes: number, total: number, unchanged: number) => void
  /** Called once the media are done, when there were any: how many files the export holds (copied or kept), and their bytes. */
  readonly mediaExported?: (files: number, bytes: number) => void
  /**
   * A digest of what every document is made of besides the articles and media
   * files: the code, its dependencies, the configuration and site settings
   * (buildStamp). Given, a document whose inputs are what the last export
   * recorded, with its files still there, is neither read nor rendered.
   */
  readonly build?: string
  /** Hears what the export found wrong but went on from: a manifest it could not read. */
  readonly warn?: (line: string) => void
  /** The caller holds the folder's lock already (lockFolder: `npm run export` takes it before it reads the articles). */
  readonly locked?: boolean
}

/** Where a site path is written: `/` becomes `index.html`. */
export function exportFileFor(sitePath: string): string {
  return sitePath === '/' ? 'index.html' : sitePath.slice(1)
}

interface Job {
  readonly sitePath: string
  readonly resource: () => Promise<Resource | undefined> | Resource | undefined
  /**
   * What the document's bytes depend on beyond its keys: the newest archive page was compressed as a current feed
   * (Brotli 9), the others at ARCHIVE_BROTLI_QUALITY, so a page that stopped being the newest had other `.br` bytes.
   * Every archive page now has ARCHIVE_BROTLI_QUALITY (feed-resource.ts); kept, as an export's manifest names it.
   */
  readonly variant?: string
}

/**
 * Writes every document of the store's current site under `outDir`; returns the site paths exported.
 * A document whose bytes the manifest already records, with its files still there at their sizes, is
 * not written again; nor is a media file copied again whose original did not change. With
 * `options.build`, a document whose inputs the manifest records unchanged is not even rendered.
 */
export async function exportSite(store: ContentStore, section: string, outDir: string, mediaDir?: string, options: ExportOptions = {}): Promise<string[]> {
  // The first site is served before its gzip and Brotli exist (ContentStore.settled): the export writes every encoding.
  await store.settled()
  const unlock = options.locked ? async () => {} : await lockFolder(outDir)
  try {
    return await exportLocked(store, section, outDir, mediaDir, options)
  } finally {
    await unlock()
  }
}

async function exportLocked(store: ContentStore, section: string, outDir: string, mediaDir: string | undefined, options: ExportOptions): Promise<string[]> {
  const { manifest: previous, problem } = await readManifest(outDir)
  if (problem !== undefined) {
    options.warn?.(`warning: ${problem}: every document is written again, and files of earlier exports that are no longer published stay (empty the folder to be rid of them)`)
  }
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
    // Without the browser's page, which no file holds (the service renders it when a browser asks).
    const variant = page === archivePages ? 'newest' : 'older'
    for (const format of FEED_FORMATS) jobs.push({ sitePath: paths[format], resource: () => store.archive(format, page, { browserPage: false }), variant })
    // Then the pages of about the same articles, oldest first, while their bodies are still kept.
    for (const end = Math.round((page * documents.length) / archivePages); next < end; next++) jobs.push(articleJob(store, documents[next] as string))
  }
  for (; next < documents.length; next++) jobs.push(articleJob(store, documents[next] as string))
  jobs.push({ sitePath: '/404.html', resource: () => store.notFound() })
  // A plus article's audio and transcript are never exported (plus-media.ts).
  const media = (mediaDir ? servedMediaFiles(mediaDir) : []).filter(({ relative }) => !store.withholdsMedia(relative.split('/').map(encodeURIComponent).join('/')))
  const files = new ExportedFiles(outDir, previous, [...jobs.flatMap(({ sitePath }) => withSiblings(exportFileFor(sitePath))), ...media.map(({ relative }) => `media/${relative}`)])
  await files.removeStale()
  const total = jobs.length
  const inputs = options.build === undefined ? undefined : await currentInputs(options.build, store, mediaDir)
  // A document showing a body given as plain text (out of time, a worker ended) or empty (unreadable) keeps no inputs: the next export renders it.
  const notAsWritten = new BodiesNotAsWritten(store.bodiesNotAsWritten())
  let done = 0
  // The first failure stops the export once the documents in flight are done: none is still writing when the folder is unlocked.
  let failure: { error: unknown } | undefined
  const exported = await mapLimit(
    jobs,
    async ({ sitePath, resource, variant }) => {
      if (failure) return undefined
      const file = exportFileFor(sitePath)
      let ready: Resource | undefined
      try {
        if (!(inputs && files.unchangedInputs(file, inputs, variant))) {
          ready = await resource()
          if (ready) await files.document(file, ready, notAsWritten.shown(file, ready.keys) ? undefined : inputs, variant)
        }
      } catch (error) {
        failure ??= { error }
        return undefined
      }
      options.progress?.(++done, total)
      return ready || files.written.has(file) ? sitePath : undefined
    },
    options.concurrency ?? CONCURRENCY,
  )
  if (failure) {
    // Its staged files are no site: a sync of the folder after the failure must not find them.
    await files.discardStaged()
    throw failure.error
  }
  for (const line of notAsWritten.lines()) options.warn?.(line)
  const sizes = options.mediaProgress || options.mediaExported ? await Promise.all(media.map(async ({ absolute }) => (await fs.promises.stat(absolute).catch(() => undefined))?.size ?? 0)) : []
  const mediaBytes = sizes.reduce((sum, size) => sum + size, 0)
  let copied = 0
  let unchanged = 0
  let held = 0
  let heldBytes = 0
  if (media.length > 0) options.mediaProgress?.(0, mediaBytes, 0)
  for (const [index, { relative, absolute }] of media.entries()) {
    const size = sizes[index] ?? 0
    try {
      const wrote = await files.media(`media/${relative}`, absolute, (bytes) => options.mediaProgress?.(copied + Math.min(bytes, size), mediaBytes, unchanged))
      if (!wrote) unchanged += size
      held += 1
      heldBytes += size
    } catch (error) {
      // One the service would not serve either (gone, no regular file, unreadable) is left out, and the export goes on.
      const problem = mediaProblem(error)
      if (problem === undefined) {
        await files.discardStaged()
        throw error
      }
      options.warn?.(`warning: MEDIA_DIR: ${relative} ${problem}; not exported`)
    }
    options.mediaProgress?.((copied += size), mediaBytes, unchanged)
  }
  if (media.length > 0) options.mediaExported?.(held, heldBytes)
  await files.finish()
  return exported.filter((sitePath): sitePath is string => sitePath !== undefined)
}

/** Why a media file was not copied, when it is one the service would not serve either; undefined for any other failure. */
function mediaProblem(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException).code
  if (isGone(code)) return 'was removed during the export'
  if (code === 'ENOTREGULAR') return 'is no regular file now (a FIFO, socket or device)'
  if (code === 'EACCES' || code === 'EPERM') return `cannot be read by this user (${code})`
  return undefined
}

const articleJob = (store: ContentStore, sitePath: string): Job => ({ sitePath, resource: () => store.articlePage(sitePath) })

/** The inputs of this export: `build`, the current site's cache key versions, and the size and time of every file under `mediaDir`. */
async function currentInputs(build: string, store: ContentStore, mediaDir: string | undefined): Promise<Inputs> {
  const media = new Map<string, string>()
  // Every file under MEDIA_DIR, withheld or not: a feed states lengths and pixel sizes of what it names.
  for (const { relative, absolute } of mediaDir ? servedMediaFiles(mediaDir) : []) {
    const stats = await fs.promises.stat(absolute)
    media.set(mediaKey(relative), `${stats.size} ${stats.mtimeMs}`)
  }
  return { build, versions: store.site().plan.keys, media }
}

/**
 * A digest of what every document is made of besides articles and media:
 * the code beside this module (every `.js` and `.ts` under its folder), the
 * dependencies' lock file, Node's version (zlib, Brotli) and its ICU and time-zone data, and `config`.
 */
export function buildStamp(config: unknown): string {
  const hash = createHash('sha256').update(`${runtimeIdentity()}\n`)
  hash.update(JSON.stringify(config, (_key, value: unknown) => (value instanceof Map || value instanceof Set ? [...value] : value instanceof RegExp ? String(value) : value)))
  const here = path.dirname(fileURLToPath(import.meta.url))
  const code = fs.readdirSync(here, { recursive: true, encoding: 'utf8' }).filter((file) => /\.(js|ts)$/.test(file)).sort()
  for (const file of code) hash.update(`\n${file}\n`).update(fs.readFileSync(path.join(here, file)))
  const lock = path.join(here, '..', 'package-lock.json')
  if (fs.existsSync(lock)) hash.update(fs.readFileSync(lock))
  return hash.digest('hex')
}

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

/**
 * The export's renderer: bodies, feed documents and article pages (hashed and compressed there) render in worker
 * threads at the process's priority, started at once; the rest here and on libuv's threads. When no worker can run,
 * all of it renders in this thread, the same files, slower (`warn` hears it once): never a body as the plain text the
 * service publishes meanwhile (BodyRendering.passing), which an export would leave as the article's text.
 */
export function exportRenderPool(warn: (line: string) => void, options: Pick<RenderPoolOptions, 'entry'> = {}): RenderPool {
  return createRenderPool({
    ...options,
    lowPriority: false,
    eager: true,
    pages: true,
    inThreadWithoutWorkers: (failure) => warn(`warning: render workers: ${failure.message}; the export renders in the main thread instead: the same files, slower`),
  })
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
  const missing = articlesFolderProblem(config.articlesDir)
  if (missing !== undefined) throw new ConfigError('ARTICLES_DIR', missing)
  // The folder first: a second export is refused at once, not after reading 50,000 articles.
  const unlock = await lockFolder(path.resolve(out))
  let documents: Progress | undefined
  let media: Progress | undefined
  /** The line drawn now: the media's once they began. */
  const shown = (): Progress | undefined => media ?? documents
  const warn = (line: string): void => {
    // Its own line, not the end of the progress bar's.
    shown()?.interrupt()
    console.error(line)
  }
  const renderer = exportRenderPool(warn)
  try {
    // The store's lines too (a body's problem, found as its page renders) end the bar's line first.
    const store = new ContentStore({ config, renderer, logger: { info: (line) => (shown()?.interrupt(), console.log(line)), warn } })
    await store.load()
    store.close()
    const started = performance.now()
    let mediaLine = ''
    const written = await exportSite(store, config.section.slug, path.resolve(out), config.mediaDir, {
      build: buildStamp(config),
      locked: true,
      warn,
      progress: (done, total) => (documents ??= new Progress({ stream: process.stderr, total, noun: 'documents', started })).update(done),
      // The media after the documents, on a line of their own, in MB (kB, bytes for less): a podcast's audio files
      // take long one by one. Files found unchanged count as done, not in the rate.
      mediaProgress: (bytes, total, unchanged) => {
        if (!media) documents?.finish()
        const { size, unit, fractionDigits } = mediaUnit(total)
        media ??= new Progress({ stream: process.stderr, total: total / size, noun: `${unit} of media`, unit, fractionDigits })
        media.update(bytes / size, unchanged / size)
      },
      mediaExported: (count, bytes) => (mediaLine = ` and ${count} media file${count === 1 ? '' : 's'} (${inWords(bytes)})`),
    }).catch((error: unknown) => {
      shown()?.interrupt()
      throw error
    })
    shown()?.finish()
    console.log(`exported ${written.length} documents${mediaLine} to ${path.resolve(out)} in ${Math.round(performance.now() - started)} ms`)
  } finally {
    await renderer.close()
    await unlock()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Ended by exitGuarded, not by an empty event loop: Node's own end can hang for good (util/guarded-exit.ts).
  runMain(() => main().then(() => exitGuarded(0)))
}
