import fs from 'node:fs'
import net from 'node:net'

/** Where freePort's ports begin: above the ports of well-known services. */
const LOWEST = 10_000

/**
 * A port on 127.0.0.1 that was free a moment ago: for the tests' servers and the bench scripts'. Taken below the
 * range the kernel picks ports from itself (ip_local_port_range): every outgoing connection, and every listen(0),
 * takes a port from that range, and a port handed out from it was taken so between the ask and a child's bind
 * (varnishd: "Could not get socket 127.0.0.1:34799: Address already in use", CI, stop 56). Below it, only another
 * freePort can take it, at random out of some 20,000. Where the range cannot be read, or leaves no room, the kernel's.
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow()
  if (low !== undefined && low - LOWEST >= 1000) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const port = await listenOn(LOWEST + Math.floor(Math.random() * (low - LOWEST)))
      if (port !== undefined) return port
    }
  }
  const port = await listenOn(0)
  if (port === undefined) throw new Error('no port')
  return port
}

/** The first port of the kernel's own range (/proc/sys/net/ipv4/ip_local_port_range), where it can be read. */
export function ephemeralLow(): number | undefined {
  try {
    const low = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'latin1').trim().split(/\s+/)[0])
    return Number.isInteger(low) && low > 0 ? low : undefined
  } catch {
    return undefined
  }
}

/** Listens on `port` and closes again: the port it had, or undefined when it was taken (or not ours to take). */
function listenOn(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' || error.code === 'EACCES' ? resolve(undefined) : reject(error)))
    server.listen(port, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined))
    })
  })
}
