import { ConfigError } from './config-error.js'

/**
 * Runs an entry point's `main` and ends the process with status 1 when it
 * fails: a configuration error as one line naming the variable or file, any
 * other error with its stack.
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : error)
    process.exit(1)
  })
}
