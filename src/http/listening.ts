import type { AddressInfo } from 'node:net'
import type { Logger } from '../util/logger.js'

/** Why the service cannot listen, in words an operator acts on: which variable, where, what to do, and the system's code. */
export function listenFailure(where: string, error: NodeJS.ErrnoException): string {
  const [variable, why] =
    error.code === 'EADDRINUSE'
      ? ['PORT', 'another process listens there: stop it, or choose another PORT']
      : error.code === 'EACCES'
        ? ['PORT', 'this user may not listen there: a port below 1024 needs privileges']
        : error.code === 'EADDRNOTAVAIL'
          ? ['HOST', 'no interface of this host has that address']
          : error.code === 'ENOTFOUND' || error.code?.startsWith('EAI_')
            ? ['HOST', 'no such host name: give an address (127.0.0.1, ::1, 0.0.0.0) or a name this host resolves']
            : ['PORT', error.message]
  return `error ${variable}: cannot listen on ${where} (${error.code ?? 'no code'}: ${why}); stopping`
}

/** The URL a socket listens on, for the log: an IPv6 address in brackets (RFC 3986), `http://[::1]:3000`. */
export function listeningUrl(info: Pick<AddressInfo, 'address' | 'family' | 'port'>): string {
  return `http://${info.family === 'IPv6' ? `[${info.address}]` : info.address}:${info.port}`
}

/** At most one warning a minute about failed connections, with the count since the last. */
const ACCEPT_WARNING_MS = 60_000

/**
 * The server's 'error' events, all of them: one the server would otherwise
 * end the process with. Before it listens, the error is the listen's and
 * goes to `cannotListen` (for the public port, stopOnListenFailure). After,
 * it is a connection the server could not take (accept: out of file
 * descriptors, which libuv mostly absorbs): one client is refused, not the
 * service, so it is a warning, at most one a minute, and serving goes on.
 * Errors within the minute are counted into the next line, which comes at
 * the minute's end even when no error follows (`schedule`): a burst that
 * stopped was otherwise never reported beyond its first error.
 * The minute is measured on the monotonic clock: a wall clock set back would
 * silence the warning for as long as it was set back.
 */
export function watchServerErrors(
  server: { readonly listening: boolean; on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown },
  where: string,
  logger: Logger,
  cannotListen: (error: NodeJS.ErrnoException) => void,
  now: () => number = () => performance.now(),
  schedule: (report: () => void, ms: number) => void = (report, ms) => void setTimeout(report, ms).unref(),
): void {
  let warned = -Infinity
  let since = 0
  let code = ''
  let scheduled = false
  const report = () => {
    logger.warn(`warning: the server on ${where} could not take a connection (${code}; ${since} since the last such line); serving goes on`, { code, where })
    warned = now()
    since = 0
  }
  server.on('error', (error) => {
    if (!server.listening) return cannotListen(error)
    code = error.code ?? error.message
    since++
    const wait = ACCEPT_WARNING_MS - (now() - warned)
    if (wait <= 0) return report()
    if (scheduled) return
    scheduled = true
    schedule(() => {
      scheduled = false
      if (since > 0) report()
    }, wait)
  })
}

/** The public port's listen failure: one line (listenFailure) and `exit(1)` for the supervisor. */
export function stopOnListenFailure(where: string, logger: Logger, exit: (code: number) => void): (error: NodeJS.ErrnoException) => void {
  return (error) => {
    ;(logger.error ?? logger.warn).call(logger, listenFailure(where, error), { code: error.code ?? error.message, where })
    exit(1)
  }
}
