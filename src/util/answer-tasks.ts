import { parentPort } from 'node:worker_threads'

// A worker's side of WorkerPool (worker-pool.ts): the messages between them, and answerTasks().

/** The messages between pool and worker. */
export interface TaskMessage<Request> {
  readonly id: number
  readonly request: Request
}
/** Something the pool tells every worker (WorkerPool.notify). */
export interface NoticeMessage {
  readonly notice: unknown
}
export type AnswerMessage<Response> = { readonly id: number; readonly value: Response } | { readonly id: number; readonly error: string }
/** What a worker sends once it can take tasks (answerTasks): its modules are loaded. */
export interface ReadyMessage {
  readonly ready: true
}

/**
 * The worker's side: answers each task with `handle`'s value, or with the
 * message of what it threw. A Uint8Array value, or an object's Uint8Array fields, are moved, not copied. A
 * notice (WorkerPool.notify) goes to `onNotice`, and is not answered.
 */
export function answerTasks<Request, Response>(handle: (request: Request) => Response | Promise<Response>, onNotice?: (notice: unknown) => void): void {
  const port = parentPort
  if (!port) throw new Error('answerTasks runs in a worker thread only')
  port.postMessage({ ready: true } satisfies ReadyMessage)
  port.on('message', async (message: TaskMessage<Request> | NoticeMessage) => {
    if ('notice' in message) return void onNotice?.(message.notice)
    const { id, request } = message
    let answer: AnswerMessage<Response>
    try {
      answer = { id, value: await handle(request) }
    } catch (error) {
      answer = { id, error: error instanceof Error ? error.message : String(error) }
    }
    port.postMessage(answer, 'value' in answer ? transferables(answer.value) : [])
  })
}

/** The buffers of a Uint8Array value, or of an object's Uint8Array fields (an EncodedDocument): moved, not copied. Each must own its buffer. */
function transferables(value: unknown): ArrayBuffer[] {
  if (value instanceof Uint8Array) return [value.buffer as ArrayBuffer]
  if (typeof value !== 'object' || value === null) return []
  return [...new Set(Object.values(value).flatMap((field) => (field instanceof Uint8Array ? [field.buffer as ArrayBuffer] : [])))]
}
