import type { Article } from '../content/article.js'
import type { BodyRendering } from '../content/plain-text.js'
import type { ArticleSource } from '../content/article-source.js'
import { mapLimit } from '../util/map-limit.js'
import type { MediaInfo } from '../content/media-info.js'
import type { RenderedBody } from '../feeds/build-feed.js'
import type { ItemSource } from '../site/build-site.js'
import type { Renderer } from '../site/render-request.js'
import { LruCache } from '../util/lru-cache.js'
import type { Logger } from '../util/logger.js'

export interface RenderedBodiesOptions {
  readonly source: Pick<ArticleSource, 'readBody'>
  readonly renderer: Renderer
  /** Public base URL: root-relative paths in bodies are resolved under it. */
  readonly siteUrl: string
  readonly media: (url: string) => MediaInfo | undefined
  readonly logger: Logger
  /** Milliseconds of a clock (default performance.now; the store passes its own): when plain text after a time limit is rendered again. */
  readonly now?: (() => number) | undefined
  /** Hears that the body of `article`, plain text after its time ran out, rendered as written (in the background): what holds it is to be rendered again. */
  readonly onRenderedAgain?: ((article: Article) => void) | undefined
}

/** An item source that also says whether a body could not be read, or is plain text only for now (no render worker could start; its time ran out). */
export type CheckedItemSource = ItemSource & { readonly incomplete: boolean }

/** Rendered bodies kept, by file: the current feeds need 50, the rest are pages and archives as they are asked for. */
const BODIES_KEPT = 2000
/**
 * How long the plain text of a body that ran out of time (BodyRendering.timedOut) is kept before it is rendered
 * again, in the background (documents take the plain text meanwhile), as the time may have been the machine's (a
 * paused VM: the limit's timer fires on waking), not the body's. Twice as long after each time out, up to a day: a
 * body that always takes too long costs a worker its time limit ever more rarely.
 */
export const TIMED_OUT_KEPT_MS = 10 * 60_000
const TIMED_OUT_LONGEST_MS = 24 * 60 * 60_000

/**
 * Articles' bodies: read when a document needs them, rendered by the
 * renderer (in worker threads, in the service) and kept by file. A body is
 * rendered once however many documents wait for it at the same time: a
 * burst of views over the same articles renders each of them once.
 */
export class RenderedBodies {
  readonly #options: RenderedBodiesOptions
  readonly #kept = new LruCache<string, RenderedBody>(BODIES_KEPT)
  readonly #rendering = new Map<string, Promise<RenderedBody>>()
  /** Bodies published as plain text only because no render worker could start (BodyRendering.passing): never kept. */
  readonly #passing = new WeakSet<RenderedBody>()
  /** Files whose body a worker ended on (BodyRendering.workerFailed): rendered again once workers work after a time none did. */
  readonly #workerFailed = new Set<string>()
  /**
   * Files whose kept body is the plain text of a render that ran out of time: since when (`now`), for how long
   * (TIMED_OUT_KEPT_MS), and that plain text, taken when the LRU dropped it: else the next document rendered it again
   * then, and waited the time limit for it, however short the time since (a review: an archive crawl drops 2,000).
   */
  readonly #timedOut = new Map<string, { readonly since: number; readonly keptMs: number; readonly plain?: RenderedBody | undefined }>()
  readonly #now: () => number
  /**
   * Articles whose body a document was given not as written (plain text for now: its time ran out, a worker ended on
   * it or none could start; empty: unreadable), by file, with their page's path, until the file changes: the
   * documents holding one the static export renders again next time (export.ts), as the service renders such a body
   * again later. Each stays when the body renders as written since: documents made before still hold it.
   */
  readonly #notAsWritten = new Map<string, string>()

  constructor(options: RenderedBodiesOptions) {
    this.#options = options
    this.#now = options.now ?? (() => performance.now())
    // Registered before the store's, which then renders every document again (content-store.ts).
    options.renderer.onRecovered?.(() => {
      for (const file of this.#workerFailed) {
        this.#kept.delete(file)
        const mark = this.#timedOut.get(file)
        if (mark) this.#timedOut.set(file, { ...mark, plain: undefined })
      }
      this.#workerFailed.clear()
    })
  }

