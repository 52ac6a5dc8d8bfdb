/**
 * A change to every folder at once (`chmod -R` over ARTICLES_DIR, a restore
 * that touches every folder): the watcher and the catalog go through each
 * folder, and requests must still be answered. Before, a `chmod -R` over
 * 5,000 articles in 1,000 folders held the event loop for 0.27-0.32 s at a
 * time (1.5 s before mapLimit's shared pause). Here 4,000 folders of one
 * article: the longest gap between two turns was 87 ms, and 1,240 ms with
 * the catalog's folders in one turn, 1,117 ms with the watcher's lstats and
 * watches in one. A guard against a stall, so its bound is wide (turns are
 * due every 20 ms); it runs alone (vitest.config.ts).
 */
import { execFileSync } from 'node:child_process'
import { afterEach, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'
import { pastFirstRescan, startLiveStore } from '../helpers/live-store.js'
import { startLoopProbe } from '../helpers/loop-delay.js'

const FOLDERS = 4000
const cleanups: (() => void)[] = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
})

it('lets the event loop turn while a chmod -R over 4,000 folders is applied', { timeout: 60_000 }, async () => {
  const temp = makeTempDir('folder-storm-')
  cleanups.push(temp.rm)
  for (let n = 0; n < FOLDERS; n++) {
    temp.write(`f${n}/a${n}.md`, articleText({ title: `"Artikel ${n}"`, date: '2025-01-01T10:00:00Z', category: 'wirtschaft', slug: `artikel-${n}` }))
  }
  const config = loadConfig({ ARTICLES_DIR: temp.dir, SITE_URL: 'https://www.example.de/', RESCAN_INTERVAL: '0' })
  const lines: string[] = []
  const { store, close } = await startLiveStore(config, { info: (line) => lines.push(line), warn: (line) => lines.push(line) })
  cleanups.push(close)
  await store.settled()
  await pastFirstRescan()
  const applied = lines.length
  execFileSync('chmod', ['-R', '700', temp.dir])
  const probe = startLoopProbe()
  cleanups.push(() => probe.stop())
  // Every folder and file is named (a mode changed) and applied: each file read again, none changed.
  const started = Date.now()
  while (!lines.slice(applied).some((line) => /^applied \d+ changed file/.test(line)) && Date.now() - started < 30_000) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  // The watcher reports a long burst in batches (at most 100 ms apart): until a second goes by without one.
  for (let seen = -1; seen !== lines.length; ) {
    seen = lines.length
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
  const longest = probe.stop()
  expect(lines.slice(applied).filter((line) => line.startsWith('applied '))).not.toEqual([])
  expect(longest).toBeLessThan(400)
})
