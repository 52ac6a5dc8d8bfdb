/**
 * The built service out of file descriptors (a LimitNOFILE too low for the
 * readers it has, or a leak elsewhere on the host): every descriptor it may
 * have is held by a connection, so that no article file can be opened. Its
 * limit is lowered from outside with util-linux's prlimit, as an operator's
 * `prlimit --pid` or a unit's LimitNOFILE would.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { polled } from '../helpers/polled.js'
import { startServer, type RunningServer } from '../helpers/server-process.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

let temp: ReturnType<typeof makeTempDir> | undefined
let server: RunningServer | undefined
const sockets: net.Socket[] = []

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  await server?.stop()
  temp?.rm()
})

/** What `ask` gives once a connection is taken: a request that met the limit is closed unanswered; tried for 5 s. */
async function answered<T>(ask: () => Promise<T>): Promise<T> {
  for (const started = Date.now(); ; await new Promise((resolve) => setTimeout(resolve, 50))) {
    try {
      return await ask()
    } catch (error) {
      if (Date.now() - started > 5000) throw error
    }
  }
}

const article = (title: string) => articleText({ title: `"${title}"`, date: '2026-11-02T10:00:00Z', category: 'wirtschaft' }, 'Die Werft meldet volle Auftragsbücher für 2027.')

describe('out of file descriptors', () => {
  it('keeps the last good version of a file saved meanwhile, goes on serving, and publishes the save once it can read it', async () => {
    temp = makeTempDir('descriptors-')
    temp.write('werft.md', article('Werft: Aufträge für zwei Jahre'))
    temp.write('hafen.md', articleText({ title: '"Hafen erwartet Rekordumschlag"', date: '2026-11-01T10:00:00Z', category: 'wirtschaft' }))
    server = await startServer({ ARTICLES_DIR: temp.dir, RESCAN_INTERVAL: '1' })
    const running = server
    const titles = async () => ((await (await fetch(`${running.base}/wirtschaft/feed.json`)).json()) as { items: { title: string }[] }).items.map((item) => item.title)
    // The parts loaded after the first feed need descriptors of their own (they open their modules).
    expect(await polled(() => running.output(), (output) => output.includes('loaded the parts'), 10_000)).toContain('loaded the parts the first feed did not need')
    const pid = running.child.pid as number
    const open = fs.readdirSync(`/proc/${pid}/fd`).length
    expect(spawnSync('prlimit', ['--pid', String(pid), `--nofile=${open + 4}:${open + 4}`]).status).toBe(0)
    // More connections than it has descriptors left: libuv closes those it cannot keep, with no error (no log line).
    const port = Number(new URL(running.base).port)
    for (let n = 0; n < 30; n++) sockets.push(net.connect(port, '127.0.0.1').on('error', () => {}))
    expect(await polled(() => fs.readdirSync(`/proc/${pid}/fd`).length, (count) => count >= open + 4, 5000)).toBeGreaterThanOrEqual(open + 4)

    temp.write('werft.md', article('Werft: Aufträge für drei Jahre'))
    const line = 'kept the last good version of werft.md: file: cannot be read (EMFILE)'
    expect(await polled(() => running.output(), (output) => output.includes(line), 10_000)).toContain(line)
    for (const socket of sockets.splice(0)) socket.destroy()
    // Still serving, with the version it had: the save it could not read unpublished nothing. Asked again until it
    // has closed enough of those connections: at the limit one is accepted and closed at once (CI's fetch met one).
    const first = await answered(titles)
    expect([['Werft: Aufträge für zwei Jahre', 'Hafen erwartet Rekordumschlag'], ['Werft: Aufträge für drei Jahre', 'Hafen erwartet Rekordumschlag']]).toContainEqual(first)
    // The next rescan (RESCAN_INTERVAL) reads the file it could not.
    let now = first
    for (const started = Date.now(); now[0] !== 'Werft: Aufträge für drei Jahre' && Date.now() - started < 10_000; now = await answered(titles)) await new Promise((resolve) => setTimeout(resolve, 100))
    expect(now).toEqual(['Werft: Aufträge für drei Jahre', 'Hafen erwartet Rekordumschlag'])
    expect(running.child.exitCode).toBe(null)
  }, 40_000)
})
