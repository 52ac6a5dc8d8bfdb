/**
 * Node's module compile cache (src/compile-cache.ts): on Node 22.1 and later a
 * restart of the same build compiles the service's bundle and its render
 * worker's from V8's code cache; Node 20 has none, and nothing is written.
 * Node says what it does with NODE_DEBUG_NATIVE=COMPILE_CACHE, on stderr.
 */
import fs from 'node:fs'
import module from 'node:module'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { startServer } from './helpers/server-process.js'
import { makeTempDir } from './helpers/temp-dir.js'

const HAS_CACHE = typeof (module as unknown as { enableCompileCache?: unknown }).enableCompileCache === 'function'

/** The bundles a start compiled from the cache, by file name (dist/part-main-….js as part-main.js). */
async function acceptedOn(env: Record<string, string>): Promise<string[]> {
  const server = await startServer({ ...env, NODE_DEBUG_NATIVE: 'COMPILE_CACHE' })
  // The first feed: the render worker has compiled its bundle by then.
  expect((await fetch(`${server.base}/wirtschaft/feed.xml`)).status).toBe(200)
  expect(await server.stop()).toBe(0)
  const accepted = [...server.output().matchAll(/V8 code cache for ESM file:\/\/\S*\/dist\/([\w-]+?)(?:-[A-Z0-9]{8})?\.js was accepted/g)].map(([, name]) => `${name}.js`)
  return [...new Set(accepted)].sort()
}

describe('the module compile cache', () => {
  it(HAS_CACHE ? 'compiles the service and its render worker from the cache at a restart of the same build (Node 22.1+)' : 'writes no compile cache on a Node without one (Node 20), and starts all the same', async () => {
    const tmp = makeTempDir('compile-cache-')
    try {
      // Node's default folder is node-compile-cache in the temporary folder: TMPDIR names it for this test alone.
      const env = { TMPDIR: tmp.dir }
      const first = await acceptedOn(env)
      const second = await acceptedOn(env)
      const folder = path.join(tmp.dir, 'node-compile-cache')
      if (!HAS_CACHE) {
        expect([first, second, fs.existsSync(folder)]).toEqual([[], [], false])
        return
      }
      // A first start has nothing to take yet; the second takes the main bundle's parts and the render worker's bundle.
      expect(first).toEqual([])
      expect(second).toEqual(expect.arrayContaining(['part-main.js', 'render-worker.js']))
      // NODE_DISABLE_COMPILE_CACHE=1, Node's own switch, turns it off.
      expect(await acceptedOn({ ...env, NODE_DISABLE_COMPILE_CACHE: '1' })).toEqual([])
    } finally {
      tmp.rm()
    }
  })
})
