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
 * No worker can run a task now (WorkerPool.startFailure): the pool's tasks
 * fail at once with it, through no fault of their own, until a worker it
 * tries after a pause works (their callers fall back meanwhile).
 */
export class NoWorkerError extends Error {
  override readonly name: string = 'NoWorkerError'
}

/**
 * A worker the pool started ended before its module said it was ready: it
 * could not start (its module cannot load, no thread could be made, or, on
 * Node 20, the process's working directory is gone). No task of its ran.
 */
export class WorkerStartError extends NoWorkerError {
  override readonly name = 'WorkerStartError'
  constructor(cause: Error) {
    super(`cannot start a worker: ${cause.message}`, { cause })
  }
}

/**
 * Workers load but each, one after another, ended on the first task it was
 * given, whatever the task (its module's code crashes the thread, a native
 * abort, a limit every task reaches): the workers are broken, not the tasks.
 */
export class WorkerEndsError extends NoWorkerError {
  override readonly name = 'WorkerEndsError'
  constructor(cause: Error) {
    super(`every worker ends on its first task (${cause.message})`, { cause })
  }
}
