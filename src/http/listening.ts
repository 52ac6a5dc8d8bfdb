import type { AddressInfo } from 'node:net'

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
