import { redactSecrets } from '../text/redact.js'
import { exitGuarded, guardExit } from '../util/guarded-exit.js'
import { ConfigError } from './config-error.js'

/**
 * Runs an entry point's `main` and ends the process with status 1 when it
 * fails: a configuration error as one line naming the variable or file, any
 * other error with its stack. Written as a plain line on standard error even
 * with LOG_FORMAT=json: the logger is made from the configuration that failed.
 * A secret in a URL (a WEBSUB_HUB that is not valid) is redacted. The exit
 * is guarded, and so is a crash's: Node's own can hang for good
 * (util/guarded-exit.ts).
 */
export function runMain(main: () => Promise<void>): void {
  // A crash (an exception nothing caught, a rejection nothing handled) ends through Node's own exit, which can hang as
  // well: the guard starts before Node prints the error and exits 1. Not when a handler takes the exception and the
  // process goes on: its guard would end it 3 s later.
  process.on('uncaughtExceptionMonitor', () => {
    if (process.listenerCount('uncaughtException') === 0) guardExit()
  })
  main().catch((error: unknown) => {
    console.error(error instanceof ConfigError ? `configuration error: ${redactSecrets(error.message)}` : error)
    exitGuarded(1)
  })
}
