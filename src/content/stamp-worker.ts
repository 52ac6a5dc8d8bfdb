// A worker thread (file-stamps.ts starts it): readableStamp of each file it is given, in order, a chunk per message (its lines).
import { parentPort, workerData } from 'node:worker_threads'
import { readableStampLines, type StampWorkerData } from './file-stamps.js'

const { root, files, chunk } = workerData as StampWorkerData
for (let from = 0; from < files.length; from += chunk) parentPort?.postMessage(readableStampLines(root, files.slice(from, from + chunk)))
