import { setImmediate as nextTurn } from 'node:timers/promises'
import v8 from 'node:v8'
import vm from 'node:vm'

v8.setFlagsFromString('--expose-gc')
/** V8's full collection (the flag set for it here, as vitest starts workers without --expose-gc). */
export const gc = vm.runInNewContext('gc') as () => void

/**
 * Whether `ref`'s target is collected by a full GC within `turns` turns of the event loop. A WeakRef made or read in
 * a turn holds its target until the turn ends, and what a finished task let go of can still sit in a callback of the
 * turn after (a Brotli on the thread pool): one turn and one GC were not always enough (tests/site/resource.test.ts
 * on Node 24 in a fresh-clone CI, once). What keeps holding the target is still caught: it is never collected.
 */
export async function collected(ref: WeakRef<object>, turns = 5): Promise<boolean> {
  for (let turn = 0; turn < turns; turn++) {
    await nextTurn()
    gc()
    if (ref.deref() === undefined) return true
  }
  return false
}
