import { serve } from '@hono/node-server'
import fs from 'node:fs'
import { loadConfig } from './config.js'
import { runMain } from './errors/run-main.js'
import { createApp } from './http/app.js'
import { answerClientErrors } from './http/client-errors.js'
import { fileSource } from './content/article-source.js'
import { createRenderPool } from './site/render-pool.js'
import { ContentStore } from './store/content-store.js'
import { LiveUpdates } from './store/live-updates.js'
import { changedFeedUrls } from './websub/changed-feeds.js'
import { WebSubPublisher } from './websub/publisher.js'
import { createPurgeClient } from './cdn/purge-clients.js'
import { Purger } from './cdn/purger.js'
import { purgeOnChange } from './cdn/purge-on-change.js'
import { mediaKeys } from './site/cache-keys.js'
import type { Site } from './site/build-site.js'

/**
 * Starts the service: hands the process environment to loadConfig, opens
 * the socket, starts live updates and handles signals.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env, process.argv.slice(2), process.cwd(), (file) => fs.readFileSync(file, 'utf8'))
  const logger = { info: (m: string) => console.log(m), warn: (m: string) => console.warn(m) }
  const source = fileSource(config.articlesDir, config)
  // Bodies and feeds render in worker threads: no article file can hold the event loop.
  const renderer = createRenderPool()
  const store = new ContentStore({ config, source, logger, renderer })
  const websub = config.websubHub ? new WebSubPublisher({ hub: config.websubHub, logger }) : undefined
  const ping = websub && ((previous: Site | undefined, current: Site) => websub.publish(changedFeedUrls(previous, current, config)))
  // The CDN is purged first: a hub told of a change must not fetch the copy it replaced.
  const purger = config.cdn?.purge && new Purger({ client: createPurgeClient(config.cdn.purge), logger })
  if (purger) store.onChange(purgeOnChange({ purge: (keys) => purger.purge(keys), then: ping }))
  else if (ping) store.onChange(ping)
  const live = new LiveUpdates({ store, source, config, logger, onMediaChanged: (files) => void purger?.purge(mediaKeys(files)) })

  // Graceful shutdown: stop accepting, let requests in flight finish, then
  // exit 0. Registered first: a signal during a long start-up ends it cleanly.
  let server: ReturnType<typeof serve> | undefined
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    live.close()
    store.close()
    void renderer.close()
    websub?.close()
    purger?.close()
    if (!server) {
      console.log(`${signal}: stopping before the server started`)
      process.exit(0)
    }
    console.log(`${signal}: finishing requests in flight, then stopping`)
    server.close(() => {
      console.log('stopped')
      process.exit(0)
    })
    if ('closeIdleConnections' in server) server.closeIdleConnections()
    setTimeout(() => {
      console.warn('still busy after 9 s: closing the remaining connections')
      process.exit(0)
    }, 9000).unref()
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))

  // At 50,000 articles the load takes seconds: say what is going on.
  console.log(`loading ${config.articlesDir}`)
  await live.start()
  const app = createApp({ config, store, logger, contentProblem: () => live.problem() ?? purger?.problem() })
  server = serve(
    {
      fetch: app.fetch,
      port: config.port,
      hostname: config.host,
      // A slow client cannot hold the server: headers and requests have deadlines,
      // checked every second rather than Node's default thirty.
      serverOptions: {
        headersTimeout: config.headersTimeoutMs,
        requestTimeout: config.requestTimeoutMs,
        keepAliveTimeout: 5000,
        connectionsCheckingInterval: 1000,
      },
    },
    (info) => {
      console.log(`serving ${config.articlesDir} on http://${info.address}:${info.port} as ${config.siteUrl}`)
    },
  )
  // A client that stops reading (or writing) is let go after the same time.
  server.setTimeout(config.requestTimeoutMs)
  answerClientErrors(server)
}

runMain(main)
