import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { snapshotBody } from '../src/store/snapshot-format.js'
import { readXmlFeeds } from './helpers/consumers.js'
import { catchesSighup, polled } from './helpers/polled.js'
import { freePort } from './helpers/free-port.js'
import { ORDINARY_USER, startServer, type RunningServer } from './helpers/server-process.js'
import { articleText, makeOpenTempDir, makeTempDir } from './helpers/temp-dir.js'

const ARTICLES = fileURLToPath(new URL('../articles', import.meta.url))
let server: RunningServer

beforeAll(async () => {
  server = await startServer({ ARTICLES_DIR: ARTICLES })
})

afterAll(async () => {
  await server?.stop()
})

describe('the real server on a socket, with the bundled articles', () => {
  it('is found from / by autodiscovery, and serves all three feeds', async () => {
    const home = await fetch(`${server.base}/`)
    expect(home.status).toBe(200)
    const html = await home.text()
    const links = [...html.matchAll(/<link rel="alternate" type="([^"]+)" title="[^"]*" href="([^"]+)"\/>/g)].map((m) => [m[1], m[2]])
    expect(links).toEqual([
      ['application/rss+xml', `${server.base}/wirtschaft/feed.xml`],
      ['application/atom+xml', `${server.base}/wirtschaft/atom.xml`],
      ['application/feed+json', `${server.base}/wirtschaft/feed.json`],
      ['application/rss+xml', `${server.base}/wirtschaft/podcast.xml`],
    ])

    const [rss, atom, json] = await Promise.all(links.slice(0, 3).map(async ([, href]) => fetch(href as string)))
    expect(rss?.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8')
    expect(atom?.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8')
    expect(json?.headers.get('content-type')).toBe('application/feed+json; charset=utf-8')
    const [rssFeed, atomFeed] = readXmlFeeds([
      { body: await (rss as Response).text(), contentType: 'application/rss+xml' },
      { body: await (atom as Response).text(), contentType: 'application/atom+xml' },
    ])
    const jsonFeed = (await (json as Response).json()) as { items: { title: string; url: string }[] }

    const titles = jsonFeed.items.map((item) => item.title)
    // 12: ten free articles and the two plus articles (issue 13), as teasers.
    expect(titles).toHaveLength(12)
    expect(titles[0]).toBe('Schuldenbremse: Investieren, ohne die Zukunft zu verpfänden')
    expect(titles).toContain('DeepSeek und der Kostenschock: Warum ein chinesisches KI-Modell die Börse erschüttert')
    expect(titles).toContain('Geldfragen, Folge 13: Tagesgeld, Festgeld oder Anleihe?')
    expect(titles).not.toContain('ENTWURF: Haushalt 2027 – Zahlen folgen')
    expect(titles).not.toContain('Ausblick 2030: Was das neue Jahrzehnt für die Wirtschaft bringt')
    expect(titles).not.toContain('Bundesliga: Rekordumsatz trotz leerer Kassen bei einigen Klubs')
    expect(rssFeed?.entries.map((e) => e.title?.value)).toEqual(titles)
    expect(atomFeed?.entries.map((e) => e.title?.value)).toEqual(titles)

    for (const item of jsonFeed.items) {
      const page = await fetch(item.url)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('type="application/feed+json"')
    }
  })

  it('serves the sample media so images and episodes load', async () => {
    const image = await fetch(`${server.base}/media/werkhalle-mittelstand.jpg`)
    expect(image.status).toBe(200)
    expect(image.headers.get('content-type')).toBe('image/jpeg')
    expect((await image.arrayBuffer()).byteLength).toBe(24540)
  })

  it('answers a Host that makes no URL with its own 400 (nosniff), and two Host lines with 400, as main.ts wires them', async () => {
    const raw = (head: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(new URL(server.base).port), '127.0.0.1', () => socket.end(`${head}\r\nConnection: close\r\n\r\n`))
        const chunks: Buffer[] = []
        socket.on('data', (chunk: Buffer) => chunks.push(chunk))
        socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')))
        socket.on('error', reject)
      })
    const badHost = await raw('GET /impressum HTTP/1.1\r\nHost: 127.0.0.1:')
    expect(badHost.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request')
    expect(badHost).toContain('\r\nX-Content-Type-Options: nosniff\r\n')
    expect(badHost.endsWith('\r\n\r\nBad request: the request target and Host header make no URL (Invalid host header)\n')).toBe(true)
    const twoHosts = await raw('GET /wirtschaft/feed.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: 127.0.0.1')
    expect(twoHosts.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request')
  })

  it('on SIGTERM finishes the request in flight, refuses new connections, and exits 0', async () => {
    // A keep-alive connection that sits idle must not hold the shutdown up.
    const idle = net.connect(Number(new URL(server.base).port), '127.0.0.1')
    await new Promise((resolve) => idle.once('connect', resolve))
    idle.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')
    await new Promise((resolve) => idle.once('data', resolve))

    // Requests whose headers are half sent when the signal arrives: a feed rendered ahead, and a view rendered on request
    // (in a render worker: they stay until the exit).
    const halfSent = async (path: string) => {
      const socket = net.connect(Number(new URL(server.base).port), '127.0.0.1')
      await new Promise((resolve) => socket.once('connect', resolve))
      let response = ''
      socket.on('data', (chunk: Buffer) => (response += chunk.toString('latin1')))
      const closed = new Promise((resolve) => socket.once('close', resolve))
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`)
      return { finish: async () => (socket.write('Connection: close\r\n\r\n'), await closed, response) }
    }
    const requests = [await halfSent('/wirtschaft/feed.json'), await halfSent('/wirtschaft/feed.xml?tag=Bahn')]
    await new Promise((resolve) => setTimeout(resolve, 50))

    const started = Date.now()
    const exit = server.stop()
    await new Promise((resolve) => setTimeout(resolve, 100))
    const [response = '', view = ''] = await Promise.all(requests.map((request) => request.finish()))
    expect(response).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    const [head, body] = response.split('\r\n\r\n')
    expect(Number(/content-length: (\d+)/i.exec(head ?? '')?.[1])).toBe(Buffer.byteLength(body ?? '', 'latin1'))
    expect(view).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(view).toContain('<title>Tarifeinigung bei der Bahn')
    expect(await exit).toBe(0)
    expect(Date.now() - started).toBeLessThan(5000)
    idle.destroy()
    await expect(fetch(`${server.base}/healthz`)).rejects.toThrow()
    expect(server.output()).toContain('SIGTERM: finishing requests in flight, then stopping')
  })
})

describe('a stop right after the first load', () => {
  it('writes the index snapshot as it stops, before its usual quiet 5 s: the next start reads no file', async () => {
    const articles = makeTempDir('stop-articles-')
    const state = makeTempDir('stop-state-')
    try {
      for (const n of [1, 2, 3]) articles.write(`m${n}.md`, articleText({ title: `Meldung ${n}`, date: `2025-01-0${n}T10:00:00Z`, category: 'wirtschaft' }, 'Text.\n'))
      // Older than the 2 s within which a file's read is not trusted (a second save in the same clock tick).
      await new Promise((resolve) => setTimeout(resolve, 2100))
      const env = { ARTICLES_DIR: articles.dir, STATE_DIR: state.dir, SITE_URL: 'https://www.example.de/' }
      const first = await startServer(env)
      expect(await first.stop()).toBe(0)
      // Stopped well inside the 5 s after which the snapshot would have been written anyway.
      expect(fs.existsSync(path.join(state.dir, 'index-snapshot.v8'))).toBe(true)
      // It names the Node that wrote it (a start under another one says so): this one, as the service runs on it.
      const bytes = fs.readFileSync(path.join(state.dir, 'index-snapshot.v8'))
      const { icu, tz, unicode } = process.versions as NodeJS.ProcessVersions & { tz?: string; unicode?: string }
      expect((snapshotBody(bytes) as { fingerprint: { runtime?: string } }).fingerprint.runtime).toBe(JSON.stringify([process.version, icu, tz, unicode]))
      const second = await startServer(env)
      await second.stop()
      expect(second.output()).toContain(`index snapshot ${path.join(state.dir, 'index-snapshot.v8')}: 3 files; those unchanged since are not read again`)
    } finally {
      articles.rm()
      state.rm()
    }
  })
})

describe('a stop during start-up', () => {
  it('exits 0 on SIGTERM while the articles are still being read', async () => {
    const many = makeTempDir('many-')
    try {
      for (let n = 0; n < 4000; n++) {
        many.write(`${String(n % 40).padStart(2, '0')}/a${n}.md`, articleText({ title: `A${n}`, date: '2025-01-01T10:00:00Z', category: 'wirtschaft' }, 'Text. '.repeat(300)))
      }
      const child = spawn(process.execPath, [fileURLToPath(new URL('../dist/main.js', import.meta.url))], {
        // A STATE_DIR of its own: a stop writes the index snapshot of what it read (not into the checkout's state/).
        env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ARTICLES_DIR: many.dir, STATE_DIR: path.join(many.dir, '.state') },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        // The handlers are in place before the load begins: stop it right there.
        if (output.includes('loading ') && !child.killed) child.kill('SIGTERM')
      })
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])))
      expect({ code, signal }).toEqual({ code: 0, signal: null })
      expect(output).toContain('SIGTERM: stopping before the server started')
      expect(output).not.toContain('serving ')
    } finally {
      many.rm()
    }
  })
})

// Hostile review of stop 34: npm start ran `sh -c 'node … scripts/start.mjs'`, whose shell does not pass npm's SIGTERM
// on: npm exited 143 and the service went on serving, its parent now PID 1.
describe('npm start told to stop', () => {
  it('stops the service: npm\'s SIGTERM reaches it', async () => {
    const state = makeTempDir('npm-start-state-')
    const port = await freePort()
    const npm = spawn('npm', ['start'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), HOST: '127.0.0.1', SITE_URL: `http://127.0.0.1:${port}`, METRICS_PORT: '0', STATE_DIR: state.dir },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise((resolve) => npm.once('exit', resolve))
    const answers = () => new Promise<boolean>((resolve) => net.connect(port, '127.0.0.1').once('connect', function (this: net.Socket) { this.destroy(); resolve(true) }).once('error', () => resolve(false)))
    try {
      expect(await polled(() => output, (text) => text.includes('serving '), 20_000)).toContain('serving ')
      expect(await answers()).toBe(true)
      npm.kill('SIGTERM')
      await exited
      let open = true
      for (const started = Date.now(); open && Date.now() - started < 5000; await new Promise((resolve) => setTimeout(resolve, 50))) open = await answers()
      expect(open).toBe(false)
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL')
      state.rm()
    }
  }, 40_000)
})

/**
 * dist/main.js started on a port another server holds, with a STATE_DIR of its own: its exit, what it wrote to
 * stdout and stderr, and what it left in STATE_DIR (which may be the running instance's). `onOutput` sees the output
 * so far at each chunk, with the child.
 */
async function startOnTakenPort(onOutput?: (output: string, child: ChildProcess) => void): Promise<{ port: number; code: number | null; signal: NodeJS.Signals | null; output: string; stateFiles: string[] }> {
  const blocker = net.createServer()
  const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)))
  const state = makeTempDir('taken-state-')
  try {
    const child = spawn(process.execPath, [fileURLToPath(new URL('../dist/main.js', import.meta.url))], {
      env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', METRICS_PORT: '0', ARTICLES_DIR: ARTICLES, STATE_DIR: state.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    const collect = (chunk: Buffer) => {
      output += chunk.toString()
      onOutput?.(output, child)
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])))
    return { port, code, signal, output, stateFiles: fs.readdirSync(state.dir) }
  } finally {
    blocker.close()
    state.rm()
  }
}

