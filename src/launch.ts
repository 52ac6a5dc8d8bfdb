// dist/main.js (scripts/build.mjs bundles this file under that name): the
// render workers start first (site/early-workers.ts), then the service
// (main.ts) loads as a part of the bundle of its own. Imported dynamically,
// none of the service's modules can be evaluated before the workers are
// started, however the bundler splits the code the two share (issue 14).
// First: a SIGHUP during the start is kept for main.ts, not Node's default (the end of the process).
import './early-signals.js'
import './site/early-workers.js'

await import('./main.js')
