// Evaluated first by launch.ts (dist/main.js): the render workers load while this thread loads the rest; the pool takes them.
import { earlyRenderWorkers } from './site/early-workers.js'
import fs from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadConfig } from './config.js'
import { startDirectory } from './content/start-directory.js'
import { runMain } from './errors/run-main.js'
import { createHttp } from './http/app.js'
import { createListener } from './http/listener.js'
import { lazyListener } from './http/lazy-listener.js'
import { answerClientErrors } from './http/client-errors.js'
import { adapterErrorAnswer } from './http/common-headers.js'
import { closeSilentSockets } from './http/silent-sockets.js'
import { listeningUrl, stopOnListenFailure, watchServerErrors } from './http/listening.js'
import { fileSource } from './content/article-source.js'
import { buildIdentity, runtimeIdentity } from './content/build-identity.js'
import { articlesFolderProblem } from './content/files.js'
import { changeTimesNotKept } from './content/change-times.js'
import { ConfigError } from './errors/config-error.js'
import { createMetricsApp } from './ops/metrics-app.js'
import { Operations } from './ops/operations.js'
import { STATE_FILE_MAX_BYTES, stateFile } from './ops/state-file.js'
import { timedSource } from './ops/timed-source.js'
import { createRenderPool } from './site/render-pool.js'
import { inThread } from './site/in-thread-later.js'
import { ContentStore } from './store/content-store.js'
import { LiveUpdates } from './store/live-updates.js'
import { createLogger } from './util/create-logger.js'
import { takeEarlySighup } from './early-signals.js'
import { keepTickObjectMaps } from './util/keep-tick-maps.js'
import { oneAfterAnother } from './util/one-after-another.js'
import { heldModule } from './util/held-module.js'
import type { Logger } from './util/logger.js'
import { changedFeedUrls } from './websub/changed-feeds.js'
import { WebSubPublisher } from './websub/publisher.js'
import { createPurgeClient } from './cdn/purge-clients.js'
import { Purger } from './cdn/purger.js'
import { PURGE_RECORD, PurgeRecord, recordTarget } from './cdn/purge-record.js'
import { RestartPurges } from './cdn/restart-purges.js'
import { PURGE_AT_STOP_MS, purgeOnBodyRenderedAgain, purgeOnChange, purgeOnMediaChanged, purgeOnRecovery } from './cdn/purge-on-change.js'
import { within } from './util/within.js'
import { exitGuarded, exitUnderWay } from './util/guarded-exit.js'
import { collectGarbage } from './util/collect-garbage.js'
import { siteCompressed, type Site } from './site/build-site.js'
import { startPlus } from './plus/start-plus.js'

/** When the parts the first feed did not need are loaded, after the service listens (ms). */
const PARTS_AFTER_MS = 1000
/**
 * Between the first site's sitemaps (made from PARTS_AFTER_MS on) and the parts: the sitemaps' compression, which
 * follows on libuv's threads (tens of milliseconds at 50,000 articles), ends and frees its buffers meanwhile (ms).
 */
const PARTS_GAP_MS = 500

/**
 * Starts the service: hands the process environment to loadConfig, opens
 * the socket, starts live updates and handles signals.
 */
