// `npm start`: one lifecycle script and one node process (issue 14: npm's
// prestart script and a second node cost 0.4 s of every start). Builds first
// when a source changed since the last build (as build.mjs --if-stale), then
// runs dist/main.js in this process; its flags are this script's.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build, isStale } from './build.mjs'

const root = process.cwd()
// A SIGHUP while it builds (a deploy's reload right after the start) ended it: Node's default. Nothing is read yet,
// so there is nothing to rescan; from dist/main.js's first line on, the service keeps one itself (early-signals.ts).
// Left in place: beside the service's own handler it does nothing.
process.on('SIGHUP', () => {})
if (isStale(root)) await build(root)
await import(pathToFileURL(join(root, 'dist/main.js')).href)
