/**
 * `npm run plus-token -- --subscriber <id> [--expires <ISO date>]`: prints a
 * subscriber's personal feed URLs (docs/plus.md). Takes the service's
 * configuration from the environment (SITE_URL, PLUS_SECRET); the token is
 * stateless, so nothing is stored.
 */
import { loadConfig } from './config.js'
import { runMain } from './errors/run-main.js'
import { plusTokenCommand } from './plus/token-command.js'

runMain(async () => {
  process.stdout.write(plusTokenCommand(process.argv.slice(2), loadConfig(process.env), Date.now()))
})
