/**
 * Whatever lands in ARTICLES_DIR: tests/fixtures/hostile holds one file per
 * case (plus what cannot be committed, made here: an oversized file, a link
 * leading outside, an unreadable file). Each bad file gets one log line naming
 * file, field and problem; everything else keeps publishing, valid and safe.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { MAX_ARTICLE_BYTES } from '../../src/content/load-articles.js'
import { ContentStore } from '../../src/store/content-store.js'
import { readXmlFeeds, type ParsedFeed } from '../helpers/consumers.js'
import { AS_ROOT, ORDINARY_USER, startServer } from '../helpers/server-process.js'
import { articleText, makeOpenTempDir, makeTempDir } from '../helpers/temp-dir.js'

const HOSTILE = fileURLToPath(new URL('../fixtures/hostile', import.meta.url))
const articles = makeTempDir('hostile-')
const outside = makeTempDir('outside-')
const logged: string[] = []
let store: ContentStore
let rss: ParsedFeed
let atom: ParsedFeed
let json: { items: { title: string; summary: string; content_html: string; tags?: string[] }[] }
let texts: string[]

beforeAll(async () => {
  fs.cpSync(HOSTILE, articles.dir, { recursive: true })
  articles.write('riesig.md', `---\ntitle: Riesig\ndate: 2025-03-16T10:00:00Z\ncategory: wirtschaft\n---\n${'x'.repeat(MAX_ARTICLE_BYTES)}`)
  outside.write('fremd.md', '---\ntitle: Von draußen\ndate: 2025-03-17T10:00:00Z\ncategory: wirtschaft\n---\n')
  fs.symlinkSync(path.join(outside.dir, 'fremd.md'), path.join(articles.dir, 'verweis-nach-draussen.md'))
  const config = loadConfig({ ARTICLES_DIR: articles.dir, SITE_URL: 'https://www.example.de/' })
  store = new ContentStore({ config, clock: () => new Date('2026-01-01T00:00:00Z'), logger: { info: () => {}, warn: (line) => logged.push(line) } })
  await store.load()
  store.close()
  texts = ['/wirtschaft/feed.xml', '/wirtschaft/atom.xml', '/wirtschaft/feed.json'].map((p) =>
    new TextDecoder().decode(store.resource(p)?.identity.body),
  )
  ;[rss, atom] = readXmlFeeds([
    { body: texts[0] as string, contentType: 'application/rss+xml' },
    { body: texts[1] as string, contentType: 'application/atom+xml' },
  ]) as [ParsedFeed, ParsedFeed]
  json = JSON.parse(texts[2] as string) as typeof json
})

afterAll(() => {
  articles.rm()
  outside.rm()
})

describe('bad article files', () => {
  it('logs one line per bad file, naming the file, the field and the problem', () => {
    const size = fs.statSync(path.join(articles.dir, 'riesig.md')).size
    expect(logged.filter((line) => line.startsWith('skipped ')).sort()).toEqual(
      [
        'skipped alias-bombe.md: title: must be text; tags: must be text or a list of texts',
        'skipped datum-kaputt.md: date: "31.12.2025 10:00" is not an ISO 8601 date such as 2025-01-28T09:30:00+01:00',
        'skipped falsche-typen.md: tags: must be text or a list of texts; draft: must be true or false',
        'skipped javascript.md: front matter: must be YAML; the opening line asks for "js"',
        'skipped json.md: front matter: must be YAML; the opening line asks for "json"',
        'skipped latin1.md: file: is not valid UTF-8; save it as UTF-8',
        "skipped leer.md: front matter: missing: the file must start with a '---' line, then YAML, then '---'",
        'skipped ohne-text.md: body: is empty and there is no summary: nothing to publish',
        'skipped ohne-titel.md: title: is required',
        "skipped ohne-vorspann.md: front matter: missing: the file must start with a '---' line, then YAML, then '---'",
        'skipped yaml-kaputt.md: front matter: YAML: missed comma between flow collection entries at line 3, column 1',
        'skipped dup/a/gleich.md: slug: "gleich" is also used in category "wirtschaft" by dup/b/gleich.md; neither is published',
        'skipped dup/b/gleich.md: slug: "gleich" is also used in category "wirtschaft" by dup/a/gleich.md; neither is published',
        `skipped riesig.md: file: is ${size} bytes, more than the limit of 2097152`,
        'skipped verweis-nach-draussen.md: file: is a symbolic link leading outside ARTICLES_DIR; not followed',
      ].sort(),
    )
    expect(logged.filter((line) => line.startsWith('warning ')).sort()).toEqual(
      [
        'warning nur-vorspann.md: body: is empty; the article is published with its summary only',
        'warning steuerzeichen.md: summary: held 2 control or non-characters XML cannot carry; removed',
        'warning steuerzeichen.md: tags: held 1 control or non-characters XML cannot carry; removed',
        'warning steuerzeichen.md: title: held 2 control or non-characters XML cannot carry; removed',
      ].sort(),
    )
  })

  it('never evaluates JavaScript front matter, not even partly', () => {
    expect((globalThis as Record<string, unknown>).__hostileFrontMatterRan).toBeUndefined()
  })

  it('publishes everything else, the BOM and CRLF file included, and nothing that is not *.md', () => {
    const titles = [
      "Böser Inhalt <script>alert('titel')</script> & Co",
      'Steuerzeichen und ]]> im Titel',
      'BOM und CRLF: Zölle',
      'Nur Vorspann',
      'Ein ordentlicher Artikel',
    ]
    expect(json.items.map((item) => item.title)).toEqual(titles)
    expect(rss.entries.map((entry) => entry.title?.value)).toEqual(titles)
    expect(atom.entries.map((entry) => entry.title?.value)).toEqual(titles)
  })

  it('keeps every feed well-formed and readable', () => {
    expect([rss.wellFormed, rss.bozo, atom.wellFormed, atom.bozo]).toEqual([true, false, true, false])
    for (const text of texts) expect(text).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/)
  })

  it('brings titles and summaries with <, &, quotes and entities back as the text typed', () => {
    const evil = json.items[0]
    expect(evil?.summary).toBe('<b onmouseover="x()">fett</b> &amp; "Zitat"')
    expect(atom.entries[0]?.summary?.value).toBe('<b onmouseover="x()">fett</b> &amp; "Zitat"')
    expect(rss.entries[0]?.summary?.text).toBe('<b onmouseover="x()">fett</b> &amp; "Zitat"')
  })

  it('lets nothing outside the allow-list into any feed content', () => {
    const html = json.items[0]?.content_html as string
    expect(html).toBe(
      '<p>Absatz mit Text.</p>\n' +
        '<a href="https://evil.example/embed">Eingebettet</a>\n' +
        '<a href="https://evil.example/flash.swf">https://evil.example/flash.swf</a>\n' +
        '<a href="https://evil.example/x.swf">https://evil.example/x.swf</a>\n' +
        'Senden\n' +
        '<p><a>Klick</a>\n<a>VB</a>\n<a>Daten</a>\n<img alt="Datenbild" />\n' +
        '<img src="https://www.example.de/wirtschaft/x.jpg" alt="Fehler" />\n</p>\n' +
        '<p>CSS-Ausdruck</p>\n\nDetails\n<a>Großbuchstaben</a>\n<a>Tab</a>\n' +
        '<p>Am Ende steht noch ein <a href="https://www.example.de/wirtschaft/gut.html">Link</a>.</p>',
    )
    const contents = [
      ...json.items.map((item) => item.content_html),
      ...[...(texts[0] as string).matchAll(/<content:encoded><!\[CDATA\[([\s\S]*?)\]\]><\/content:encoded>/g)].map((m) => m[1] as string),
      ...[...(texts[1] as string).matchAll(/<content type="html"><!\[CDATA\[([\s\S]*?)\]\]><\/content>/g)].map((m) => m[1] as string),
    ]
    expect(contents).toHaveLength(15)
    for (const content of contents) {
      expect(content).not.toMatch(/<(script|style|iframe|object|embed|form|input|svg|math|details)\b/i)
      expect(content).not.toMatch(/\son[a-z]+=|javascript:|vbscript:|data:|expression\(|style=/i)
    }
  })

  it('never lets ]]> end a CDATA section early', () => {
    const steuer = json.items[1]
    expect(steuer?.content_html).toBe('<p>Text mit]]&gt;zweimal]]&gt;Ende.</p>')
    expect(texts[0]).toContain('<content:encoded><![CDATA[<p>Text mit]]&gt;zweimal]]&gt;Ende.</p>]]></content:encoded>')
  })

  it('names a file it may not read, and goes on', () => {
    // Root reads everything: check the permission error as the unprivileged user nobody.
    const secret = unreadableBeside()
    try {
      const loader = fileURLToPath(new URL('../../dist/content/load-articles.js', import.meta.url))
      const script = `import(${JSON.stringify(loader)}).then(({ readArticleFile }) => {
        const options = { siteUrl: 'https://www.example.de/', timeZone: 'Europe/Berlin', language: 'de' }
        for (const file of ['geheim.md', 'offen.md']) {
          try { console.log(file, readArticleFile(${JSON.stringify(secret.dir)}, file, options).article.title) }
          catch (error) { console.log(error.message) }
        }
      })`
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', ...ORDINARY_USER })
      expect(run.stderr).toBe('')
      expect(run.stdout).toBe('geheim.md: file: cannot be read (EACCES)\noffen.md Offen\n')
    } finally {
      secret.rm()
    }
  })
})

/** A folder anyone may enter with geheim.md (mode 000: nobody but root may read it) beside offen.md. */
function unreadableBeside(): ReturnType<typeof makeTempDir> {
  const secret = makeTempDir('unreadable-')
  fs.chmodSync(secret.dir, 0o755)
  secret.write('geheim.md', '---\ntitle: Geheim\ndate: 2025-01-01T10:00:00Z\ncategory: wirtschaft\n---\n')
  secret.write('offen.md', '---\ntitle: Offen\ndate: 2025-01-01T10:00:00Z\ncategory: wirtschaft\n---\nText.\n')
  fs.chmodSync(path.join(secret.dir, 'geheim.md'), 0o000)
  return secret
}

