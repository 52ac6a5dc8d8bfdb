/**
 * tests/helpers/free-port.ts: the port a test server or a child (varnishd, nginx, the service) is told to take.
 * CI, stop 56: varnishd could not bind the port freePort had given a few seconds before ("Address already in use"),
 * a port from the kernel's own range, where every outgoing connection takes its local port.
 */
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { ephemeralLow, freePort } from './helpers/free-port.js'

describe('freePort', () => {
  it('gives ports below the range the kernel picks from itself, which a server can then take', async () => {
    const low = ephemeralLow()
    // Linux's default is 32768; the test machines read it from /proc.
    expect(low).toBeGreaterThan(11_000)
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()))
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000)
      expect(port).toBeLessThan(low as number)
    }
    const server = net.createServer().listen(ports[0], '127.0.0.1')
    await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject))
    expect((server.address() as net.AddressInfo).port).toBe(ports[0])
    server.close()
  })
})