async function main(): Promise<void> {
  // Before the first full GC: so that Node's tick objects never fall to V8's slow path (util/keep-tick-maps.ts).
  keepTickObjectMaps()
  const config = loadConfig(process.env, process.argv.slice(2), startDirectory(process.env.PWD), (file) => fs.readFileSync(file, 'utf8'))
  // Every path is absolute now. The working directory is often the release (`npm start`, systemd's WorkingDirectory),
  // which a deploy swaps and removes while the service runs: on Node 20 a worker then could not start (uv_cwd, ENOENT),
  // and the render workers are replaced at any time. The root cannot go (diagnostics: --diagnostic-dir, docs/operations.md).
  process.chdir('/')
  const logger = createLogger(config.logFormat)
  const missing = articlesFolderProblem(config.articlesDir)
  if (missing !== undefined) throw new ConfigError('ARTICLES_DIR', missing)
  // Metrics, readers and POLL_MIN_INTERVAL (docs/operations.md); the subscriber history survives restarts.
  const ops = new Operations({ ...config, logger, historyFile: stateFile(config.stateDir, 'subscribers.json') })
  const source = timedSource(fileSource(config.articlesDir, config), (time) => ops.saved(time))
  // Bodies and feeds render in worker threads: no article file can hold the event loop.
  // Started before this module's imports were evaluated, so that they load while this thread does; at the
  // process's priority until the server listens (no request to yield to before), then at the lowest.
  // One renders the first site; once the service serves, a second starts the first time a task finds it busy, and takes
  // tasks once loaded (a restart that is not edited holds one heap the fewer).
  // Later workers (the second, or one that replaces a worker stopped) run the code read now, not what a rebuild of
  // dist/ before the restart left there (util/held-module.ts).
  const renderer = createRenderPool({
    entry: heldModule(new URL('./render-worker.js', import.meta.url), (file) => fs.readFileSync(file)),
    eager: true,
    started: earlyRenderWorkers,
    lowPriority: 'once serving',
    oneUntilServing: true,
    onSpareFailed: (error) => logger.warn(`warning: cannot start a second render worker (${error.message}); rendering on one until the service restarts`),
  })
  // What each file parsed to, kept under STATE_DIR: a restart reads only the files changed since (docs/configuration.md).
  const build = buildIdentity()
  // At most 4 KiB an article (26 MB for the bench's 50,000), never below any state file's limit: a larger file is none the service wrote.
  const snapshotMaxBytes = Math.max(STATE_FILE_MAX_BYTES, 4096 * config.maxArticles)
  // None where a same-size edit that keeps the modification time may keep a file's stamp (an image's fixed times, FAT, FUSE).
  const unkept = build === undefined ? undefined : changeTimesNotKept(config.articlesDir)
  if (unkept !== undefined) logger.info(`no index snapshot: ARTICLES_DIR is on a ${unkept} file system, whose change times do not tell every change of a file; every start reads every file`)
  const snapshot = build === undefined || unkept !== undefined ? undefined : { file: stateFile(config.stateDir, 'index-snapshot.v8', snapshotMaxBytes), build, runtime: runtimeIdentity() }
  const purgeClient = config.cdn?.purge && createPurgeClient(config.cdn.purge)
  const purger = purgeClient && new Purger({ client: purgeClient, logger, deliveries: ops.purges })
  const websub = config.websubHub ? new WebSubPublisher({ hub: config.websubHub, logger, deliveries: ops.websub }) : undefined
  const ping = websub && ((previous: Site | undefined, current: Site) => websub.publish(changedFeedUrls(previous, current, config)))
  // The CDN is purged once the change's gzip and Brotli exist, then the hub is told: it must not fetch the copy it replaced.
  const changePurges = purger && purgeOnChange({ purge: (keys) => purger.purge(keys), then: ping, ready: siteCompressed, warm: (plan) => plan.warmKeys(), changes: (before, after) => after.changedSince(before) })
  // What the CDN was last told (cdn/restart-purges.ts): once serving, a start purges what changed while it was stopped.
  const purgeRecordFile = stateFile(config.stateDir, PURGE_RECORD)
  const restart = changePurges && new RestartPurges({ file: purgeRecordFile, target: recordTarget(purgeClient.target, config), mediaDir: config.mediaDir, changePurges, delivered: () => purger.delivered(), logger })
  if (!restart) PurgeRecord.markUnpurged(purgeRecordFile, logger)
  // A body rendered as written after its time ran out: the documents holding it are rendered again, then their CDN copies go.
  const onBodyRenderedAgain = changePurges ? purgeOnBodyRenderedAgain(changePurges.afterRebuild) : undefined
  // The sitemaps of the first site are written once the first feed is served (store/later-sitemaps.ts; below).
  const store = new ContentStore({ config, source, logger, renderer, snapshot, laterSitemaps: true, onBodyRenderedAgain })
  ops.watch(store)
  // Subscriber feeds (docs/plus.md) from the files as they are: the store's own source gives plus articles as teasers.
  const plus = startPlus({ config, onChange: (listener) => store.onChange(listener), source, renderer, logger })
  // A media file replaced: purged once the documents stating its length are rendered again, and compressed.
  const onMediaChanged = changePurges && restart?.mediaChanged(purgeOnMediaChanged(changePurges.afterRebuild))
  const live = new LiveUpdates({ store, source, config, logger, onMediaChanged, folderId: restart?.folderId })
  if (changePurges) store.onChange(changePurges)
  if (restart) store.onChange(restart.swapped)
  else if (ping) store.onChange(ping)
  // Render workers back after none could start: the store renders every document again, then the CDN's copies go (in either order of listeners).
  if (purger) purgeOnRecovery(renderer.onRecovered, () => store.settled(), (keys) => purger.purge(keys))

  // Graceful shutdown: stop accepting, let requests in flight finish, then
  // exit 0. Registered first: a signal during a long start-up ends it cleanly.
  let server: Server | undefined
  let metricsServer: Server | undefined
  let stopping = false
  const stop = (signal: string): void => {
    // Also not while a failed start exits (exitGuarded lets the event loop turn first): its exit writes nothing.
    if (stopping || exitUnderWay()) return
    stopping = true
    const stopBegan = Date.now()
    restart?.stopping()
    live.close()
    plus?.close()
    // No change is applied or published from here on; requests in flight are still answered, rendered by the
    // render workers where they need them (process.exit ends the workers).
    store.quiesce()
    websub?.close()
    metricsServer?.close()
    // A change's purge waiting for its gzip and Brotli goes now: closed, the purger sends nothing more.
    changePurges?.now()
    purger?.close()
    // Their requests go out before the exit (process.exit would cut them), at most PURGE_AT_STOP_MS.
    const purgesSent = purger ? within(purger.idle(), PURGE_AT_STOP_MS) : Promise.resolve()
    // At the exit, once requests in flight are answered: the subscriber history (they are counted), and the index
    // snapshot if a change is not in it yet (about a second at 50,000 articles), which they should not wait for.
    // Node's own exit can hang for good on Node 24 (seen once in about 30 stops): exitGuarded ends it then. Once
    // (exitUnderWay): the 9 s timer below and the server's close may both come.
    const exit = (writingSnapshot = true): void => {
      if (exitUnderWay()) return
      ops.close()
      if (writingSnapshot) store.close()
      exitGuarded(0)
    }
    if (!server) {
      logger.info(`${signal}: stopping before the server started`)
      return exit()
    }
    logger.info(`${signal}: finishing requests in flight, then stopping`)
    // A keep-alive connection busy at close() (a page waiting for a change's swap) was never idle again under a client
    // that reused it: Node answered its requests on and on, until the 9 s below cut it (tests/stop-deadline.test.ts).
    server.prependListener('request', (_request, response) => void (response.shouldKeepAlive = false))
    server.close(() => {
      logger.info('stopped')
      void purgesSent.then(() => {
        // Only with every purge through: else the record says the run is under way, and the next start purges the site.
        restart?.end(stopBegan, store.site(), [...store.bodiesNotAsWritten().values(), ...store.overtakenPages()])
        exit()
      })
    })
    if ('closeIdleConnections' in server) server.closeIdleConnections()
    setTimeout(() => {
      if (exitUnderWay()) return
      // Not the snapshot's write on top: a supervisor may kill the process soon after (Docker's default: 10 s).
      logger.warn('still busy after 9 s: closing the remaining connections; the index snapshot is left as it is (the next start reads the files changed since)')
      exit(false)
    }, 9000).unref()
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  // SIGHUP (a terminal closed, `systemctl reload`) ended the process without a word, cutting requests in flight. It
  // now rescans ARTICLES_DIR at once (for a network file system whose changes no watch reports); the environment and
  // site.yaml are read at start only.
  // One during the start is done once the load is, and before the server listens: a file saved after its stamp was
  // taken (from the index snapshot, early in the load) is in no load, and the operator asked for the files as they are.
  let loaded = false
  let rescanWhenLoaded = false
  const rescanForSighup = (): Promise<void> => {
    logger.info(`SIGHUP: rescanning ${config.articlesDir}`)
    return live.rescan().then(
      (applied) => logger.info(`SIGHUP: rescan done, ${applied} change(s) applied`),
      (error: unknown) => logger.warn(`rescan failed: ${String(error)}`),
    )
  }
  const onSighup = (): void => {
    if (stopping) return
    if (loaded) return void rescanForSighup()
    if (!rescanWhenLoaded) logger.info('SIGHUP during the start: rescanning once the articles are loaded')
    rescanWhenLoaded = true
  }
  process.on('SIGHUP', onSighup)
  // One before this handler was there (early-signals.ts, from the first line of dist/main.js) counts the same.
  if (takeEarlySighup()) onSighup()

  // At 50,000 articles the load takes seconds: say what is going on.
  logger.info(`loading ${config.articlesDir}`)
  await live.start()
  loaded = true
  if (rescanWhenLoaded && !stopping) await rescanForSighup()
  await plus?.feeds.settled()
  // A signal during the start: the exit lets the event loop turn a moment first (exitGuarded), with no server meanwhile.
  if (stopping) return
  const traffic = config.metricsPort > 0 || config.pollMinIntervalMs > 0 ? ops : undefined
  const health = [live, store, renderer, ...(purger ? [purger] : []), ...(plus?.health ?? [])]
  const http = createHttp({ config, store, logger, health, traffic, plus })
  // Documents rendered ahead are answered by the listener's fast path, everything else by Hono (http/listener.ts).
  const hono = honoListener(http.app.fetch, config.host, logger)
  server = createServer(
    // A slow client cannot hold the server: headers and requests have deadlines,
    // checked every second rather than Node's default thirty.
    { headersTimeout: config.headersTimeoutMs, requestTimeout: config.requestTimeoutMs, keepAliveTimeout: 5000, connectionsCheckingInterval: 1000 },
    createListener(http, hono),
  )
  const listening = server
  renderer.serving()
  // A port taken (a second instance, a stale process), not allowed or not on this host: one line saying which and why,
  // and exit 1 for the supervisor, not Node's unhandled 'error' event and its stack. Nothing is written at this exit:
  // STATE_DIR may be the running instance's.
  const where = `${config.host}:${config.port}`
  watchServerErrors(listening, where, logger, stopOnListenFailure(where, logger, (code) => exitGuarded(code)))
  listening.listen(config.port, config.host, () => {
    const info = listening.address() as AddressInfo
    logger.info(`serving ${config.articlesDir} on ${listeningUrl(info)} as ${config.siteUrl}`)
  })
  // The parts of dist/main.js the first feed did not need (scripts/build.mjs), loaded once it is served: a rebuild
  // of dist/ in place, before the restart, cannot take from the running service what it would load later.
  // A full collection of the start's garbage first, so that these steps do not grow the heap on top of it (a restart's
  // peak 8 s on at 50,000 articles: 20 MB lower on Node 24, 8 MB on Node 20; util/collect-garbage.ts). Then the
  // sitemaps, then the parts: each holds short-lived memory (at 50,000 articles, leaving out either lowered a restart's
  // peak by 5-10 MB), which adds up when both run at once.
  setTimeout(() => {
    void oneAfterAnother(
      PARTS_GAP_MS,
      () => collectGarbage(),
      () => store.completeFirstSite(),
      () =>
        Promise.all([hono.load(), inThread()]).then(
          () => logger.info('loaded the parts the first feed did not need'),
          (error: unknown) => logger.warn(`warning: cannot load the in-thread renderer: ${String(error)}`),
        ),
      // With a CDN, last: every key's version and the purge of what changed since the last stop; then their garbage.
      () => restart?.purgeSinceStop(store.site()),
      () => restart && collectGarbage(),
    )
  }, PARTS_AFTER_MS).unref()
  // A client that stops reading (or writing) is let go after the same time: swept once a second, no timer per request.
  closeSilentSockets(server, { timeoutMs: config.requestTimeoutMs })
  answerClientErrors(server)
  if (config.metricsPort > 0) metricsServer = serveMetrics(ops, config, logger)
}

/**
 * The metrics listener, apart from the public one so numbers about readers
 * are never public. A port already taken (a second instance on the host)
 * costs a warning, not the feeds.
 */
function serveMetrics(ops: Operations, config: ReturnType<typeof loadConfig>, logger: Logger): Server {
  const where = `${config.metricsHost}:${config.metricsPort}`
  const fields = { host: config.metricsHost, port: config.metricsPort }
  // What @hono/node-server's serve() does, with its listener loaded on the first request.
  const server = createServer(honoListener(createMetricsApp(ops).fetch, config.metricsHost, logger)).listen(config.metricsPort, config.metricsHost, () =>
    logger.info(`metrics on http://${where}/metrics, readers on http://${where}/stats`, fields),
  )
  // Once listening, a connection it could not take is the same rate-limited warning as the public port's, not 'cannot listen'.
  watchServerErrors(server, where, logger, (error) =>
    logger.warn(`warning METRICS_PORT: cannot listen on ${where} (${error.code ?? error.message}); feeds are served without /metrics and /stats`, fields),
  )
  return server
}

/** @hono/node-server's listener for `fetch`, loaded on the first request that reaches it (http/lazy-listener.ts). */
function honoListener(fetch: (request: Request) => Response | Promise<Response>, hostname: string, logger: Logger): ReturnType<typeof lazyListener> {
  const make = async () => (await import('@hono/node-server')).getRequestListener(fetch, { hostname, errorHandler: adapterErrorAnswer })
  return lazyListener(make, (error) => (logger.error ?? logger.warn).call(logger, `cannot load @hono/node-server: ${String(error)}`))
}

runMain(main)
