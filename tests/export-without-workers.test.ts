/**
 * The export when no render worker can run (npm run export's renderer, exportRenderPool): it renders in the main
 * thread and writes the same files as with workers, never a body as the plain text the service publishes meanwhile.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { exportRenderPool, exportSite, MANIFEST } from '../src/export.js'
import type { Renderer } from '../src/site/render-request.js'
import { ContentStore } from '../src/store/content-store.js'
import { memorySource } from './helpers/memory-source.js'
import { builtRenderPool } from './helpers/render-pool.js'
import { articleText, makeTempDir } from './helpers/temp-dir.js'

const ENV = { FEED_LIMIT: '3', ARCHIVE_PAGE_SIZE: '2' }
/** Eight articles whose bodies' Markdown renders otherwise than their plain text: emphasis, a link, a list. */
const FILES = new Map(
  Array.from({ length: 8 }, (_, index) => {
    const n = index + 1
    const body = `Die **EZB** senkt den Zins um *${n}* Punkte ([mehr](/ezb-${n}.html)).\n\n- Anleihen\n- Aktien\n\n`.repeat(20)
    return [`a${n}.md`, articleText({ title: `Artikel ${n}`, date: `2025-01-0${n}T10:00:00Z`, category: 'wirtschaft' }, body)] as const
  }),
)
const temp = makeTempDir('export-without-workers-')
afterAll(() => temp.rm())

/** Exports FILES with `renderer` into a fresh folder; every file but the manifest, by name, and the warnings said. */
async function exportWith(name: string, renderer: Renderer & { close(): Promise<void> }, warnings: string[] = []): Promise<Map<string, string>> {
  const out = path.join(temp.dir, name)
  const config = loadConfig({ SITE_URL: 'https://www.example.de/', ...ENV }, [], process.cwd())
  const logger = { info: () => {}, warn: (line: string) => void warnings.push(line) }
  try {
    const store = new ContentStore({ config, source: memorySource(FILES, config), clock: () => new Date('2026-01-01T00:00:00Z'), logger, renderer })
    await store.load()
    store.close()
    await exportSite(store, 'wirtschaft', out, undefined, { warn: (line) => void warnings.push(line) })
  } finally {
    await renderer.close()
  }
  const files = new Map<string, string>()
  for (const file of fs.readdirSync(out, { recursive: true, encoding: 'utf8' }).sort()) {
    if (file !== MANIFEST && fs.statSync(path.join(out, file)).isFile()) files.set(file, fs.readFileSync(path.join(out, file)).toString('base64'))
  }
  expect(JSON.parse(fs.readFileSync(path.join(out, MANIFEST), 'utf8')).complete, `${name}: the manifest of a whole export`).toBeUndefined()
  return files
}

let withWorkers = new Map<string, string>()
beforeAll(async () => {
  withWorkers = await exportWith('with-workers', builtRenderPool({ lowPriority: false, pages: true }))
})

describe('static export without render workers', () => {
  // Before, either way: the export failed on the first article page, having written the current feeds with every body
  // as plain text (BodyRendering.passing), its manifest marked incomplete. Before the bodies' fix, where workers end on
  // their first task: the two bodies given to the first two workers to end were written as plain text ('could not be
  // rendered (worker stopped with exit code 7); published as plain text'), taken for at fault.
  it.each([
    ['no worker can start', 'cannot-load.mjs', 'cannot start a worker: Modul fehlt'],
    ['every worker ends on its first task', 'ends-on-every-task.mjs', 'every worker ends on its first task (worker stopped with exit code 7)'],
  ])('renders in the main thread when %s, writing every file byte for byte as with workers, and says so once', async (_, worker, why) => {
    const warnings: string[] = []
    const entry = new URL(`fixtures/workers/${worker}`, import.meta.url)
    const files = await exportWith(worker, exportRenderPool((line) => void warnings.push(line), { entry }), warnings)
    expect(warnings).toEqual([`warning: render workers: ${why}; the export renders in the main thread instead: the same files, slower`])
    expect([...files.keys()]).toEqual([...withWorkers.keys()])
    expect(files.size).toBe(81)
    for (const [file, bytes] of withWorkers) expect(files.get(file), file).toBe(bytes)
    expect(Buffer.from(files.get('wirtschaft/feed.xml') as string, 'base64').toString('utf8')).toContain('<p>Die <strong>EZB</strong> senkt den Zins um <em>8</em> Punkte')
  })
})
