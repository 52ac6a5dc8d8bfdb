import type { HealthCheck } from '../util/health.js'
import type { Logger } from '../util/logger.js'
import { RunsAlone } from '../util/runs-alone.js'
import { SerialTask } from '../util/serial-task.js'
import { SharedWait } from '../util/within.js'
import { FilesBefore } from './files-before.js'
import { halves, named, without } from './owed-batches.js'
import { describeFailure, ReloadRetries } from './reload-retries.js'

export interface ChangeQueueOptions {
  /**
   * Reads one batch of paths into the catalog, noting each file as it was in `before`, and publishes the site; rejects
   * when it cannot. False: not applied, as ARTICLES_DIR is gone (live updates read it all again when it is back: load).
   */
  readonly apply: (paths: ReadonlySet<string>, before: FilesBefore) => Promise<boolean>
  /** Puts back the files a batch that failed touched: the catalog is the published site's again. */
  readonly revert: (before: FilesBefore) => Promise<void>
  readonly logger: Logger
}

/** The longest a page, archive page or view waits for a batch to be in a site (untilInSite): an edit's takes tens of ms, a bulk
 * import's seconds, and one whose file read hangs (a stalled mount) never ends; past it, the catalog's state is rendered. */
export const IN_SITE_WAIT_MS = 1_000

/**
 * The changes to ARTICLES_DIR waiting to be applied, applied one batch at a
 * time, and those whose rebuild failed. A failed change is put back, not
 * dropped (a hostile review: its stamps were noted, so no rescan or SIGHUP
 * found it again, and it was in no feed for good): it is tried again after
 * 1 s, 2 s, 4 s … at most a minute apart (ReloadRetries' pace), as a batch
 * of its own, so a file that fails every time holds up no later change. A
 * batch that fails again is split in two, and a round of retries stops at
 * the first failure: a deploy with one file whose feed cannot be made is
 * published but for that file in about log2(n) rounds (one that published
 * a batch is followed by the next after 1 s again), with at most one failed
 * rebuild a round when nothing can be rendered at all. One warning
 * per streak of failures (again when the error changes); problems() says it
 * until nothing is owed.
 */
