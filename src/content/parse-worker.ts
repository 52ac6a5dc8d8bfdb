// A worker thread (read-ahead.ts starts it at a load): reads and parses files from the end of the list towards its
// start, each one it claims first, until it meets the main thread, which reads from the start.
import { parentPort, workerData } from 'node:worker_threads'
import { ArticleError } from '../errors/article-error.js'
import { bodyDigest } from './body-digest.js'
import { readArticleFile } from './load-articles.js'
import { BY_WORKER, UNCLAIMED, type ParseWorkerData, type ReadOutcome } from './read-ahead.js'

const { root, files, options, claims, batch } = workerData as ParseWorkerData
const claimed = new Int32Array(claims)
let outcomes: [number, ReadOutcome][] = []
for (let index = files.length - 1; index >= 0; index--) {
  if (Atomics.compareExchange(claimed, index, UNCLAIMED, BY_WORKER) !== UNCLAIMED) break
  outcomes.push([index, await outcomeOf(files[index] as string)])
  if (outcomes.length >= batch) {
    parentPort?.postMessage(outcomes)
    outcomes = []
  }
}
parentPort?.postMessage(outcomes)

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
