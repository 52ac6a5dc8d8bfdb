/** What the service says about its socket (http/listening.ts): the line it stops with when it cannot listen, and where it listens. */
import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import { listenFailure, listeningUrl, stopOnListenFailure, watchServerErrors } from '../../src/http/listening.js'

const failure = (code: string, message = `listen ${code}`): NodeJS.ErrnoException => Object.assign(new Error(message), { code })

describe('listenFailure', () => {
  it('names PORT for a taken or privileged port, HOST for an address or a name that is not this host', () => {
    expect(listenFailure('127.0.0.1:3000', failure('EADDRINUSE'))).toBe(
      'error PORT: cannot listen on 127.0.0.1:3000 (EADDRINUSE: another process listens there: stop it, or choose another PORT); stopping',
    )
    expect(listenFailure('127.0.0.1:80', failure('EACCES'))).toBe(
      'error PORT: cannot listen on 127.0.0.1:80 (EACCES: this user may not listen there: a port below 1024 needs privileges); stopping',
    )
    expect(listenFailure('10.9.9.9:3000', failure('EADDRNOTAVAIL'))).toBe('error HOST: cannot listen on 10.9.9.9:3000 (EADDRNOTAVAIL: no interface of this host has that address); stopping')
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      expect(listenFailure('0.0.0.0x:3000', failure(code))).toBe(
        `error HOST: cannot listen on 0.0.0.0x:3000 (${code}: no such host name: give an address (127.0.0.1, ::1, 0.0.0.0) or a name this host resolves); stopping`,
      )
    }
    expect(listenFailure('127.0.0.1:3000', failure('EMFILE', 'too many open files'))).toBe('error PORT: cannot listen on 127.0.0.1:3000 (EMFILE: too many open files); stopping')
  })
})

describe('listeningUrl', () => {
  it('writes an IPv6 address in brackets, as a URL must', () => {
    expect(listeningUrl({ address: '::1', family: 'IPv6', port: 3000 })).toBe('http://[::1]:3000')
    expect(listeningUrl({ address: '127.0.0.1', family: 'IPv4', port: 3000 })).toBe('http://127.0.0.1:3000')
  })
})


describe('watchServerErrors', () => {
  const watched = () => {
    const server = Object.assign(new EventEmitter(), { listening: false })
    const lines: string[] = []
    const exits: number[] = []
    let clock = 0
    const log = (line: string) => lines.push(line)
    const logger = { info: log, warn: log, error: (line: string) => lines.push(`ERROR ${line}`) }
    // Timers by hand: `later` moves the clock and runs what falls due.
    const timers: { at: number; report: () => void }[] = []
    const schedule = (report: () => void, ms: number) => void timers.push({ at: clock + ms, report })
    watchServerErrors(server, '127.0.0.1:3000', logger, stopOnListenFailure('127.0.0.1:3000', logger, (code) => exits.push(code)), () => clock, schedule)
    const later = (ms: number) => {
      clock += ms
      for (const due of timers.filter((timer) => timer.at <= clock)) {
        timers.splice(timers.indexOf(due), 1)
        due.report()
      }
    }
    return { server, lines, exits, later, timers }
  }

  it('stops with one line when the port cannot be listened on', () => {
    const { server, lines, exits } = watched()
    server.emit('error', failure('EADDRINUSE'))
    expect(exits).toEqual([1])
    expect(lines).toEqual([`ERROR ${listenFailure('127.0.0.1:3000', failure('EADDRINUSE'))}`])
  })

  it('once listening, warns of a connection it could not take, at most once a minute with the count, and never stops', () => {
    const { server, lines, exits, later } = watched()
    server.listening = true
    server.emit('error', failure('EMFILE', 'accept EMFILE'))
    for (let n = 0; n < 500; n++) server.emit('error', failure('EMFILE', 'accept EMFILE'))
    later(60_000)
    server.emit('error', failure('ENFILE', 'accept ENFILE'))
    later(60_000)
    expect(exits).toEqual([])
    expect(lines).toEqual([
      'warning: the server on 127.0.0.1:3000 could not take a connection (EMFILE; 1 since the last such line); serving goes on',
      'warning: the server on 127.0.0.1:3000 could not take a connection (EMFILE; 500 since the last such line); serving goes on',
      'warning: the server on 127.0.0.1:3000 could not take a connection (ENFILE; 1 since the last such line); serving goes on',
    ])
  })

  it('reports a burst that stopped at the end of its minute, with the count, and schedules nothing more once quiet', () => {
    const { server, lines, later, timers } = watched()
    server.listening = true
    server.emit('error', failure('EMFILE', 'accept EMFILE'))
    later(1_000)
    for (let n = 0; n < 41; n++) server.emit('error', failure('EMFILE', 'accept EMFILE'))
    later(58_999)
    expect(lines).toHaveLength(1)
    later(1)
    expect(lines).toEqual([
      'warning: the server on 127.0.0.1:3000 could not take a connection (EMFILE; 1 since the last such line); serving goes on',
      'warning: the server on 127.0.0.1:3000 could not take a connection (EMFILE; 41 since the last such line); serving goes on',
    ])
    later(600_000)
    expect([lines.length, timers.length]).toEqual([2, 0])
  })

  it('hands a listen failure to its caller, which for the metrics port is a warning and no stop', () => {
    const server = Object.assign(new EventEmitter(), { listening: false })
    const lines: string[] = []
    const log = (line: string) => lines.push(line)
    watchServerErrors(server, '127.0.0.1:9464', { info: log, warn: log }, (error) => log(`warning METRICS_PORT: ${error.code}`))
    server.emit('error', failure('EADDRINUSE'))
    server.listening = true
    server.emit('error', failure('EMFILE', 'accept EMFILE'))
    expect(lines).toEqual([
      'warning METRICS_PORT: EADDRINUSE',
      'warning: the server on 127.0.0.1:9464 could not take a connection (EMFILE; 1 since the last such line); serving goes on',
    ])
  })

  it('measures its minute on the monotonic clock, and names the server in the log fields', () => {
    const server = Object.assign(new EventEmitter(), { listening: true })
    const logged: [string, unknown][] = []
    const logger = { info: () => {}, warn: (line: string, fields?: unknown) => logged.push([line, fields]) }
    watchServerErrors(server, '127.0.0.1:9464', logger, () => {})
    server.emit('error', failure('EMFILE', 'accept EMFILE'))
    // The wall clock set back an hour (an NTP step, a VM restored) must not silence the next minute's line.
    const wall = vi.spyOn(Date, 'now').mockReturnValue(Date.now() - 3_600_000)
    const real = performance.now()
    const monotonic = vi.spyOn(performance, 'now').mockReturnValue(real + 61_000)
    server.emit('error', failure('EMFILE', 'accept EMFILE'))
    wall.mockRestore()
    monotonic.mockRestore()
    expect(logged.map(([line]) => line.replace(/\(EMFILE; \d+/, '(EMFILE; N'))).toEqual([
      'warning: the server on 127.0.0.1:9464 could not take a connection (EMFILE; N since the last such line); serving goes on',
      'warning: the server on 127.0.0.1:9464 could not take a connection (EMFILE; N since the last such line); serving goes on',
    ])
    expect(logged[0]?.[1]).toEqual({ code: 'EMFILE', where: '127.0.0.1:9464' })
  })
})
