/**
 * How the built service starts (issue 14: `npm start` to the first feed in
 * under a second): dist/ holds bundles that load nothing from node_modules,
 * and the render workers start while the articles load, not at the first
 * render. scripts/build.mjs makes the bundles; tests/build-script.test.ts
 * covers when it runs.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { afterAll, describe, expect, it } from 'vitest'
import { threadsAtNice19 } from './helpers/threads.mjs'
import { polled } from './helpers/polled.js'
import { startServer, type RunningServer } from './helpers/server-process.js'
import { makeTempDir } from './helpers/temp-dir.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const ARTICLES_DIR = path.join(ROOT, 'articles')
const TITLE = '<title>Schuldenbremse: Investieren, ohne die Zukunft zu verpfänden</title>'

// The six bundles and the parts of dist/main.js, copied where no node_modules folder is above them: whatever they still imported from a package would fail.
// With dist/package.json, as a container image's stage that copies dist/ alone has them.
const alone = makeTempDir('bundle-alone-')
afterAll(() => alone.rm())
const parts = fs.readdirSync(path.join(ROOT, 'dist')).filter((name) => /^part-.*\.js$/.test(name))
const BUNDLES = ['main.js', 'render-worker.js', 'stamp-worker.js', 'parse-worker.js', 'export.js', 'plus-token.js', ...parts]
for (const name of [...BUNDLES, 'package.json']) alone.write(`dist/${name}`, fs.readFileSync(path.join(ROOT, 'dist', name)))
const bundle = (name: string): string => path.join(alone.dir, 'dist', `${name}.js`)

/** The packages that render bodies and feed documents (render workers' work) and gray-matter's nested js-yaml 3. */
const RENDERING = ['markdown-it', 'linkify-it', 'sanitize-html', 'htmlparser2', 'postcss', '@xmldom/xmldom', 'feed', 'xml-js', 'gray-matter/node_modules/js-yaml']

/** `gray-matter/node_modules/js-yaml/lib/js-yaml` → `gray-matter/node_modules/js-yaml`; `@xmldom/xmldom/lib` → `@xmldom/xmldom`. */
function packageOf(dir: string): string {
  const nested = dir.split('/node_modules/')
  const last = (nested.pop() ?? '').split('/')
  return [...nested, last.slice(0, last[0]?.startsWith('@') ? 2 : 1).join('/')].join('/node_modules/')
}

/**
 * The code of a bundle file and of the parts it imports statically, in the order an ES module runs them: each
 * imported file first (once), then the file's own code. Parts it imports with import() run later, and are left out.
 */
