import { Worker, type ResourceLimits } from 'node:worker_threads'
import { entryUrl, type WorkerEntry } from './held-module.js'
import type { AnswerMessage, NoticeMessage, ReadyMessage, TaskMessage } from './answer-tasks.js'
import { MAX_RETRY_MS, RetryPace } from './retry-pace.js'
import { NoWorkerError, WorkerEndsError, WorkerStartError, WorkerTimeoutError } from './worker-errors.js'

export interface WorkerPoolOptions {
  /** The worker's module: it answers tasks with answerTasks() (answer-tasks.ts). Held in memory (held-module.ts), each worker started later runs the code read then. */
  readonly entry: WorkerEntry
  /** Workers at most; each is started on first need (default 2). */
  readonly size?: number
  /** Given to each worker (worker_threads' workerData). */
  readonly workerData?: unknown
  /** Each worker's heap limits (worker_threads' resourceLimits): one that reaches them ends, its task rejected, and another takes its place. */
  readonly resourceLimits?: ResourceLimits
  /**
   * Workers of `entry` (with `workerData` and `resourceLimits`) already started by the caller:
   * the pool takes them before it starts any (the service starts its render
   * workers before it loads its own modules: site/early-workers.ts).
   */
  readonly started?: readonly Worker[]
  /** Workers at most until widen() (default `size`): the service renders its first site on one (issue 14: a worker's heap is ~20 MB of a restart's peak). */
  readonly sizeAtFirst?: number
  /** Hears why a worker started beside others stopped before it was ready: the pool then runs on those it has (once). */
  readonly onSpareFailed?: (error: Error) => void
  /** Hears that a worker works after none could (startFailure cleared): what was done without workers meanwhile may be done again. */
  readonly onStarted?: () => void
  /** A task the pool gives the worker it tries after workers ended on their first task (WorkerEndsError): its answer says they work again. */
  readonly check?: unknown
  /** Milliseconds of a monotonic clock (default performance.now): whether a recovery lasted the minute after which starts are paused 1 s again. */
  readonly now?: () => number
}

/**
 * The first pause after a failed start; each failure in a row doubles it, up to a minute (RetryPace), also across
 * a recovery that did not last a minute (one after plain-text bodies renders everything again: Renderer.onRecovered).
 */
const FIRST_START_PAUSE_MS = 1000
/**
 * Workers that loaded and ended on their first task, one after another with no task answered between, that tell
 * broken workers (WorkerEndsError) from tasks that end theirs: one hostile body ends two (its HTML, then its plain
 * text: render-request.ts), so three are more than one task's doing.
 */
const ENDED_ON_FIRST_TASK_LIMIT = 3

interface Task<Request, Response> {
  readonly id: number
  readonly request: Request
  readonly timeLimitMs: number | undefined
  resolve(value: Response): void
  reject(error: Error): void
}

interface Slot<Request, Response> {
  readonly worker: Worker
  task: Task<Request, Response> | undefined
  timer: NodeJS.Timeout | undefined
  /** Whether it is given tasks: a worker started beside others once it says it is ready; the first at once (its messages wait in its port). */
  ready: boolean
  /**
   * Whether its module is known to have loaded: it said it is ready, or answered. One the caller started may have
   * said so before the pool listened (the message is then lost): its failures are never taken for a failed start.
   */
  loaded: boolean
  /** Whether it answered a task: one that ends later ended on that task, not on its first (ENDED_ON_FIRST_TASK_LIMIT). */
  answered: boolean
}

/**
 * Runs tasks in worker threads, so that work whose length the content
 * decides never holds the event loop. A worker runs one task at a time;
 * tasks wait in order for a free one. A worker is started when a task
 * finds none free (up to `size`); one started beside others takes tasks
 * once its modules are loaded, so a task never waits for a worker's start
 * while another could take it. An idle pool keeps no process alive
 * (its workers are unreferenced); a task in flight does. A worker that
 * fails or is stopped is replaced on the next task. After a start that
 * failed, or once workers end on their first task one after another, none
 * is started for a while, and then one (#paused).
 */
export class WorkerPool<Request, Response> {
  readonly #options: WorkerPoolOptions
  readonly #slots = new Set<Slot<Request, Response>>()
  readonly #queue: Task<Request, Response>[] = []
  readonly #started: Worker[]
  #workerData: unknown
  #nextId = 1
  #closed = false
  #widened: boolean
  /** A worker started beside others exited before it was ready (its module cannot load): none is started beside others again (unless a probe loads). */
  #sparesFail = false
  /** Why the last worker the pool started could not start, until one says it is ready; or why workers end on their first task, until one answers. */
  #startFailure: NoWorkerError | undefined
  /** Workers that loaded and ended on their first task since a task was last answered (ENDED_ON_FIRST_TASK_LIMIT). */
  #endedOnFirstTask = 0
  /** Starts (not of spares) that failed in a row, or workers found broken, and the pause after them (#paused). */
  readonly #starts: RetryPace
  /** The end of the pause after a failed start: then one worker is started to try (a probe). */
  #probe: NodeJS.Timeout | undefined

