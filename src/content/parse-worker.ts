// A worker thread (read-ahead.ts starts it at a load): reads and parses the files of each chunk it claims, in the
// list's order, a little ahead of the main thread, which reads the chunks it claims itself.
import { parentPort, workerData } from 'node:worker_threads'
import { ArticleError } from '../errors/article-error.js'
import { bodyDigest } from './body-digest.js'
import { BUNDLED_PARSE_IDENTITY } from './build-identity.js'
import { readArticleFile } from './load-articles.js'
import { AHEAD_CHUNKS, BY_WORKER, UNCLAIMED, type ParseWorkerData, type ReadOutcome } from './read-ahead.js'

const { root, files, options, claims, chunk, identity } = workerData as ParseWorkerData
// Loaded from a dist/ built again since the service started (a reload long after): it claims nothing, and the main thread reads.
if (identity !== undefined && identity !== BUNDLED_PARSE_IDENTITY) throw new Error("its code is another build than the service's (dist/ was built again since it started)")
const cells = new Int32Array(claims)
/** The last cell: the chunk the main thread has come to. */
const progress = cells.length - 1
for (let at = 0; at * chunk < files.length; at++) {
  // Never far ahead of the main thread: what it has not taken yet waits in its heap (woken as it takes; looked at every 50 ms).
  for (let seen = Atomics.load(cells, progress); at > seen + AHEAD_CHUNKS; seen = Atomics.load(cells, progress)) Atomics.wait(cells, progress, seen, 50)
  if (Atomics.compareExchange(cells, at, UNCLAIMED, BY_WORKER) !== UNCLAIMED) continue
  const outcomes: [number, ReadOutcome][] = []
  for (let index = at * chunk; index < Math.min((at + 1) * chunk, files.length); index++) outcomes.push([index, await outcomeOf(files[index] as string)])
  parentPort?.postMessage(outcomes)
}

/** What readArticleFile gave for `file`, as data: its article without the body (only its digest is kept), or the refusal. */
async function outcomeOf(file: string): Promise<ReadOutcome> {
  let stamp: string | undefined
  const readAt = Date.now()
  try {
    const parsed = readArticleFile(root, file, options, (read) => (stamp = read))
    if (!parsed) return { kind: 'gone', stamp }
    return { kind: 'parsed', stamp, readAt, article: parsed.article, warnings: parsed.warnings, bodyDigest: await bodyDigest(parsed.body) }
  } catch (error) {
    if (!(error instanceof ArticleError)) return { kind: 'failed' }
    return { kind: 'refused', stamp, problems: error.problems, moreProblems: error.moreProblems }
  }
}
