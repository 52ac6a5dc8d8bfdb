import vm from 'node:vm'
import { within } from './within.js'

/** The longest collectGarbage waits for the collection (ms): 80-100 ms at 50,000 articles. */
export const COLLECT_AT_MOST_MS = 2000

/**
 * Starts a full garbage collection of this thread's heap now, and resolves
 * once it is done, or after `atMostMs` (never rejects). V8 marks incrementally, in small steps
 * between the event loop's tasks, and finishes in one short pause (13 ms at
 * 50,000 articles on Node 24.22, 3 ms on Node 20.20: `--trace-gc`).
 *
 * For the service after its start: the start leaves tens of megabytes of
 * garbage (the snapshot's decoding, the first site's renders) that V8
 * collects only once the heap reaches a limit set from the last collection,
 * far above it; what the start does next (the sitemaps, the later parts of
 * the code) then grows the heap on top of that garbage. Collected first, a
 * warm restart at 50,000 articles peaked 8 s on at 231–235 MB on Node 24.22
 * instead of 252–259, and at 208–211 instead of 217–219 on Node 20.20
 * (docs/performance.md).
 *
 * Node has no API for this but `vm.measureMemory` with eager execution,
 * documented to start a collection at once to measure the memory; the
 * measurement itself is dropped. It is marked experimental, and its first
 * call prints an ExperimentalWarning, which would stand in the service's log
 * at every start as if something were wrong: that one warning is not passed
 * on (every other warning is).
 */
export function collectGarbage(atMostMs = COLLECT_AT_MOST_MS): Promise<void> {
  const emitWarning = process.emitWarning
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message
    if (!text.startsWith('vm.measureMemory is an experimental feature')) Reflect.apply(emitWarning, process, [warning, ...rest])
  }) as typeof process.emitWarning
  try {
    // At most atMostMs: the service's next steps wait for it (main.ts), and a measurement that never came would hold them.
    return within(vm.measureMemory({ mode: 'summary', execution: 'eager' }), atMostMs)
  } catch {
    return Promise.resolve()
  } finally {
    process.emitWarning = emitWarning
  }
}