describe('a port that cannot be listened on', () => {
  it('exits 1 with one line naming PORT, the address and what to do, not an unhandled error event', async () => {
    const { port, code, signal, output, stateFiles } = await startOnTakenPort()
    expect({ code, signal }).toEqual({ code: 1, signal: null })
    expect(output).toContain(`error PORT: cannot listen on 127.0.0.1:${port} (EADDRINUSE: another process listens there: stop it, or choose another PORT); stopping\n`)
    expect(output).not.toContain("Unhandled 'error' event")
    expect(output).not.toContain('serving ')
    // STATE_DIR may be the running instance's: the failed one wrote nothing there.
    expect(stateFiles).toEqual([])
  }, 30_000)

  it('writes nothing either when a signal comes as it exits: a SIGTERM in the moment the exit lets the event loop turn (exitGuarded) is no stop of its own', async () => {
    // At once, within the exit's 50 ms settle: a supervisor's stop, or a Ctrl-C, just then.
    const { code, signal, output, stateFiles } = await startOnTakenPort((text, child) => {
      if (text.includes('cannot listen on') && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    })
    expect({ code, signal }).toEqual({ code: 1, signal: null })
    expect(output).toContain('cannot listen on')
    expect(output).not.toContain('SIGTERM')
    // STATE_DIR may be the running instance's: no stop's index snapshot there.
    expect(stateFiles).toEqual([])
  }, 30_000)
})

describe('an ARTICLES_DIR that cannot be read at start', () => {
  // The service and the export stop at once with one line, not a stack from deep in the first listing.
  const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url))
  const EXPORT = fileURLToPath(new URL('../dist/export.js', import.meta.url))
  const run = (entry: string, articles: string, args: string[] = []): { status: number | null; output: string } => {
    // Root reads everything: the unreadable case runs as the unprivileged user nobody.
    const result = spawnSync(process.execPath, [entry, ...args], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', METRICS_PORT: '0', ARTICLES_DIR: articles, STATE_DIR: path.join(articles, '..', 'state') },
      encoding: 'utf8',
      timeout: 20_000,
      ...ORDINARY_USER,
    })
    return { status: result.status, output: `${result.stdout}${result.stderr}` }
  }

  it('names it: missing, a file, or not readable, and exits 1', () => {
    const temp = makeOpenTempDir('articles-dir-')
    try {
      const file = temp.write('artikel.md', 'kein Ordner')
      const locked = path.join(temp.dir, 'gesperrt')
      fs.mkdirSync(locked, { mode: 0o700 })
      if (ORDINARY_USER.uid === undefined) fs.chmodSync(locked, 0o000)
      const cases: [string, string][] = [
        [path.join(temp.dir, 'fehlt'), `configuration error: ARTICLES_DIR: ${path.join(temp.dir, 'fehlt')} does not exist (ENOENT)`],
        [file, `configuration error: ARTICLES_DIR: ${file} is a file, not a folder (ENOTDIR)`],
        [locked, `configuration error: ARTICLES_DIR: ${locked} cannot be read by this user (EACCES)`],
      ]
      for (const [articles, line] of cases) {
        for (const [entry, args] of [[MAIN, []], [EXPORT, ['--out', path.join(temp.dir, 'out')]]] as const) {
          const { status, output } = run(entry, articles, [...args])
          expect({ entry: path.basename(entry), status, output: output.trim().split('\n').at(-1) }).toEqual({ entry: path.basename(entry), status: 1, output: line })
          expect(output).not.toContain('    at ')
        }
      }
    } finally {
      temp.rm()
    }
  }, 60_000)
})