export class ChangeQueue implements HealthCheck {
  readonly #options: ChangeQueueOptions
  #queued = new Set<string>()
  /** Batches whose rebuild failed, oldest first. */
  #owed: Set<string>[] = []
  /** The owed batches still to try in this round of retries. */
  #round: Set<string>[] = []
  readonly #pace = new ReloadRetries(
    (error, seconds) => `publishing the change to ${named(this.#owed)} failed: ${describeFailure(error)}; the last good feeds and pages stay published; retrying in ${seconds} s`,
  )
  /** The error last warned about in this streak, and the failed attempts in it. */
  #warned: string | undefined
  #failures = 0
  /** Whether the round in progress published an owed batch: the next round comes after the shortest wait again. */
  #progress = false
  #timer: NodeJS.Timeout | undefined
  /** Resolved once the batch in the catalog is in a site (#inCatalogOnly): one promise for every caller of untilInSite. */
  #inSite: { readonly promise: Promise<void>; readonly resolve: () => void } | undefined
  readonly #inSiteWait = new SharedWait(IN_SITE_WAIT_MS) // one a batch: one that hangs adds no waiter a request
  #closed = false
  /** A load under way (exclusively): no batch is applied until it is over. */
  readonly #loads = new RunsAlone()
  readonly #applying = new SerialTask(() => this.#drain())

  constructor(options: ChangeQueueOptions) {
    this.#options = options
  }

  /** Queues the paths; resolves once they are published, or owed to a retry (problems() says so). During a load (exclusively), after it. */
  async add(paths: Iterable<string>): Promise<void> {
    for (const p of paths) this.#queued.add(p)
    const loaded = this.#loads.over()
    if (loaded) await loaded
    return this.#applying.run()
  }

  /**
   * Runs `load` (the store's load: every file read again, so nothing is owed after it: forget) with no batch applied
   * meanwhile: the batch being applied ends first, and those queued meanwhile are applied after it (add). Applied during
   * it, a batch wrote to the catalog the load then replaced, while the stamps its reads recorded stayed: no rescan found
   * the file changed again, and its new version (or a new file) was in no feed (tests/store/reload-overlap.test.ts). A
   * load that fails drops those queued: what it could not publish is read whole again (live updates retry a reload),
   * and applied to the catalog it put back they mixed two folders (a rescan's, comparing the folder swapped in with the
   * old catalog).
   */
  exclusively<T>(load: () => Promise<T>): Promise<T> {
    return this.#loads.run(() => (this.forget(), load()), () => this.#applying.running, () => this.#queued.clear())
  }

  /** The batches being applied (or queued until a load is over: exclusively), undefined when none is. */
  get running(): Promise<void> | undefined {
    const loading = this.#loads.waiting
    return this.#applying.running ?? (loading && this.#queued.size > 0 ? loading.then(() => this.#applying.running) : undefined)
  }

  /** Whether a batch is in the catalog and not yet in a site: a rebuild that fails now is its failure, retried here (RebuildRetries leaves it). */
  get changing(): boolean {
    return this.#inSite !== undefined
  }

  /**
   * Undefined when no batch is in the catalog only and no `reload` (its reading, its rebuild) runs; else resolves once that
   * is in a site (published or put back), or IN_SITE_WAIT_MS after its first caller, and is undefined from then on. An
   * article page is looked up in the catalog: asked meanwhile, it showed an edit, or answered 404 for a deleted
   * article, while every feed still showed the old state (tests/store/swap-pages.test.ts).
   */
  untilInSite(reload?: Promise<unknown>): Promise<void> | undefined {
    return this.#inSiteWait.of(this.#inSite?.promise ?? reload)
  }

  problems(): string[] {
    const problem = this.#pace.problem
    return problem === undefined ? [] : [problem]
  }

  /** Nothing is owed any more: every file was read again (a load), and its rebuild is RebuildRetries' to try again. */
  forget(): void {
    this.#stopTimer()
    this.#owed = []
    this.#round = []
    this.#pace.succeeded()
    this.#warned = undefined
    this.#failures = 0
  }

  /** Applies nothing more (the store stops). */
  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
  }

  #stopTimer(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  async #drain(): Promise<void> {
    // A load waits for the batch being applied, and the next one waits for the load (exclusively).
    for (let batch = this.#nextUnlessLoading(); batch !== undefined && !this.#closed; batch = this.#nextUnlessLoading()) {
      const before = new FilesBefore()
      this.#inCatalogOnly(true)
      try {
        const applied = await this.#options.apply(batch, before)
        this.#inCatalogOnly(false)
        // Not applied (the folder gone): an owed batch stays owed, and said, until the reload when it is back (forget()).
        if (applied) this.#published(batch)
      } catch (error) {
        this.#inCatalogOnly(false)
        await this.#options.revert(before)
        this.#failed(batch, error, before.files())
      }
    }
  }

  #inCatalogOnly(changing: boolean): void {
    this.#inSite?.resolve()
    let resolve = () => {}
    this.#inSite = changing ? { promise: new Promise<void>((done) => (resolve = done)), resolve: () => resolve() } : undefined
  }

  #nextUnlessLoading(): Set<string> | undefined {
    return this.#loads.waiting ? undefined : this.#next()
  }

  /** New changes first, then the owed batches of the round in progress. */
  #next(): Set<string> | undefined {
    if (this.#queued.size === 0) return this.#round.shift()
    const batch = this.#queued
    this.#queued = new Set()
    return batch
  }

  #published(batch: Set<string>): void {
    if (this.#owed.length === 0) return
    this.#progress ||= this.#owed.includes(batch)
    // Also when the batch was a new save of an owed file: it is published now.
    this.#owed = without(this.#owed, batch)
    this.#round = without(this.#round, batch)
    if (this.#owed.length > 0) return
    this.#stopTimer()
    this.#pace.succeeded()
    this.#options.logger.info(`published the changes held back after ${this.#failures} failed attempt(s); the feeds are current again`)
    this.#warned = undefined
    this.#failures = 0
  }

  #failed(batch: Set<string>, error: unknown, touched: readonly string[]): void {
    const retried = this.#owed.indexOf(batch)
    if (retried >= 0) {
      this.#owed.splice(retried, 1)
      // A folder that appeared (a deploy's `mv`) is one path: split by the files it touched, or it was held back whole for good.
      const folders = [...batch].some((p) => !p.endsWith('.md'))
      this.#owed.push(...halves(folders && touched.length > 1 ? new Set([...[...batch].filter((p) => p.endsWith('.md')), ...touched]) : batch))
    } else {
      this.#owed = [...without(this.#owed, batch), batch]
    }
    // A round stops at its first failure: when nothing can be rendered, one failed rebuild a round, not one per batch.
    this.#round = []
    if (this.#progress) this.#pace.succeeded()
    this.#progress = false
    this.#failures += 1
    // A change failing while a retry is due leaves it due: the wait said, and the pace, were those of more failed retries.
    const { waitMs, problem } = this.#timer === undefined ? this.#pace.failed(error) : { waitMs: 0, problem: this.#pace.failedMeanwhile(error) }
    const said = describeFailure(error)
    if (said !== this.#warned) this.#options.logger.warn(problem)
    this.#warned = said
    // A retry already due stays due: a file saved again and again, failing each time, puts off no other batch.
    if (this.#closed || this.#timer !== undefined) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#round = [...this.#owed]
      this.#progress = false
      void this.#applying.run()
    }, waitMs).unref()
  }
}
