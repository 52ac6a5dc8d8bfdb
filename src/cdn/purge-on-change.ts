import { ANY_KEY, articleKey, mediaKeys, SITE_KEY } from '../site/cache-keys.js'
import { changedKeys, changedKeySteps } from '../site/key-changes.js'
import { KEY_VERSIONS_TURN_MS } from '../site/key-versions.js'
import { allSteps, stepsInTurns, type Steps } from '../util/event-loop-turns.js'
import type { SitePlan } from '../site/build-site.js'
import { within } from '../util/within.js'

/** A state of the site, as far as purging goes. */
interface Plans {
  readonly plan: Pick<SitePlan, 'keys'>
}

export interface PurgeOnChangeOptions<S extends Plans> {
  /** Queues keys for purging; resolves once a first attempt was made (Purger.purge). */
  readonly purge: (keys: readonly string[]) => Promise<void>
  /** What to do once the purge was tried: the WebSub ping, which makes the hub fetch the feeds at once. */
  readonly then?: ((previous: S | undefined, current: S) => void) | undefined
  /** The longest the ping waits for the purge (a CDN API that hangs must not hold it back). */
  readonly waitMs?: number
  /**
   * Resolves once the new state's documents are what the CDN should keep: their gzip and Brotli exist (siteCompressed).
   * The purge waits for it, at most readyWaitMs.
   */
  readonly ready?: ((current: S) => Promise<unknown>) | undefined
  readonly readyWaitMs?: number
  /** The longest afterRebuild's purge waits for its rebuild before it goes (REBUILD_WAIT_MS). */
  readonly rebuildWaitMs?: number
  /**
   * Works out a state's keys' versions with the event loop turning (SitePlan.warmKeys), and with them every article's
   * facts: asked once, of the first change's previous state (the start's, which main.ts warms too), and every change's
   * purge waits for it, once the new state's documents are compressed (`ready`). Without, the first edit after a
   * start worked out the facts of 50,000 articles in one go, every answer waiting over a second. Given the plan only:
   * a held change keeps its states' plans, not the states (their documents), unless `then` needs them.
   */
  readonly warm?: ((plan: S['plan']) => Promise<unknown>) | undefined
  /**
   * The keys changed between two states' plans, a step at a time (SitePlan.changedSince: from what differs between
   * them), run with the event loop turning once `warm` is done. By default changedKeys of their `keys`, for plans whose
   * keys are known: worked out for each state, at 50,000 articles an edit took 50–125 ms of every answer, a burst of
   * saves 105–281 ms, where what differs takes a few.
   */
  readonly changes?: ((before: S['plan'], after: S['plan']) => Steps<readonly string[]>) | undefined
}

/** The longest the WebSub ping waits for the first purge attempt of a change. */
export const PURGE_WAIT_MS = 10_000
/** The longest a purge waits for the rebuild it goes with (afterRebuild): one of 50,000 articles takes seconds. */
export const REBUILD_WAIT_MS = 60_000
/** The longest a change's purge waits for `warm`: past it, its versions are worked out in one go. */
export const WARM_AT_MOST_MS = 30_000
/** The longest a stop waits for the purges in flight (a change's, sent at the stop: ChangePurges.now) before the exit. */
export const PURGE_AT_STOP_MS = 2_000
/** The longest a change's purge waits for its documents' gzip and Brotli (19–34 ms at 50,000 articles, docs/deployment.md). */
export const READY_WAIT_MS = 2_000

/**
 * The store's change listener for a CDN: purges the keys whose version
 * changed between two states of the site (key-versions.ts), then lets `then`
 * run once the first attempt was made (or after waitMs), so that a hub told
 * of a change does not fetch the copy it replaced while the CDN purges. A
 * failed attempt lets `then` run too: the hub is told anyway, and the CDN may
 * serve the old copy until the Purger's retry succeeds (/healthz says so).
 * The first load purges nothing here: what changed since the last stop is
 * the start's to purge (PurgeRecord, main.ts), once the keys' versions are
 * worked out with the event loop turning (SitePlan.warmKeys).
 *
 * The purge waits for `ready` (at most readyWaitMs): the new state is
 * swapped in with its identity bytes, and its gzip and Brotli follow. Purged
 * at the swap, the CDN sent every request of those milliseconds to the
 * origin, which answered them uncompressed and uncacheable
 * (Resource.compressing): a client asking for gzip through the CDN got the
 * whole feed, and nothing was kept. Purged once they exist, the CDN serves
 * its old copy meanwhile, then fetches and keeps the new one, compressed.
 * The whole state, not key by key: at 50,000 articles an edit's documents
 * were all compressed 19–34 ms after the swap, the feeds last (their Brotli
 * takes turns), and by key a change took two or three purge requests instead
 * of one, where Cloudflare's free plan allows five a minute.
 */
