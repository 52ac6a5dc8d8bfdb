// `npm start`: one lifecycle script and one node process (issue 14: npm's
// prestart script and a second node cost 0.4 s of every start). Builds first
// when a source changed since the last build (as build.mjs --if-stale), then
// runs dist/main.js in this process; its flags are this script's.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build, isStale } from './build.mjs'

const root = process.cwd()
if (isStale(root)) await build(root)
await import(pathToFileURL(join(root, 'dist/main.js')).href)