function evaluationOrder(file: string, seen = new Set<string>()): string {
  if (seen.has(file)) return ''
  seen.add(file)
  const code = fs.readFileSync(file, 'utf8')
  const imported = [...code.matchAll(/^import (?:[^'"]*? from )?"(\.\/[^"]+)";$/gms)].map(([, relative]) => path.join(path.dirname(file), relative ?? ''))
  return [...imported.map((part) => evaluationOrder(part, seen)), code].join('\n')
}

/** Starts the built service with tests/fixtures/start/`spy` preloaded, asks for the first feed, then gives `check` the spy's lines. */
async function untilFirstFeed(spy: string, check: (spied: string[], server: RunningServer) => Promise<void>, line?: string): Promise<void> {
  const server = await startServer({ ARTICLES_DIR, NODE_OPTIONS: `--import=${path.join(ROOT, 'tests/fixtures/start', spy)}` })
  try {
    expect((await fetch(`${server.base}/wirtschaft/feed.xml`)).status).toBe(200)
    // A spy writes `line` to stderr before the answer's bytes go out, but this process may read the socket before the
    // pipe: wait for it (at most 5 s) rather than race it (CI at load once read the output without it).
    if (line !== undefined) await polled(() => server.output().includes(line), (seen) => seen)
    await check(
      server.output().split('\n').filter((line) => line.startsWith('spy: ')),
      server,
    )
  } finally {
    await server.stop()
  }
}

describe('the built service, bundled (npm run build)', () => {
  it('serves the bundled articles from dist/main.js and dist/render-worker.js alone, without node_modules', { timeout: 30_000 }, async () => {
    expect(fs.existsSync(path.join(alone.dir, 'node_modules'))).toBe(false)
    const server = await startServer({ ARTICLES_DIR, LOG_FORMAT: 'json' }, [], {}, bundle('main'))
    try {
      const response = await fetch(`${server.base}/wirtschaft/feed.xml`)
      const rss = await response.text()
      expect(response.status).toBe(200)
      expect(rss).toContain(TITLE)
      // Bodies are rendered by the render workers: Markdown as HTML.
      expect(rss).toContain('<content:encoded><![CDATA[<p>Über die Schuldenbremse wird gestritten, als gäbe es nur zwei Lager')
      // pino, bundled, writes its JSON lines.
      const lines = server.output().split('\n').filter((line) => line.startsWith('{'))
      const loading = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === `loading ${ARTICLES_DIR}`)
      expect(loading?.level).toBe('info')
    } finally {
      await server.stop()
    }
  })

  it('holds no character above U+007F in any bundle: V8 keeps each source in one byte a character, not as UTF-16 at twice the size', () => {
    // One „ in a comment made V8 hold main.js's main part as 2.6 MB of UTF-16 instead of 1.3 MB, and the renderer part
    // and each render worker's bundle likewise: 4-5 MB of a 50,000-article service (issue 14; scripts/build.mjs, asciiOnly).
    // On Node 24 one § (Latin-1) did so for the renderer part (1.1 MB of source, over 1 MiB).
    const above = BUNDLES.map((name) => [name, fs.readFileSync(path.join(ROOT, 'dist', name), 'utf8').match(/[^\0-\x7f]/gu)?.length ?? 0])
    expect(above).toEqual(BUNDLES.map((name) => [name, 0]))
  })

  it('declares its bundles ES modules itself (dist/package.json): Node need not compile each twice to find out', () => {
    // Without a "type": "module" above them Node 20.19+ compiled every bundle as CommonJS first, met `import` and compiled
    // it again: a 50,000-article restart peaked 8 s on at 275-283 MB instead of 258-263 (issue 14). With detection off,
    // --check parses a file as Node would load it: as CommonJS, and fails, unless something declares it an ES module.
    expect(fs.existsSync(path.join(alone.dir, 'package.json'))).toBe(false)
    const refused = BUNDLES.map((name) => [name, spawnSync(process.execPath, ['--no-experimental-detect-module', '--check', path.join(alone.dir, 'dist', name)], { encoding: 'utf8' })] as const)
      .filter(([, checked]) => checked.status !== 0)
      .map(([name, checked]) => `${name}: ${checked.stderr.split('\n').find((line) => line.includes('Error')) ?? checked.stderr}`)
    expect(refused).toEqual([])
  })

  it('exports and mints plus tokens from dist/export.js and dist/plus-token.js alone', { timeout: 60_000 }, () => {
    const env = { PATH: process.env.PATH ?? '', ARTICLES_DIR, SITE_URL: 'https://www.example.de/', PLUS_SECRET: 'k'.repeat(32) }
    const out = path.join(alone.dir, 'out')
    const exported = spawnSync(process.execPath, [bundle('export'), '--out', out], { cwd: ROOT, env, encoding: 'utf8' })
    expect(exported.status, exported.stderr).toBe(0)
    expect(exported.stdout).toMatch(/^exported \d+ documents and \d+ media files? \([\d.,]+ (?:MB|kB|B)\) to /m)
    expect(fs.readFileSync(path.join(out, 'wirtschaft/feed.xml'), 'utf8')).toContain(TITLE)
    const minted = spawnSync(process.execPath, [bundle('plus-token'), '--subscriber', 'abo-9'], { cwd: alone.dir, env, encoding: 'utf8' })
    expect([minted.status, minted.stderr]).toEqual([0, ''])
    expect(minted.stdout.split('\n')[0]).toBe('Plus feeds for abo-9 (no expiry; ends when revoked (PLUS_REVOKED)):')
  })

  it('leaves zod and js-yaml (site.yaml and the configuration) out of the render workers\' bundle', () => {
    const worker = fs.readFileSync(bundle('render-worker'), 'utf8')
    expect(worker).toContain('node_modules/markdown-it/')
    expect(worker.match(/node_modules\/(zod|js-yaml)\/[^\n]*/g) ?? []).toEqual([])
  })

  it("bundles zod's English messages, the ones it uses, and none of its other languages (every start compiled them)", () => {
    const code = fs.readdirSync(path.join(ROOT, 'dist')).filter((name) => /^(main|part-.*)\.js$/.test(name)).map((name) => fs.readFileSync(path.join(ROOT, 'dist', name), 'utf8')).join('\n')
    expect([...code.matchAll(/^\/\/ \S*node_modules\/zod\/v4\/locales\/(\S+)$/gm)].map(([, file]) => file)).toEqual(['en.js'])
  })

  it("starts the render workers before the service's own modules are evaluated (site/early-workers.ts runs first in dist/main.js)", () => {
    const code = evaluationOrder(path.join(ROOT, 'dist/main.js'))
    // esbuild marks each module with a `// path` line; CommonJS ones are lazy wrappers, evaluated when first required.
    const modules = [...code.matchAll(/^\/\/ ((?:src|node_modules)\/\S+)\n(.*)$/gm)].map(([, file, next]) => ({ file, lazy: /= __commonJS\(/.test(next ?? '') }))
    const early = modules.findIndex(({ file }) => file === 'src/site/early-workers.ts')
    expect(early).toBeGreaterThan(-1)
    // Only the module that keeps a SIGHUP during the start (a handler, no import) comes before them.
    expect(modules.slice(0, early).filter(({ lazy }) => !lazy)).toEqual([{ file: 'src/early-signals.ts', lazy: false }])
    expect(code.indexOf('new Worker(', code.indexOf('// src/site/early-workers.ts'))).toBeGreaterThan(-1)
  })

  it('loads neither the renderers (Markdown, HTML sanitising, feed XML) nor a second YAML parser in the main thread before the first feed', { timeout: 30_000 }, async () => {
    await untilFirstFeed('spy-modules.mjs', async (spied, server) => {
      // The files of dist/ the main thread loaded (the render workers' bundle is theirs), and the packages bundled in them.
      // Until the first answer: a second after it listens, the service loads the rest (main.ts).
      const untilAnswer = spied.slice(0, spied.findIndex((line) => line.startsWith('spy: first answer')) + 1)
      const loaded = untilAnswer.flatMap((line) => (line.startsWith('spy: load file:') ? [fileURLToPath(line.slice('spy: load '.length))] : []))
      const files = loaded.filter((file) => path.basename(file) !== 'render-worker.js' && !file.includes(`${path.sep}tests${path.sep}`))
      expect(files[0]).toBe(path.join(ROOT, 'dist/main.js'))
      const bundled = new Set(files.flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(/^\/\/ \S*?node_modules\/(\S+)\/[^/\s]+$/gm)].map(([, dir]) => packageOf(dir ?? ''))))
      expect(bundled).toContain('gray-matter')
      expect([...bundled].filter((name) => RENDERING.includes(name))).toEqual([])
      // Nor @hono/node-server (on Node 24, node:http itself loads undici, so the line below cannot tell there).
      expect(bundled).not.toContain('@hono/node-server')
      // gray-matter's own js-yaml 3 (its default engine, which front-matter.ts replaces) would require esprima from node_modules.
      expect(untilAnswer.filter((line) => line.startsWith('spy: require '))).toEqual([])
      // Nor Node's fetch (undici), which @hono/node-server loads: the first feed is answered without Hono (http/listener.ts).
      expect(spied.filter((line) => line.startsWith('spy: first answer'))).toEqual(['spy: first answer; fetch loaded: false'])
      // Hono, loaded with it on the first request that needs it, then answers as before.
      const missing = await fetch(`${server.base}/wirtschaft/nicht-da.html`)
      expect([missing.status, missing.headers.get('content-type')]).toEqual([404, 'text/html; charset=utf-8'])
    }, 'spy: first answer')
  })

  it('renders the first site at the process’s priority, and lowers its render worker to nice 19 once it serves', { timeout: 30_000 }, async () => {
    await untilFirstFeed('spy-priority.mjs', async (spied, server) => {
      const notice = spied.indexOf('spy: notice {"lowPriority":true}')
      const before = spied.slice(0, notice === -1 ? undefined : notice)
      // Every answer of the first site's rendering came while no thread yielded (issue 14: at nice 19 on a busy machine, the start waited for them).
      expect(before.length).toBeGreaterThan(0)
      expect(new Set(before)).toEqual(new Set(['spy: answer, threads at nice 19: 0']))
      // Told to the one that rendered the first site; a second, started once renders overlap, is given it as its workerData.
      expect(spied.filter((line) => line.startsWith('spy: notice'))).toEqual(['spy: notice {"lowPriority":true}'])
      // Then it yields to the event loop that answers requests (read from outside: applied in the worker).
      expect(await polled(() => threadsAtNice19(server.child.pid), (count) => count >= 1, 10_000)).toBe(1)
    })
  })

  it('starts one render worker before it asks for the first render, and no second while its renders do not overlap', { timeout: 30_000 }, async () => {
    await untilFirstFeed('spy-workers.mjs', async (spied, server) => {
      expect(server.output()).toContain('loaded the parts the first feed did not need')
      // The stamp workers (a restart's file checks, content/file-stamps.ts) render nothing: the order asked of is the render workers' and the first task's.
      const rendering = spied.filter((line) => !line.includes('stamp-worker.js'))
      expect(rendering.slice(0, 2)).toEqual(['spy: worker render-worker.js', 'spy: task body'])
      // The first site renders on one, which is then told to yield (RenderPool.serving); until the parts the first feed
      // did not need are loaded (and the sitemaps written) no render overlapped another, so no second started: a restart's
      // memory holds one worker's heap the fewer (issue 14; tests/site/render-pool-size.test.ts starts one).
      const notice = rendering.indexOf('spy: notice {"lowPriority":true}')
      expect(notice).toBeGreaterThan(-1)
      expect(rendering.slice(0, notice)).toContain('spy: task feed')
      expect(rendering.filter((line) => line.startsWith('spy: worker'))).toEqual(['spy: worker render-worker.js'])
    }, 'loaded the parts the first feed did not need')
  })
})

describe('threadsAtNice19 (helpers/threads.mjs), read while threads end', () => {
  // CI (Node 24) failed the priority test above with ENOENT on /proc/self/task/ID/stat: a thread listed had ended before
  // its stat was read. Read 4,018 times while workers started and ended, the unguarded read failed 33 times.
  it('counts the threads that remain and never throws', { timeout: 20_000 }, async () => {
    let churning = true
    const churn = async (): Promise<void> => {
      while (churning) await new Promise((resolve) => new Worker('', { eval: true }).once('exit', resolve))
    }
    const churners = [churn(), churn(), churn()]
    const failures: unknown[] = []
    try {
      for (let read = 0; read < 2_000; read++) {
        try {
          expect(threadsAtNice19()).toBe(0)
        } catch (error) {
          failures.push(error)
        }
        await new Promise((resolve) => setImmediate(resolve))
      }
    } finally {
      churning = false
      await Promise.all(churners)
    }
    expect(failures).toEqual([])
  })
})
