/**
 * The entry of a render worker (render-pool.ts): renders bodies and feed
 * documents off the service's event loop, documents encoded as UTF-8 here.
 */
import os from 'node:os'
import { workerData } from 'node:worker_threads'
import type { BodyRendering } from '../content/render-markdown.js'
import { answerTasks } from '../util/answer-tasks.js'
import { render, type RenderRequest, type RenderWorkerData } from './renderer.js'
import type { RenderWorkerNotice } from './render-request.js'
import { encodeDocument, type EncodedDocument } from './resource.js'

const encoder = new TextEncoder()

// Linux gives each thread its own nice value: rendering yields the CPU to the
// event loop, which then answers requests at once even while both workers
// are busy on a 2-core machine. (Elsewhere this would lower the whole process.)
// The export's workers keep their process's priority (RenderWorkerData); the
// service's until it answers requests (RenderPool.serving: RenderWorkerNotice).
const yieldToEventLoop = (): void => {
  if (process.platform === 'linux') os.setPriority(os.constants.priority.PRIORITY_LOW)
}
if ((workerData as RenderWorkerData | undefined)?.lowPriority !== false) yieldToEventLoop()

answerTasks<RenderRequest, BodyRendering | Uint8Array | EncodedDocument>(
  (request) => {
    const rendered = render(request)
    // An article page leaves hashed and compressed (RenderPoolOptions.pages): what the export writes.
    if (request.kind === 'article page') return encodeDocument(rendered as string)
    return typeof rendered === 'string' ? encoder.encode(rendered) : rendered
  },
  (notice) => {
    if ((notice as RenderWorkerNotice).lowPriority) yieldToEventLoop()
  },
)
