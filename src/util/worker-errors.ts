/** A task that ran longer than its time limit; its worker was stopped, and another takes its place. */
export class WorkerTimeoutError extends Error {
  override readonly name = 'WorkerTimeoutError'
  readonly timeLimitMs: number
  constructor(timeLimitMs: number) {
    super(`took longer than ${timeLimitMs} ms`)
    this.timeLimitMs = timeLimitMs
  }
}

/**
 * A worker the pool started ended before its module said it was ready: it
 * could not start (its module cannot load, no thread could be made, or, on
 * Node 20, the process's working directory is gone). No task of its ran.
 */
export class WorkerStartError extends Error {
  override readonly name = 'WorkerStartError'
  constructor(cause: Error) {
    super(`cannot start a worker: ${cause.message}`, { cause })
  }
}
