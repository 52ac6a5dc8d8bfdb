/**
 * keepTickObjectMaps (src/util/keep-tick-maps.ts): after a full GC taken
 * while no tick object is alive, V8 builds every later `process.nextTick`
 * object in its runtime, about five times the cost, for the rest of the
 * process (Node 20 and 24; docs/performance.md, the thirteenth round). Holding
 * one tick object keeps the maps that would be collected. Measured in a fresh
 * child process each, as a ratio within the same process: after the GC
 * against before.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { keepTickObjectMaps, keptTickObject } from '../../src/util/keep-tick-maps.js'

const FIXTURE = fileURLToPath(new URL('../helpers/tick-cost.mjs', import.meta.url))
/** The built module (npm test builds first): the child runs plain JavaScript. */
const KEEPER = pathToFileURL(fileURLToPath(new URL('../../dist/util/keep-tick-maps.js', import.meta.url))).href

function tickCost(keeper?: string): { before: number; after: number } {
  const run = spawnSync(process.execPath, ['--expose-gc', FIXTURE, ...(keeper ? [keeper] : [])], { encoding: 'utf8' })
  expect(run.stderr).toBe('')
  return JSON.parse(run.stdout) as { before: number; after: number }
}

describe('keepTickObjectMaps', () => {
  it("holds one of Node's tick objects, the same one however often it is called", () => {
    keepTickObjectMaps()
    const kept = keptTickObject()
    expect(Object.keys(kept as object)).toEqual(['callback', 'args'])
    // Node 24 adds its async context frame (kAsyncContextFrame) after the two ids.
    expect(Object.getOwnPropertySymbols(kept).map(String).slice(0, 2)).toEqual(['Symbol(async_id_symbol)', 'Symbol(trigger_async_id_symbol)'])
    keepTickObjectMaps()
    expect(keptTickObject()).toBe(kept)
  })

  it('keeps process.nextTick as cheap after a full GC as before it; without it, a tick costs several times as much', () => {
    const without = tickCost()
    const kept = tickCost(KEEPER)
    // The defect, in Node itself (measured 3.6–7.8 times, Node 20 and 24): should a release stop doing it, the keeper can go.
    expect(without.after / without.before).toBeGreaterThan(2.5)
    // With it, the same cost (measured 0.62–1.38 times).
    expect(kept.after / kept.before).toBeLessThan(2)
  })
})
