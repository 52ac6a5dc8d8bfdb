import { createHook } from 'node:async_hooks'

/**
 * One of Node's tick objects (what `process.nextTick` queues), kept for the
 * life of the process: a workaround for V8 that makes every later tick object
 * cheap again after the first full garbage collection.
 *
 * Why: `nextTick` builds each tick object as a literal with computed keys
 * (`{ [async_id_symbol]: …, [trigger_async_id_symbol]: …, callback, args }`,
 * node:internal/process/task_queues). V8 remembers the maps such a literal
 * goes through, weakly. A full GC at a moment when no tick object is alive
 * collects those maps; the next tick object makes new ones, the literal's
 * define sites see a second map and go megamorphic, and from then on every
 * tick object is built in V8's runtime: about five times the cost of a
 * `nextTick` (85 → 480 ns, Node 20 and 24), for good. Node's streams and
 * HTTP server queue several a request, so a server that has collected its old
 * generation once while serving spends 15–35 % more CPU on a 304 than one
 * that has not (docs/performance.md, the thirteenth round). One tick object
 * held keeps its map and, through the maps' back pointers, every map before
 * it alive, so nothing is collected and the sites stay monomorphic.
 *
 * The tick object is taken from an async hook's `init`, enabled for the one
 * `nextTick` made here and disabled again: no hook runs afterwards.
 * Call it once, early, in the thread that serves (main.ts).
 */
let kept: object | undefined

export function keepTickObjectMaps(): void {
  if (kept !== undefined) return
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === 'TickObject' && kept === undefined) kept = resource
    },
  })
  hook.enable()
  try {
    process.nextTick(noop)
  } finally {
    hook.disable()
  }
}

/** The tick object kept (tests). */
export function keptTickObject(): object | undefined {
  return kept
}

function noop(): void {}
