import { Hono } from 'hono'
import type { Operations } from './operations.js'

/**
 * The metrics listener's app (main.ts serves it on METRICS_HOST:METRICS_PORT,
 * never on the public port): `/metrics` in Prometheus text format 0.0.4, and
 * `/stats`, the German page about readers.
 */
export function createMetricsApp(operations: Operations): Hono {
  const app = new Hono()
  const headers = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }
  app.get('/metrics', async (c) => c.body(await operations.metrics(), 200, { ...headers, 'Content-Type': operations.registry.contentType }))
  app.get('/stats', (c) =>
    c.body(operations.statsPage(), 200, {
      ...headers,
      'Content-Type': 'text/html; charset=utf-8',
      // The page is one document: an inline stylesheet and an inline SVG, nothing else.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    }),
  )
  app.all('*', (c) => c.text('Not found: this listener serves /metrics and /stats\n', 404, headers))
  return app
}
