// node --expose-gc bench/heap-harness.mjs ARTICLES_DIR (from the project root, after npm run build)
// Loads ARTICLES_DIR into the built ContentStore as the service does (bodies
// rendered in this thread: the render workers hold no articles) and prints
// the heap used (JS heap and buffers) after a full GC, beside the heap of the same store loaded
// from an empty folder. Plain JavaScript on dist/: a TypeScript loader would
// add its own heap to the figure. Then the heap once the cache keys' versions
// are worked out too (`keys`), as a service with PURGE holds them at a start,
// and after a change, when it holds only what each article's are made of.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../dist/config.js'
import { ContentStore } from '../dist/store/content-store.js'

const quiet = { info: () => {}, warn: () => {} }

async function heapWith(dir) {
  const config = loadConfig({ ARTICLES_DIR: dir, SITE_URL: 'http://127.0.0.1/', WEBSUB_HUB: '' })
  const store = new ContentStore({ config, logger: quiet })
  await store.load()
  return { store, heap: await heapNow(), articles: store.site().plan.published }
}

async function heapNow() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
  // Buffers (rendered documents) live outside the JS heap: counted too.
  const { heapUsed, external } = process.memoryUsage()
  return heapUsed + external
}

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc')
const dir = process.argv[2]
if (!dir) throw new Error('usage: node --expose-gc bench/heap-harness.mjs ARTICLES_DIR')
const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'heap-empty-'))
const baseline = await heapWith(empty)
baseline.store.close()
fs.rmSync(empty, { recursive: true, force: true })
const loaded = await heapWith(dir)
let versions = loaded.store.site().plan.keys
const size = versions.size
const keys = await heapNow()
// Then after a change (here a rebuild that renders nothing new: a new plan, the same documents): the state a change
// swaps in holds no versions of every key (SitePlan.changedSince works its keys out from what differs), only each
// article's facts (key-versions.ts's ArticleKeyFacts), which the change's purge used.
versions = undefined
await loaded.store.rebuild()
const changed = await heapNow()
console.log(`heap ${loaded.heap} baseline ${baseline.heap} articles ${loaded.articles} keys ${keys} (${size}) after a change ${changed}`)
loaded.store.close()