  constructor(options: WorkerPoolOptions) {
    this.#options = options
    this.#started = [...(options.started ?? [])]
    this.#workerData = options.workerData
    this.#widened = options.sizeAtFirst === undefined
    this.#starts = new RetryPace(FIRST_START_PAUSE_MS, MAX_RETRY_MS, MAX_RETRY_MS, options.now)
  }

  /** Runs one task; with a time limit, a worker that takes longer is stopped and the task rejected with WorkerTimeoutError. */
  run(request: Request, timeLimitMs?: number): Promise<Response> {
    if (this.#closed) return Promise.reject(new Error('worker pool closed'))
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, request, timeLimitMs, resolve, reject })
      this.#pump()
    })
  }

  /**
   * Starts every worker now rather than on first need, so that their modules
   * load while the caller does other work (the service loads its articles
   * meanwhile: issue 14, 0.35 s of each worker's start no longer waited for).
   */
  start(): void {
    while (!this.#closed && this.#start()) continue
  }

  /** From now on up to `size` workers (sizeAtFirst held until now): started at once, as start() does, when `eager`; else when a task finds none free. */
  widen(eager: boolean): void {
    this.#widened = true
    if (eager) this.start()
    // Tasks queued behind the one worker go to the new ones now, not once its task ends.
    this.#pump()
  }

  /**
   * Tells every worker, started or not yet taken, `notice` (answerTasks' onNotice),
   * before any task posted after it; workers started later get `workerData` instead.
   */
  notify(notice: unknown, workerData: unknown): void {
    this.#workerData = workerData
    for (const worker of [...this.#started, ...[...this.#slots].map((slot) => slot.worker)]) worker.postMessage({ notice } satisfies NoticeMessage)
  }

  /**
   * Why no worker can run a task now: the last one the pool started could not start, and none that loaded is left
   * (a spare that failed beside a working worker is not this: onSpareFailed); or workers load but end on their first task.
   */
  get startFailure(): NoWorkerError | undefined {
    const failure = this.#startFailure
    return failure instanceof WorkerStartError && [...this.#slots].some((slot) => slot.loaded) ? undefined : failure
  }

  /** Tasks waiting for a worker, and tasks running. */
  get pending(): number {
    return this.#queue.length + [...this.#slots].filter((slot) => slot.task !== undefined).length
  }

  /** Stops every worker; tasks in flight and waiting are rejected. */
  async close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#probe)
    for (const worker of this.#started.splice(0)) void worker.terminate()
    for (const task of this.#queue.splice(0)) task.reject(new Error('worker pool closed'))
    await Promise.all([...this.#slots].map((slot) => this.#stop(slot, new Error('worker pool closed'))))
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const slot = this.#free()
      if (!slot) {
        // No worker at all, and none could be made: the tasks fail now (the caller falls back) rather than wait for ever.
        if (this.#slots.size === 0 && this.startFailure) for (const task of this.#queue.splice(0)) task.reject(this.startFailure)
        return
      }
      const task = this.#queue.shift() as Task<Request, Response>
      slot.task = task
      slot.worker.ref()
      try {
        slot.worker.postMessage({ id: task.id, request: task.request } satisfies TaskMessage<Request>)
      } catch (error) {
        // A request that cannot be copied to another thread: the worker stays free.
        this.#finish(slot)
        task.reject(error as Error)
        continue
      }
      if (task.timeLimitMs !== undefined) {
        const limit = task.timeLimitMs
        slot.timer = setTimeout(() => void this.#stop(slot, new WorkerTimeoutError(limit)), limit)
      }
    }
  }

  /**
   * A ready worker without a task. Else one more is started: beside a ready one, a spare (given tasks once ready; one
   * at a time, none once one failed); with none ready (the last was stopped while a spare loads), one given the task now.
   */
  #free(): Slot<Request, Response> | undefined {
    const slots = [...this.#slots]
    const idle = slots.find((s) => s.ready && s.task === undefined)
    if (idle) return idle
    if (slots.some((s) => s.ready) && (this.#sparesFail || slots.some((s) => !s.ready))) return undefined
    const started = this.#start()
    return started?.ready ? started : undefined
  }

  #start(): Slot<Request, Response> | undefined {
    const size = this.#options.size ?? 2
    if (this.#slots.size >= (this.#widened ? size : Math.min(size, this.#options.sizeAtFirst ?? size))) return undefined
    // One started by the caller unless it has stopped meanwhile (its exit was before the pool listened).
    let worker = this.#started.shift()
    while (worker && worker.threadId === -1) worker = this.#started.shift()
    // The caller's, and one started with none ready, are given tasks at once; one started beside a ready one once it says it is ready.
    const ready = worker !== undefined || ![...this.#slots].some((s) => s.ready)
    const ours = worker === undefined
    // After a failed start, none until the pause is over, then one alone (the probe) until it loads: each attempt costs
    // a thread and, from a held module, its 1.5 MB data: URL (200 bodies made 401 attempts in 52 s, two each).
    if (ours && this.#starts.failures > 0 && (this.#probe !== undefined || this.#slots.size > 0)) return undefined
    try {
      worker ??= new Worker(entryUrl(this.#options.entry), { workerData: this.#workerData, resourceLimits: this.#options.resourceLimits })
    } catch (error) {
      // No thread could be made (EAGAIN: a host's limit of threads), thrown here, in whatever event started it (a
      // time limit's timer: the process ended). Beside a ready worker, as a spare that failed; with none, the tasks fail.
      if (ready) {
        this.#startFailure = new WorkerStartError(error as Error)
        this.#paused()
      }
      if (!ready && !this.#sparesFail) {
        this.#sparesFail = true
        this.#options.onSpareFailed?.(error as Error)
      }
      return undefined
    }
    const slot: Slot<Request, Response> = { worker, task: undefined, timer: undefined, ready, loaded: false, answered: false }
    slot.worker.on('message', (answer: AnswerMessage<Response> | ReadyMessage) => {
      slot.loaded = true
      if (!('ready' in answer)) {
        slot.answered = true
        this.#endedOnFirstTask = 0
      }
      // Workers work again once one loads after starts failed, or answers after workers ended on their first task.
      const resumed = (slot.answered || !(this.#startFailure instanceof WorkerEndsError)) && this.#resumed()
      if ('ready' in answer) slot.ready = true
      else if (slot.task?.id === answer.id) {
        const task = slot.task
        this.#finish(slot)
        if ('error' in answer) task.reject(new Error(answer.error))
        else task.resolve(answer.value)
      }
      this.#pump()
      if (resumed) this.#options.onStarted?.()
    })
    // Its 'exit' follows its 'error': the first says why.
    const failed = (error: Error): Error => {
      if (!this.#slots.has(slot)) return error
      if (ours && !slot.loaded) {
        // A spare's failure is onSpareFailed's (none is started beside others again), not startFailure's: that stayed
        // once the worker beside it ended, until a task came. The pool's only worker's pauses the starts.
        const failure = new WorkerStartError(error)
        if (slot.ready) {
          this.#startFailure = failure
          this.#paused()
        }
        return failure
      }
      // Ended on its first task: that task's doing (a body reaching the heap limit), unless worker after worker does so.
      if (!slot.task || slot.answered || ++this.#endedOnFirstTask < ENDED_ON_FIRST_TASK_LIMIT) return error
      // The workers are broken: paused, probed and fallen back from as when none can start, its task too.
      this.#paused()
      return (this.#startFailure = new WorkerEndsError(error))
    }
    slot.worker.on('error', (error) => void this.#stop(slot, failed(error)))
    slot.worker.on('exit', (code) => void this.#stop(slot, failed(new Error(`worker stopped with exit code ${code}`))))
    // After the listeners: adding a 'message' listener refs the worker again (a spare that never took a task held the process).
    slot.worker.unref()
    this.#slots.add(slot)
    return slot
  }

  /**
   * A worker the pool needed could not start, or workers end on their first task: no other is started for a while (1 s,
   * 2 s, 4 s … a minute, RetryPace), its tasks failing at once (their callers fall back), then one to try (a probe), which
   * the tasks meanwhile wait for. One that loads (after ending workers: that answers) ends the pauses (onStarted), and
   * the pool is used as before.
   */
  #paused(): void {
    const waitMs = this.#starts.failed()
    clearTimeout(this.#probe)
    this.#probe = setTimeout(() => {
      this.#probe = undefined
      if (this.#closed || this.#slots.size > 0) return
      // Workers that ended on their first task work again only once one answers: the check, if any, before any task.
      if (this.#start() && this.#startFailure instanceof WorkerEndsError && this.#options.check !== undefined) {
        this.#queue.unshift({ id: this.#nextId++, request: this.#options.check as Request, timeLimitMs: undefined, resolve: () => {}, reject: () => {} })
      }
      this.#pump()
    }, waitMs).unref()
  }

  /**
   * A worker works after none could: the pauses end, a spare may start again (one that failed meanwhile failed as every
   * worker did). Whether any had failed; if so, onStarted is to be told once the pool's state is right.
   */
  #resumed(): boolean {
    this.#startFailure = undefined
    if (this.#starts.succeeded() === 0) return false
    clearTimeout(this.#probe)
    this.#probe = undefined
    this.#sparesFail = false
    return true
  }

  #finish(slot: Slot<Request, Response>): void {
    clearTimeout(slot.timer)
    slot.timer = undefined
    slot.task = undefined
    slot.worker.unref()
  }

  /** Takes a worker out of the pool (its task, if any, rejected with `error`) and lets waiting tasks start another. */
  async #stop(slot: Slot<Request, Response>, error: Error): Promise<void> {
    if (!this.#slots.delete(slot)) return
    const spareFailed = !slot.ready && !this.#closed && !this.#sparesFail
    if (spareFailed) this.#sparesFail = true
    const task = slot.task
    this.#finish(slot)
    task?.reject(error)
    if (!this.#closed) this.#pump()
    // Told last: whatever it does, the pool's own state is already right.
    if (spareFailed) this.#options.onSpareFailed?.(error instanceof WorkerStartError ? (error.cause as Error) : error)
    await slot.worker.terminate()
  }
}