describe('a file the service may no longer read, and an index snapshot', () => {
  it('is not taken from the snapshot by its stamp: stampNow, which a snapshot checks, has none for it', () => {
    // Started as another user (or a group taken away), nothing in a file's stamp changes; a read would refuse it.
    const secret = unreadableBeside()
    try {
      const module = fileURLToPath(new URL('../../dist/content/article-source.js', import.meta.url))
      const script = `import(${JSON.stringify(module)}).then(({ fileSource }) => {
        const source = fileSource(${JSON.stringify(secret.dir)}, { siteUrl: 'https://www.example.de/', timeZone: 'Europe/Berlin', language: 'de' })
        for (const file of ['geheim.md', 'offen.md']) console.log(file, typeof source.stampNow(file))
      })`
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', ...ORDINARY_USER })
      expect(run.stderr).toBe('')
      expect(run.stdout).toBe('geheim.md undefined\noffen.md string\n')
    } finally {
      secret.rm()
    }
  })
})

describe('a folder the service may not read', () => {
  it('starts as an ordinary user beside a root-owned lost+found (mode 700), publishes the rest and names the folder once', async () => {
    // Every ext4 volume has one; mounted as ARTICLES_DIR, the service (not root) may not open it.
    const volume = makeOpenTempDir('volume-')
    try {
      volume.write('offen.md', articleText({ title: 'Offen', date: '2025-01-01T10:00:00Z', category: 'wirtschaft' }))
      volume.write('lost+found/#1234.md', articleText({ title: 'Verloren', date: '2025-01-02T10:00:00Z', category: 'wirtschaft' }))
      // Root owns it (mode 700); a test that runs as an ordinary user makes it unreadable for itself instead.
      fs.chmodSync(path.join(volume.dir, 'lost+found'), AS_ROOT ? 0o700 : 0o000)
      const server = await startServer({ ARTICLES_DIR: volume.dir, RESCAN_INTERVAL: '1' }, [], ORDINARY_USER)
      try {
        const feed = (await (await fetch(`${server.base}/wirtschaft/feed.json`)).json()) as { items: { title: string }[] }
        expect(feed.items.map((item) => item.title)).toEqual(['Offen'])
        // Rescans (every second here) look at the folder too, and say nothing more about it.
        await new Promise((resolve) => setTimeout(resolve, 2500))
        expect(server.output().split('\n').filter((line) => line.includes('lost+found'))).toEqual([
          'skipped lost+found: folder: cannot be read (EACCES); nothing in it is read',
        ])
        expect(server.output()).not.toContain('rescan:')
        // Every ext4 volume has one: it is no reason for an alert.
        expect(await (await fetch(`${server.base}/healthz`)).json()).toMatchObject({ status: 'ok' })
      } finally {
        await server.stop()
      }
    } finally {
      fs.chmodSync(path.join(volume.dir, 'lost+found'), 0o700)
      volume.rm()
    }
  }, 20_000)

  it('answers /healthz 503 naming a folder it may not read (its articles are not published after a restart, and refused says 0), and 200 once it can', async () => {
    const volume = makeOpenTempDir('folder-')
    const locked = path.join(volume.dir, '2025')
    try {
      volume.write('offen.md', articleText({ title: 'Offen', date: '2025-01-01T10:00:00Z', category: 'wirtschaft' }))
      volume.write('2025/verborgen.md', articleText({ title: 'Verborgen', date: '2025-01-02T10:00:00Z', category: 'wirtschaft' }))
      fs.chmodSync(locked, AS_ROOT ? 0o700 : 0o000)
      const server = await startServer({ ARTICLES_DIR: volume.dir, RESCAN_INTERVAL: '1' }, [], ORDINARY_USER)
      const health = async (): Promise<{ status: number; body: Record<string, unknown> }> => {
        const response = await fetch(`${server.base}/healthz`)
        return { status: response.status, body: (await response.json()) as Record<string, unknown> }
      }
      try {
        expect(await health()).toMatchObject({
          status: 503,
          body: { status: 'degraded', refused: 0, reasons: [`${locked} cannot be read (EACCES): no article in it is read; those published from it before stay as they were`] },
        })
        fs.chmodSync(locked, 0o755)
        // The next rescan (every second here) reads it, publishes what it holds, and the reason is gone.
        for (const started = Date.now(); (await health()).status !== 200; await new Promise((resolve) => setTimeout(resolve, 50))) {
          if (Date.now() - started > 8000) throw new Error(`still degraded:\n${server.output()}`)
        }
        const feed = (await (await fetch(`${server.base}/wirtschaft/feed.json`)).json()) as { items: { title: string }[] }
        expect(feed.items.map((item) => item.title)).toEqual(['Verborgen', 'Offen'])
      } finally {
        await server.stop()
      }
    } finally {
      fs.chmodSync(locked, 0o755)
      volume.rm()
    }
  }, 20_000)

  it('retries a reload that failed because the folder swapped in could not be read, answers /healthz 503 with the reason, and publishes it and answers 200 once it can', async () => {
    const volume = makeOpenTempDir('swap-')
    const articles = path.join(volume.dir, 'artikel')
    const next = path.join(volume.dir, 'neu')
    try {
      volume.write('artikel/offen.md', articleText({ title: 'Offen', date: '2025-01-01T10:00:00Z', category: 'wirtschaft' }))
      volume.write('neu/deploy.md', articleText({ title: 'Aus dem Deploy', date: '2025-02-01T10:00:00Z', category: 'wirtschaft' }))
      const server = await startServer({ ARTICLES_DIR: articles, RESCAN_INTERVAL: '2' }, [], ORDINARY_USER)
      const get = async (p: string) => (await fetch(`${server.base}${p}`)).json() as Promise<Record<string, unknown>>
      const titles = async () => ((await get('/wirtschaft/feed.json')) as { items: { title: string }[] }).items.map((item) => item.title)
      const until = async (check: () => Promise<boolean>): Promise<void> => {
        for (const started = Date.now(); !(await check()); await new Promise((resolve) => setTimeout(resolve, 20))) {
          if (Date.now() - started > 8000) throw new Error(`timed out:\n${server.output()}`)
        }
      }
      try {
        expect((await get('/healthz')).status).toBe('ok')
        // The deploy: mv articles articles.old; mv new articles, with a folder the service may not read yet.
        fs.chmodSync(next, 0o000)
        fs.renameSync(articles, `${articles}.alt`)
        fs.renameSync(next, articles)
        await until(async () => (await get('/healthz')).status === 'degraded')
        const health = await fetch(`${server.base}/healthz`)
        expect(health.status).toBe(503)
        const { reasons, ...rest } = (await health.json()) as Record<string, unknown>
        expect(reasons).toEqual([expect.stringMatching(new RegExp(`^reload of ${articles} failed: ${articles} cannot be read \\(EACCES\\); retrying in [124] s$`))])
        expect(rest).toMatchObject({ status: 'degraded', published: 1, refused: 0 })
        expect((await fetch(`${server.base}/readyz`)).status).toBe(200)
        expect(await titles()).toEqual(['Offen'])

        fs.chmodSync(articles, 0o755)
        const fixed = Date.now()
        await until(async () => (await titles())[0] === 'Aus dem Deploy')
        // Within RESCAN_INTERVAL (the longest wait between retries) plus 2 s.
        expect(Date.now() - fixed).toBeLessThan(4000)
        expect(await titles()).toEqual(['Aus dem Deploy'])
        await until(async () => (await fetch(`${server.base}/healthz`)).status === 200)
        expect(await get('/healthz')).not.toHaveProperty('reasons')
        expect((await get('/healthz')).status).toBe('ok')
        expect(server.output()).toMatch(/reloaded .*artikel after \d+ failed attempt\(s\); content is current again/)
        // Watched again.
        volume.write('artikel/danach.md', articleText({ title: 'Danach', date: '2025-03-01T10:00:00Z', category: 'wirtschaft' }))
        await until(async () => (await titles())[0] === 'Danach')
      } finally {
        await server.stop()
      }
    } finally {
      for (const folder of [articles, next]) if (fs.existsSync(folder)) fs.chmodSync(folder, 0o755)
      volume.rm()
    }
  }, 30_000)
})
