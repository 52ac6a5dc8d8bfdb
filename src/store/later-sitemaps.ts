import type { Site, SiteConfig, SitePlan } from '../site/build-site.js'
import { SitemapBuilder } from '../site/build-sitemaps.js'
import { isSitemapPath } from '../site/paths.js'
import type { CreateResource, Resource } from '../site/resource.js'

/**
 * The store's sitemaps (a SitemapBuilder): every site gets them before it is
 * swapped in, except, with `later`, a start's first site, which is swapped
 * in without them. The first feed does not show them, and at 50,000 articles
 * writing `/sitemap.xml` took 0.2–0.4 s of the event loop while the render
 * workers rendered the first feeds (their answers waited), then gzip and
 * Brotli of its 5 MB took the thread pool beside them (issue 14). The
 * completed site, the same plan with its sitemaps, is swapped in whole by
 * `swapIn`; no change listener hears it, as nothing else in it changed.
 *
 * Until then a sitemap is never served stale or partial, and never 404: a
 * request for one writes them at once and waits (resource()). They are
 * written before anything replaces the first site (the store's next rebuild
 * awaits now()), when the store settles, and when main.ts asks, once the
 * first feed is served.
 */
export class LaterSitemaps {
  readonly #builder: SitemapBuilder
  readonly #later: boolean
  readonly #swapIn: (site: Site) => void
  readonly #warn: (line: string) => void
  #complete: (() => void) | undefined
  /** The writing under way; undefined before and once it is done. */
  #writing: Promise<Site> | undefined
  /** Whether nobody waits for the sitemaps: they are then written one file at a time (a request, a rebuild hurry them). */
  #patient = true

  /** @param create the store's documents rendered ahead (LazyDocuments.createAhead): compressing a large sitemap holds no change back. */
  constructor(config: SiteConfig, later: boolean, swapIn: (site: Site) => void, create: CreateResource, warn: (line: string) => void) {
    this.#builder = new SitemapBuilder(config, undefined, create)
    this.#warn = warn
    this.#later = later
    this.#swapIn = swapIn
  }

  /** `rendering` (the site of `plan`) with its sitemaps; a `first` site, with `later`, without them: held back until asked for. */
  async of(plan: SitePlan, rendering: Site | Promise<Site>, first: boolean): Promise<Site> {
    if (!(first && this.#later)) {
      this.#complete = undefined // a first site whose sitemaps failed is replaced: never swapped in after it
      return this.#builder.withSitemaps(plan, rendering)
    }
    const site = await rendering
    const complete = (): void => {
      // One file at a time (SitemapBuilder#build) until someone waits: a start's peak holds one uncompressed part, not all of them.
      const writing = this.#builder.withSitemaps(plan, site, () => this.#patient).then((done) => (this.#swapIn(done), done))
      this.#writing = writing
      writing.then(
        () => void (this.#writing = undefined),
        (error: unknown) => {
          // Tried again when a sitemap is next asked for, until the next rebuild writes its own.
          this.#writing = undefined
          this.#complete ??= complete
          this.#warn(`warning: cannot write the sitemaps: ${String(error)}; they are written again when asked for, and with the next change`)
        },
      )
    }
    this.#complete = complete
    return site
  }

  /**
   * Writes the sitemaps held back, once; resolves when the completed site is
   * swapped in, at once when none is held back. Never rejects: a failure is
   * logged and leaves the first site as it is; a sitemap asked for later
   * tries again, and the next rebuild writes the sitemaps with its own site.
   * `hurry`: something waits for them (a rebuild): the files not written yet
   * are written without waiting for each to be compressed.
   */
  async now(hurry = false): Promise<void> {
    // Only while they are held back or being written: the first rebuild (the load) asks before there is any.
    if (hurry && (this.#complete || this.#writing)) this.#patient = false
    await this.#write().catch(() => undefined)
  }

  /** A sitemap at `path` while they are held back or being written: written, then given (undefined when there is none at that path). */
  resource(path: string): Promise<Resource | undefined> | undefined {
    if ((!this.#complete && !this.#writing) || !isSitemapPath(path)) return undefined
    this.#patient = false
    return this.#write().then((site) => site?.resources.get(path))
  }

  #write(): Promise<Site | undefined> {
    const complete = this.#complete
    this.#complete = undefined
    complete?.()
    return this.#writing ?? NONE
  }
}

const NONE: Promise<undefined> = Promise.resolve(undefined)