describe('SIGHUP', () => {
  it('rescans ARTICLES_DIR and keeps serving, where Node would end the process without a word', async () => {
    const articles = makeTempDir('sighup-')
    try {
      articles.write('a.md', articleText({ title: 'Erster Stand', date: '2025-01-01T10:00:00Z', category: 'wirtschaft' }))
      const running = await startServer({ ARTICLES_DIR: articles.dir, RESCAN_INTERVAL: '0' })
      try {
        running.child.kill('SIGHUP')
        expect(await polled(running.output, (output) => output.includes('SIGHUP: rescan done'), 10_000)).toContain(`SIGHUP: rescanning ${articles.dir}\nSIGHUP: rescan done, 0 change(s) applied\n`)
        expect(running.child.exitCode).toBe(null)
        expect(await (await fetch(`${running.base}/wirtschaft/feed.json`)).json()).toMatchObject({ items: [{ title: 'Erster Stand' }] })
      } finally {
        expect(await running.stop()).toBe(0)
      }
    } finally {
      articles.rm()
    }
  }, 30_000)

  // Hostile review of stop 34: one in the first tenth of a second, before main.ts had its handler, ended the process without a word.
  it('before the service has begun (its configuration still being read) does not end it, and is kept for the end of the load', async () => {
    const articles = makeTempDir('sighup-early-')
    const state = makeTempDir('sighup-early-state-')
    try {
      articles.write('a.md', articleText({ title: 'Erster Stand', date: '2025-01-01T10:00:00Z', category: 'wirtschaft' }))
      // site.yaml as a FIFO holds the start in loadConfig, the first thing main() does, until the test writes it.
      const settings = path.join(state.dir, 'site.yaml')
      expect(spawnSync('mkfifo', [settings]).status).toBe(0)
      const port = await freePort()
      const child = spawn(process.execPath, [fileURLToPath(new URL('../dist/main.js', import.meta.url))], {
        env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', SITE_URL: `http://127.0.0.1:${port}`, METRICS_PORT: '0', ARTICLES_DIR: articles.dir, STATE_DIR: state.dir, SITE_CONFIG: settings, RESCAN_INTERVAL: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      try {
        // Until the process catches SIGHUP (/proc: SigCgt, bit 0), or 3 s: without a handler this early it never does.
        expect(await polled(() => catchesSighup(child.pid as number), (caught) => caught, 3000)).toBe(true)
        child.kill('SIGHUP')
        await new Promise((resolve) => setTimeout(resolve, 200))
        expect([child.exitCode, child.signalCode]).toEqual([null, null])
        fs.writeFileSync(settings, 'updates:\n  period: hourly\n  frequency: 1\n')
        await polled(() => output, (text) => text.includes('serving '), 10_000)
        expect(output).toContain('SIGHUP during the start: rescanning once the articles are loaded\n')
        expect(output.indexOf('SIGHUP: rescan done')).toBeLessThan(output.indexOf('serving '))
      } finally {
        child.kill('SIGTERM')
        await exited
      }
    } finally {
      articles.rm()
      state.rm()
    }
  }, 30_000)

  it('during the start is not dropped: the rescan runs once the articles are loaded, and publishes a file saved meanwhile', async () => {
    const articles = makeTempDir('sighup-start-')
    const state = makeTempDir('sighup-start-state-')
    try {
      // Enough files that the load takes a while after its first line.
      for (let n = 0; n < 1500; n++) articles.write(`m${n}.md`, articleText({ title: `Meldung ${n}`, date: '2025-01-01T10:00:00Z', category: 'wirtschaft' }, 'Text. '.repeat(300)))
      const port = await freePort()
      const child = spawn(process.execPath, [fileURLToPath(new URL('../dist/main.js', import.meta.url))], {
        env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', SITE_URL: `http://127.0.0.1:${port}`, METRICS_PORT: '0', ARTICLES_DIR: articles.dir, STATE_DIR: state.dir, RESCAN_INTERVAL: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let output = ''
      let signalled = false
      const seen = new Promise<void>((resolve) => {
        const read = (chunk: Buffer) => {
          output += chunk.toString()
          if (!signalled && output.includes(`loading ${articles.dir}`)) {
            signalled = true
            // Saved during the load, then the operator's SIGHUP: the load may or may not have read it.
            articles.write('m0.md', articleText({ title: 'Geändert während des Starts', date: '2025-01-02T10:00:00Z', category: 'wirtschaft' }, 'Neu. '.repeat(300)))
            child.kill('SIGHUP')
          }
          if (output.includes('SIGHUP: rescan done')) resolve()
        }
        child.stdout.on('data', read)
        child.stderr.on('data', read)
      })
      try {
        await Promise.race([seen, new Promise((_, reject) => setTimeout(() => reject(new Error(`no rescan after the start:\n${output}`)), 20_000))])
        expect(output).toContain('SIGHUP during the start: rescanning once the articles are loaded\n')
        expect(output.indexOf(`SIGHUP: rescanning ${articles.dir}`)).toBeGreaterThan(output.indexOf('loaded 1500 articles'))
        // Before the server listens (hostile review of stop 34: it listened first, and its first feed had the old title).
        await polled(() => output, (text) => text.includes('serving '), 10_000)
        expect(output.indexOf('SIGHUP: rescan done')).toBeLessThan(output.indexOf('serving '))
        const titles = ((await (await fetch(`http://127.0.0.1:${port}/wirtschaft/feed.json`)).json()) as { items: { title: string }[] }).items.map((item) => item.title)
        expect(titles[0]).toBe('Geändert während des Starts')
      } finally {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
    } finally {
      articles.rm()
      state.rm()
    }
  }, 60_000)
})
