import { createRenderPool, type RenderPool, type RenderPoolOptions } from '../../src/site/render-pool.js'

/**
 * The service's renderer: worker threads running the built worker
 * (dist/site/render-worker.js; `npm test` builds first), as main.ts sets it up.
 */
export function builtRenderPool(options: Omit<RenderPoolOptions, 'entry'> = {}): RenderPool {
  return createRenderPool({ entry: new URL('../../dist/site/render-worker.js', import.meta.url), ...options })
}