  /**
   * Bodies of the given articles, rendered (or kept), with the media
   * lookup: what documents need. `incomplete` when a body could not be read,
   * or is plain text only until a render worker starts (passing) or until it
   * is rendered again after its time ran out.
   */
  async itemSource(articles: readonly Article[]): Promise<CheckedItemSource> {
    const bodies = new Map<Article, RenderedBody>()
    let incomplete = false
    await mapLimit(articles, async (article) => {
      const body = await this.body(article)
      if (body === UNREADABLE_BODY || this.#passing.has(body) || this.#timedOut.has(article.file)) incomplete = true
      bodies.set(article, body)
    })
    return {
      incomplete,
      bodyOf: (article) => {
        const body = bodies.get(article)
        if (!body) throw new Error(`no rendered body for ${article.file}`)
        return body
      },
      media: this.#options.media,
    }
  }

  /** One article's body, rendered (or kept); empty when its file cannot be read now. */
  body(article: Article): Promise<RenderedBody> {
    const kept = this.#kept.get(article.file) ?? this.#timedOut.get(article.file)?.plain
    if (kept) {
      this.#retryIfDue(article)
      return Promise.resolve(kept)
    }
    return this.#rendering.get(article.file) ?? this.#start(article)
  }

  #start(article: Article): Promise<RenderedBody> {
    const file = article.file
    const rendered = this.#render(article)
    const rendering = rendered.then(({ body }) => body)
    this.#rendering.set(file, rendering)
    // Kept only if the file was not changed (forgotten) while it rendered, and not passing: kept, it stayed plain text
    // once workers started again, in every document made after (a hostile review). What a forgotten render says of
    // its version (ran out of time, ended its worker) is not said of the file: it cleared or set the marks of the
    // version that replaced it (a review: a new version's timed-out plain text kept for good).
    const settle = (done: Rendered | undefined): void => {
      if (this.#rendering.get(file) !== rendering) return
      this.#rendering.delete(file)
      if (done && (done.body === UNREADABLE_BODY || done.timedOut || done.workerFailed || this.#passing.has(done.body))) this.#notAsWritten.set(file, article.path)
      const last = this.#timedOut.get(file)
      // Unreadable now (a file being saved, a folder a deploy left unreadable): its kept plain text is tried again as
      // late as before, not by each document that asks (a review: a read, and a warning, per request meanwhile).
      if (!done || done.body === UNREADABLE_BODY) return void (last && this.#timedOut.set(file, { ...last, since: this.#now() }))
      if (done.workerFailed) this.#workerFailed.add(file)
      // Its time ran out, or again, after a time out (or ended its worker, or found none): plain text for longer.
      const failed = done.timedOut || (last && (done.workerFailed || this.#passing.has(done.body)))
      if (failed) {
        const keptMs = last ? Math.min(2 * last.keptMs, TIMED_OUT_LONGEST_MS) : TIMED_OUT_KEPT_MS
        this.#timedOut.set(file, { since: this.#now(), keptMs, plain: this.#passing.has(done.body) ? last?.plain : done.body })
        // Then by itself, not only when a document asks: the current feeds ask at an edit that changes them alone.
        setTimeout(() => this.#retryIfDue(article), keptMs).unref()
      }
      if (!this.#passing.has(done.body)) this.#kept.set(file, done.body)
      if (failed || !last) return
      this.#timedOut.delete(file)
      this.#options.logger.info(`${file}: body rendered as written again (its render had run out of time)`)
      this.#options.onRenderedAgain?.(article)
    }
    rendered.then(settle, () => settle(undefined))
    return rendering
  }

  /** The articles whose body a document was given not as written, by file, with their page's path (#notAsWritten). */
  get notAsWritten(): ReadonlyMap<string, string> {
    return this.#notAsWritten
  }

  /** A file's published version changed: its body is read again when next needed. */
  forget(file: string): void {
    this.#kept.delete(file)
    this.#rendering.delete(file)
    this.#workerFailed.delete(file)
    this.#timedOut.delete(file)
    this.#notAsWritten.delete(file)
  }

  /** Every file was read afresh. */
  forgetAll(): void {
    this.#kept.clear()
    this.#rendering.clear()
    this.#workerFailed.clear()
    this.#timedOut.clear()
    this.#notAsWritten.clear()
  }

  /**
   * Renders the body again in the background when its kept plain text is a time limit's, kept long enough
   * (TIMED_OUT_KEPT_MS): documents take the plain text until it is through. Before, the document waited for it, a
   * body that always took too long holding an edit's rebuild, or a page, for the time limit every ten minutes (a review).
   */
  #retryIfDue(article: Article): void {
    const mark = this.#timedOut.get(article.file)
    if (mark && !this.#rendering.has(article.file) && this.#now() - mark.since >= mark.keptMs) this.#start(article).catch(() => {})
  }

  async #render(article: Article): Promise<Rendered> {
    let markdown: string
    try {
      // The file as it is now: if it changed since it was indexed, the watcher's update follows.
      const parsed = await this.#options.source.readBody(article.file)
      if (!parsed) return { body: UNREADABLE_BODY }
      markdown = parsed.body
    } catch (error) {
      // The file turned invalid and its last good body is not kept: only its metadata is.
      this.#options.logger.warn(`body of ${article.file} unavailable: ${(error as Error).message}`, { file: article.file, field: 'body', problem: 'unavailable' })
      return { body: UNREADABLE_BODY }
    }
    const { html, excerpt, problem, passing, workerFailed, timedOut } = await this.#options.renderer.body(markdown, article.url, this.#options.siteUrl)
    if (problem) this.#options.logger.warn(`warning ${article.file}: body: ${problem}`, { file: article.file, field: 'body', problem })
    const body = { html, excerpt }
    if (passing) this.#passing.add(body)
    return { body, workerFailed, timedOut }
  }
}

/** A body as rendered, with what its render said of the file's version (BodyRendering.workerFailed, timedOut). */
type Rendered = { readonly body: RenderedBody } & Pick<BodyRendering, 'workerFailed' | 'timedOut'>

/** The body of an article whose file cannot be read now (gone, or invalid while its last good metadata stays). */
const UNREADABLE_BODY: RenderedBody = Object.freeze({ html: '', excerpt: '' })
