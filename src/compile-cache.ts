// The first module dist/main.js evaluates (launch.ts): the V8 code cache of Node's module compile cache, on from here.
import module from 'node:module'

/** Node 22.1 and later; `status` is one of module.constants.compileCacheStatus, `directory` set when it is on. */
type EnableCompileCache = (directory?: string) => { readonly status: number; readonly directory?: string; readonly message?: string }

/**
 * Compiling the service's bundle (1.5 MB) took 70–250 ms of every start on Node 24, more than reading the bundled
 * articles (docs/performance.md, the thirty-third round): with the cache, a restart of the same build compiles from
 * V8's code cache instead. Where it goes is Node's choice: NODE_COMPILE_CACHE, else the folder node-compile-cache in
 * the system's temporary folder; NODE_DISABLE_COMPILE_CACHE=1 turns it off. It fails quietly (a folder it cannot
 * write): a start then compiles as before. The worker threads started after this (site/early-workers.ts, the parse
 * and stamp workers) take the folder from the environment Node hands them. Node 20 has no such cache: nothing here.
 */
const enable = (module as unknown as { enableCompileCache?: EnableCompileCache }).enableCompileCache
const enabled = enable?.()
if (enabled?.directory !== undefined && process.env.NODE_COMPILE_CACHE === undefined) process.env.NODE_COMPILE_CACHE = enabled.directory