export function purgeOnChange<S extends Plans>(options: PurgeOnChangeOptions<S>): ChangePurges<S> {
  const waitMs = options.waitMs ?? PURGE_WAIT_MS
  const readyWaitMs = options.readyWaitMs ?? READY_WAIT_MS
  /** The purges waiting for `ready`, each sending its keys when called (once). */
  const waiting = new Set<() => Promise<void>>()
  /**
   * Keys of rebuilds that failed (afterRebuild): purged with the next state swapped in, the store's retry of it
   * (rebuild-retries.ts) or a later change's. Purged at the failure, the CDN fetched the documents it meant to
   * replace again, and the retry's, which change no key's version, were never purged (kept for CDN_MAX_AGE).
   */
  const owed = new Set<string>()
  /** Every article's facts, worked out once (`warm`, of the first change's previous state). */
  let known: Promise<unknown> | undefined
  const listener = (previous: S | undefined, current: S): void => {
    const warm = options.warm
    if (!previous || !warm) return purgeFor(previous, current)
    known ??= warm(previous.plan)
    hold(previous.plan, current.plan, readyOf(current), pingFor(previous, current), known, takeOwed())
  }
  const purgeFor = (previous: S | undefined, current: S): void =>
    purgeBetween(previous?.plan, current.plan, options.ready ? readyOf(current) : undefined, pingFor(previous, current), takeOwed())
  /**
   * The keys owed (a failed rebuild's), for the state swapped in now. Taken when the change is heard, not when its held
   * purge goes: sent with a change held since before the failure, they went while the old documents were still served,
   * and the retry's state, which changes no key's version, purged nothing (a hostile review).
   */
  const takeOwed = (): readonly string[] => {
    const keys = [...owed]
    owed.clear()
    return keys
  }
  /**
   * Purges the keys changed between two plans and `also`, once `ready` (at once without), then `ping`. Given plans,
   * not states: a change held for `warm` kept both its sites, documents and all, for as long (a hostile review).
   */
  const purgeBetween = (before: S['plan'] | undefined, after: S['plan'], ready: Promise<void> | undefined, ping: (() => void) | undefined, also: readonly string[]): void =>
    purgeChanged(before ? changedKeys(before.keys, after.keys) : [], ready, ping, also)
  /** purgeBetween with the keys changed already worked out. */
  const purgeChanged = (changed: readonly string[], ready: Promise<void> | undefined, ping: (() => void) | undefined, also: readonly string[]): void => {
    const keys = also.length === 0 ? changed : [...new Set([...changed, ...also])]
    if (keys.length === 0) {
      ping?.()
      return
    }
    const purged = ready ? ready.then(pending(keys)) : options.purge(keys)
    if (ping) void within(purged, waitMs).then(ping)
  }
  /** `then` for this change; only it holds the states (made outside the listener, as pending is). */
  const pingFor = (previous: S | undefined, current: S): (() => void) | undefined => {
    const then = options.then
    return then && (() => then(previous, current))
  }
  /**
   * When `state`'s gzip and Brotli exist (at most readyWaitMs; at once without `ready`): the listener's and
   * afterRebuild's wait. What runs after it is made outside the listener (pending): a closure made there would hold
   * the listener's context, both states with it, while it waits.
   */
  const readyOf = (state: S): Promise<void> => (options.ready ? within(options.ready(state), readyWaitMs) : Promise.resolve())
  /**
   * A change purged once `ready` and `known` (every article's facts), and the keys changed between its plans are
   * worked out, the event loop turning too. A stop (now()), or a wait past WARM_AT_MOST_MS, works out what is left
   * in one go.
   */
  const hold = (before: S['plan'], after: S['plan'], ready: Promise<void>, ping: (() => void) | undefined, known: Promise<unknown>, also: readonly string[]): void => {
    const changes = options.changes ?? ((was: S['plan'], is: S['plan']) => changedKeySteps(was.keys, is.keys))
    let changed: readonly string[] | undefined
    const sendChanged = (): void => {
      if (waiting.delete(send)) purgeChanged(changed ?? allSteps(changes(before, after)), options.ready ? ready : undefined, ping, also)
    }
    const send = (): Promise<void> => (sendChanged(), Promise.resolve())
    waiting.add(send)
    const worked = ready.then(() => known).then(() => stepsInTurns(changes(before, after), KEY_VERSIONS_TURN_MS)).then((keys) => void (changed = keys))
    void within(worked, WARM_AT_MOST_MS).then(sendChanged)
  }
  /** A purge of `keys` that now() sends too; sent once, however often called. */
  const pending = (keys: readonly string[]): (() => Promise<void>) => {
    let sent: Promise<void> | undefined
    const send = (): Promise<void> => {
      waiting.delete(send)
      return (sent ??= options.purge(keys))
    }
    waiting.add(send)
    return send
  }
  return Object.assign(listener, {
    settled: () => waiting.size === 0 && owed.size === 0,
    now: (): void => {
      // Until none waits: a held change's purge, worked out now, waits for its state's gzip and Brotli in turn.
      while (waiting.size > 0) for (const send of [...waiting]) void send()
      if (owed.size > 0) void options.purge([...owed])
      owed.clear()
    },
    afterRebuild: (keys: readonly string[], rebuilt: Promise<S>): void => {
      let failed = false
      let settled = false
      const swapped = rebuilt.then(readyOf, () => void (failed = true)).finally(() => void (settled = true))
      const send = pending(keys)
      void within(swapped, options.rebuildWaitMs ?? REBUILD_WAIT_MS).then(() => {
        if (!settled) {
          // Still rendering past the wait: sent now, so that nothing waits on it for ever, and again once its state is
          // swapped in (a CDN asked meanwhile kept the old documents), or owed to the next state if it fails (helper-147).
          void send()
          void swapped.then(() => (failed ? keys.forEach((key) => owed.add(key)) : void options.purge(keys)))
          return
        }
        if (!failed) return send()
        // Nothing swapped in: owed to the next state (unless a stop sent it meanwhile).
        if (waiting.delete(send)) for (const key of keys) owed.add(key)
      })
    },
  })
}

