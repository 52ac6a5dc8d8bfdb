/**
 * The export after one whose render of a body ran out of time (a paused VM, a starved machine: the 20 s limit):
 * that export writes the body as plain text, and the next one, with nothing changed, renders it again.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../src/config.js'
import { exportSite, MANIFEST } from '../src/export.js'
import { bodyOrPlainText } from '../src/site/render-request.js'
import { RENDER_IN_THREAD, type Renderer } from '../src/site/renderer.js'
import { ContentStore } from '../src/store/content-store.js'
import { WorkerTimeoutError } from '../src/util/worker-errors.js'
import { memorySource } from './helpers/memory-source.js'
import { articleText, makeTempDir } from './helpers/temp-dir.js'

const ENV = { FEED_LIMIT: '3', ARCHIVE_PAGE_SIZE: '2' }
/** Eight articles; a<bank> holds 'Bank', whose Markdown renders otherwise than its plain text. */
const files = (bank: number) =>
  new Map(
    Array.from({ length: 8 }, (_, index) => {
      const n = index + 1
      const body = n === bank ? 'Die Bank *hält* still.\n' : `Text ${n}. `.repeat(200)
      return [`a${n}.md`, articleText({ title: `Artikel ${n}`, date: `2025-01-0${n}T10:00:00Z`, category: 'wirtschaft' }, body)] as const
    }),
  )
const temp = makeTempDir('export-timed-out-')
afterAll(() => temp.rm())

/** How a1.md's body fails: its render runs out of time (as the render pool's 20 s limit says), or its worker ends. */
type Failure = 'time' | 'worker'
/** A renderer whose renders of the body holding 'Bank' fail so (with `failure`); every other body renders. */
function renderer(failure: Failure | undefined): Renderer {
  const failed = () => Promise.reject(failure === 'time' ? new WorkerTimeoutError(20_000) : new Error('worker stopped with exit code 1'))
  return {
    ...RENDER_IN_THREAD,
    body: (markdown, url, site) =>
      bodyOrPlainText(markdown, () => (failure && markdown.includes('Bank') ? failed() : RENDER_IN_THREAD.body(markdown, url, site)), () => Promise.reject(new Error('no plain text from a worker'))),
  }
}

/** An export of files(bank) into `out` by a new store (a new `npm run export`), with build b1; the warnings said, and the site paths asked for. */
async function exportInto(out: string, bank: number, failure?: Failure): Promise<{ warnings: string[]; asked: string[] }> {
  const warnings: string[] = []
  const config = loadConfig({ SITE_URL: 'https://www.example.de/', ...ENV }, [], process.cwd())
  const logger = { info: () => {}, warn: (line: string) => void warnings.push(line) }
  const store = new ContentStore({ config, source: memorySource(files(bank), config), clock: () => new Date('2026-01-01T00:00:00Z'), logger, renderer: renderer(failure) })
  await store.load()
  store.close()
  const asked: string[] = []
  const resource = store.resource.bind(store)
  const articlePage = store.articlePage.bind(store)
  const archive = store.archive.bind(store)
  vi.spyOn(store, 'resource').mockImplementation((sitePath) => (asked.push(sitePath), resource(sitePath)))
  vi.spyOn(store, 'articlePage').mockImplementation((sitePath) => (asked.push(sitePath), articlePage(sitePath)))
  vi.spyOn(store, 'archive').mockImplementation((format, page, options) => (asked.push(`archive ${page} ${format}`), archive(format, page, options)))
  await exportSite(store, 'wirtschaft', out, undefined, { build: 'b1', warn: (line) => void warnings.push(line) })
  return { warnings, asked: asked.sort() }
}

const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file))
/** The body of Artikel <bank> in the JSON Feed document `file`. */
const bodyIn = (dir: string, file: string, bank: number) =>
  (JSON.parse(read(dir, file).toString('utf8')) as { items: { title: string; content_html: string }[] }).items.find((item) => item.title === `Artikel ${bank}`)?.content_html
const withSiblings = (files: readonly string[]) => files.flatMap((file) => [file, `${file}.gz`, `${file}.br`])

describe('static export after one whose render of a body ran out of time, or whose worker ended on it', () => {
  // Before: the second export asked for nothing, and the documents kept the plain text until the article changed.
  const archived = { asked: ['/wirtschaft/a1.html', 'archive 1 atom', 'archive 1 json', 'archive 1 rss'], files: ['wirtschaft/a1.html', 'wirtschaft/archiv/1/atom.xml', 'wirtschaft/archiv/1/feed.json', 'wirtschaft/archiv/1/feed.xml'] }
  it.each([
    // An archived article: its page and archive page 1.
    ['time', 1, 'took longer than 20 s to render', archived, 'wirtschaft/archiv/1/feed.json'],
    ['worker', 1, 'could not be rendered (worker stopped with exit code 1)', archived, 'wirtschaft/archiv/1/feed.json'],
    // The newest: rendered with the current feeds as the store loads, before the export begins; the index names it too.
    [
      'time',
      8,
      'took longer than 20 s to render',
      { asked: ['/', '/wirtschaft/a8.html', '/wirtschaft/atom.xml', '/wirtschaft/feed.json', '/wirtschaft/feed.xml'], files: ['index.html', 'wirtschaft/a8.html', 'wirtschaft/atom.xml', 'wirtschaft/feed.json', 'wirtschaft/feed.xml'] },
      'wirtschaft/feed.json',
    ],
  ] as const)('(%s, a%i.md) renders again, with nothing changed, the documents that show that body, and writes them as written', async (failure, bank, problem, { asked, files }, feed) => {
    const fresh = path.join(temp.dir, `fresh-${failure}-${bank}`)
    await exportInto(fresh, bank)
    const out = path.join(temp.dir, `out-${failure}-${bank}`)
    const first = await exportInto(out, bank, failure)
    expect(bodyIn(out, feed, bank)).toBe('<p>Die Bank *hält* still.</p>')
    expect(first.warnings).toEqual([
      `warning a${bank}.md: body: ${problem}; published as plain text`,
      `warning a${bank}.md: body: not exported as written this time (plain text, or empty); the next export renders the ${files.length} documents that show it again: ${files.slice(0, 3).join(', ')} and ${files.length - 3} more`,
    ])
    // Written, but not vouched for: no inputs of theirs in the manifest (every other document has its own).
    const manifest = JSON.parse(read(out, MANIFEST).toString('utf8')) as { inputs: Record<string, string>; stamps: Record<string, string> }
    expect(Object.keys(manifest.stamps).filter((file) => !(file in manifest.inputs))).toEqual(files)

    const second = await exportInto(out, bank)
    expect(second).toEqual({ warnings: [], asked })
    expect(bodyIn(out, feed, bank)).toBe('<p>Die Bank <em>hält</em> still.</p>')
    for (const file of withSiblings(files)) expect(read(out, file).equals(read(fresh, file)), file).toBe(true)
    // And the one after finds them made from what it would make them of: it renders nothing.
    expect(await exportInto(out, bank)).toEqual({ warnings: [], asked: [] })
  })
})
