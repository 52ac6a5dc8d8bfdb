/**
 * A stop that requests in flight hold up (main.ts): after 9 s the service
 * gives up on them and exits 0, inside Docker's 10 s between its SIGTERM and
 * its SIGKILL (a supervisor's kill would cut the subscriber history's write).
 * Not in the group that runs alone: its time asserts have seconds of room.
 */
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { startServer } from './helpers/server-process.js'
import { articleText, makeTempDir } from './helpers/temp-dir.js'

describe('a stop that a request in flight holds up', () => {
  it('gives up on it after 9 s, says so, and exits 0', async () => {
    const articles = makeTempDir('deadline-articles-')
    try {
      for (const n of [1, 2]) articles.write(`m${n}.md`, articleText({ title: `Meldung ${n}`, date: `2025-01-0${n}T10:00:00Z`, category: 'wirtschaft' }, 'Text.\n'))
      // Both deadlines far past the 9 s (HEADERS_TIMEOUT is 10 s by default): neither the silent-socket sweep nor
      // Node's headers check may be what lets the request go.
      const server = await startServer({ ARTICLES_DIR: articles.dir, REQUEST_TIMEOUT: '60', HEADERS_TIMEOUT: '60' })
      // A request whose headers never end: in flight for the server, which cannot answer it.
      const socket = net.connect(Number(new URL(server.base).port), '127.0.0.1')
      await new Promise((resolve) => socket.once('connect', resolve))
      const closed = new Promise((resolve) => socket.once('close', resolve))
      socket.on('error', () => {})
      socket.write('GET /wirtschaft/feed.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n')
      await new Promise((resolve) => setTimeout(resolve, 50))

      const started = Date.now()
      const code = await server.stop()
      const took = Date.now() - started
      await closed
      expect(code).toBe(0)
      expect(server.output()).toContain('still busy after 9 s: closing the remaining connections; the index snapshot is left as it is')
      // 9 s, and the exit's own time (a guard started, 50 ms of settling): seconds of room either way.
      expect(took).toBeGreaterThanOrEqual(9000)
      expect(took).toBeLessThan(15_000)
    } finally {
      articles.rm()
    }
  }, 60_000)

  it('closes a keep-alive connection busy at the stop after its next answer, though its client goes on asking on it', async () => {
    const articles = makeTempDir('deadline-articles-')
    try {
      for (const n of [1, 2]) articles.write(`m${n}.md`, articleText({ title: `Meldung ${n}`, date: `2025-01-0${n}T10:00:00Z`, category: 'wirtschaft' }, 'Text.\n'))
      const server = await startServer({ ARTICLES_DIR: articles.dir })
      // Busy when the stop comes (as a page waiting for a change's swap is): its request's headers not ended yet.
      const socket = net.connect(Number(new URL(server.base).port), '127.0.0.1')
      await new Promise((resolve) => socket.once('connect', resolve))
      socket.on('error', () => {})
      let answers = ''
      const closed = new Promise((resolve) => socket.once('close', resolve))
      const request = 'GET /wirtschaft/m1.html HTTP/1.1\r\nHost: 127.0.0.1\r\n'
      socket.write(request)
      await new Promise((resolve) => setTimeout(resolve, 50))
      const started = Date.now()
      const stopped = server.stop()
      await new Promise((resolve) => setTimeout(resolve, 200))
      // A client (a proxy's pool) that asks again on the connection as soon as each answer is in.
      socket.on('data', (chunk: Buffer) => {
        answers += chunk.toString('latin1')
        if (!socket.destroyed && answers.endsWith('</html>')) socket.write(request + '\r\n')
      })
      socket.write('\r\n')
      expect(await stopped).toBe(0)
      const took = Date.now() - started
      await closed
      expect(server.output()).not.toContain('still busy after 9 s')
      expect(took).toBeLessThan(5_000)
      expect(answers).toMatch(/^connection: close$/im)
    } finally {
      articles.rm()
    }
  }, 60_000)
})