/** purgeOnChange's store listener, with the purges that go with a rebuild (`afterRebuild`) and those sent at a stop (`now`). */
export interface ChangePurges<S extends Plans> {
  (previous: S | undefined, current: S): void
  /** Whether no purge waits for its state, nor is owed (a failed rebuild's): after now(), every one went to the Purger. */
  settled(): boolean
  /**
   * Sends at once every purge still waiting for its state's gzip and Brotli: at a stop, before Purger.close(), which
   * sends nothing more. Else a SIGTERM in those milliseconds after a change dropped its purge, and the CDN kept the
   * replaced copy for CDN_MAX_AGE (the next start purges nothing; a hostile review: 6 SIGTERMs of 6).
   */
  now(): void
  /**
   * Purges `keys` once `rebuilt` (a rebuild that changes no key's version: a media file's length, which documents
   * state; a body rendered again) has swapped its state in and that state is ready (at most readyWaitMs); at most
   * REBUILD_WAIT_MS. When it fails, with the next state the listener hears (the store tries it again), or at a stop.
   * Sent at once, as a replaced media file's purge was, a CDN asked before the swap kept the old documents for
   * CDN_MAX_AGE, and no change purged them.
   */
  afterRebuild(keys: readonly string[], rebuilt: Promise<S>): void
}

/**
 * Once render workers start again after none could (Renderer.onRecovered)
 * and the store has rendered every document again (`settled`): purges the
 * whole site (SITE_KEY, as a deploy does). The bodies published as plain
 * text meanwhile changed no cache key, so no change purged them, and a CDN
 * kept them for CDN_MAX_AGE, a hub fetching through it too (a hostile review).
 * `settled` is asked once every listener has run (a microtask later), so that
 * the store's render has begun whichever listener was registered first. When
 * that render fails (settled rejects; rebuild-retries.ts tries again and says
 * so), the site is purged all the same: the rejection, unhandled, ended the
 * service (Node's default for one; a review), and what the CDN holds from
 * the time without workers is no newer than what the service serves now.
 */
export function purgeOnRecovery(onRecovered: ((listener: () => void) => void) | undefined, settled: () => Promise<void>, purge: (keys: readonly string[]) => Promise<void>): void {
  onRecovered?.(() => void Promise.resolve().then(settled).catch(() => {}).then(() => purge([SITE_KEY])))
}

/**
 * The store's onBodyRenderedAgain for a CDN: a body published as plain text
 * after its render ran out of time, rendered as written in the background
 * (store/rendered-bodies.ts). Once the rebuild that renders the documents
 * holding it again is swapped in and compressed (`afterRebuild`: sent at a
 * stop too), purges the article's key (its page and the views that name it)
 * and ANY_KEY (a view of hundreds of articles names no article: its keys
 * would pass MAX_KEY_HEADER_BYTES, cdn-headers.ts), as a replaced media file
 * does: the body changed no cache key, so no change purged them.
 */
export function purgeOnBodyRenderedAgain<S>(afterRebuild: (keys: readonly string[], rebuilt: Promise<S>) => void): (path: string, rebuilt: Promise<S>) => void {
  return (path, rebuilt) => afterRebuild([articleKey(path), ANY_KEY], rebuilt)
}

/**
 * LiveUpdates' onMediaChanged for a CDN: files under MEDIA_DIR replaced (undefined: the folder itself), and the
 * rebuild that states their new lengths. Purges their keys (mediaKeys) once that rebuild is swapped in and
 * compressed (`afterRebuild`): no key's version changes with a length, so no change purges them.
 */
export function purgeOnMediaChanged<S>(afterRebuild: (keys: readonly string[], rebuilt: Promise<S>) => void): (files: readonly string[] | undefined, rebuilt: Promise<S>) => void {
  return (files, rebuilt) => afterRebuild(mediaKeys(files), rebuilt)
}
