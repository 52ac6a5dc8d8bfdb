/**
 * The feed readers people run, driven as they are installed (Debian's
 * newsboat, rss2email and sfeed; rss-parser from npm), each with a temporary
 * HOME, configuration and cache, against a loopback server. Each helper
 * returns what the client stored, read from its own files: newsboat's cache
 * (SQLite, read with Debian's python3), rss2email's messages (a Maildir),
 * sfeed's TSV lines. A missing program fails the test with its name.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Parser from 'rss-parser'
import { afterAll, beforeAll } from 'vitest'
import { readXmlFeeds } from './consumers.js'
import { startServer, type RunningServer } from './server-process.js'
import { makeTempDir } from './temp-dir.js'

const PYTHON = process.env.FEED_TEST_PYTHON ?? '/usr/bin/python3'
const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url))

/** The service (dist/main.js) over the repository's own articles, media and site.yaml, as a new user starts it. */
export function startBundledSite(): Promise<RunningServer> {
  return startServer({
    ARTICLES_DIR: path.join(REPOSITORY, 'articles'),
    MEDIA_DIR: path.join(REPOSITORY, 'media'),
    SITE_CONFIG: path.join(REPOSITORY, 'site.yaml'),
  })
}

/**
 * For a test file: the bundled site started, and a temporary folder for the
 * clients' files made, before its tests; both ended after them.
 */
export function withBundledSite(prefix: string): { readonly base: () => string; readonly dir: () => string } {
  let server: RunningServer | undefined
  let temp: ReturnType<typeof makeTempDir> | undefined
  beforeAll(async () => {
    server = await startBundledSite()
    temp = makeTempDir(prefix)
  }, 30_000)
  afterAll(async () => {
    await server?.stop()
    temp?.rm()
  })
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the bundled site is not started yet (use it inside a test or beforeAll)')
    return value
  }
  return { base: () => ready(server).base, dir: () => ready(temp).dir }
}

/**
 * For fetch beside the real clients, which run synchronously (spawnSync): a connection fetch kept open could
 * pass the service's keepAliveTimeout (5 s) while this thread waits on one, and the next fetch be sent on a
 * connection the service had closed ('other side closed', at load 20). Each fetch here has a connection of its own.
 */
export const OWN_CONNECTION = { headers: { connection: 'close' } } as const

/** A feed's URL and the ids of its items, as feedparser reads them: what a reader must end up with. */
export async function feedIds(url: string): Promise<{ url: string; ids: string[] }> {
  const [feed] = readXmlFeeds([{ body: await (await fetch(url, OWN_CONNECTION)).text(), contentType: 'application/rss+xml' }])
  return { url, ids: (feed?.entries ?? []).map((entry) => entry.id ?? '') }
}

/** Runs a program to its end; throws with its output when it cannot start or exits non-zero. */
function run(program: string, args: readonly string[], options: { cwd: string; env: Record<string, string>; input?: string | Buffer }): string {
  const result = spawnSync(program, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8', ...options.env },
    input: options.input,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  })
  if (result.error) throw new Error(`${program} could not run (is its Debian package installed? see scripts/ensure-test-tools.sh): ${result.error.message}`)
  if (result.status !== 0) throw new Error(`${program} ${args.join(' ')} exited with ${result.status}:\n${result.stdout}\n${result.stderr}`)
  return `${result.stdout}${result.stderr}`
}

export interface NewsboatItem {
  readonly feedurl: string
  readonly guid: string
  readonly title: string
  readonly author: string
}

export interface NewsboatState {
  /** Subscriptions newsboat fetched and parsed, by URL, with the title it stored. */
  readonly feeds: ReadonlyMap<string, string>
  readonly items: readonly NewsboatItem[]
  /** newsboat's error log: one line per subscription it could not fetch or parse. */
  readonly errors: string
}

/** newsboat with its own HOME, urls file, config and cache in `dir`. */
export function newsboat(dir: string): {
  importOpml(file: string): string[]
  subscribe(urls: readonly string[]): void
  reload(): NewsboatState
} {
  const home = path.join(dir, 'home')
  fs.mkdirSync(home, { recursive: true })
  const files = { urls: path.join(dir, 'urls'), config: path.join(dir, 'config'), cache: path.join(dir, 'cache.db'), log: path.join(dir, 'error.log') }
  fs.writeFileSync(files.urls, '')
  fs.writeFileSync(files.config, `error-log "${files.log}"\n`)
  const args = ['-C', files.config, '-u', files.urls, '-c', files.cache]
  const env = { HOME: home }
  return {
    importOpml(file) {
      run('newsboat', [...args, '-i', file], { cwd: dir, env })
      return fs.readFileSync(files.urls, 'utf8').split('\n').filter((line) => line !== '')
    },
    subscribe(urls) {
      fs.writeFileSync(files.urls, urls.map((url) => `${url}\n`).join(''))
    },
    reload() {
      run('newsboat', [...args, '-x', 'reload'], { cwd: dir, env })
      const script = `
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
feeds = {url: title for url, title in db.execute('select rssurl, title from rss_feed')}
items = [dict(feedurl=f, guid=g, title=t, author=a) for f, g, t, a in db.execute('select feedurl, guid, title, author from rss_item order by id')]
print(json.dumps({'feeds': feeds, 'items': items}))
`
      const stored = JSON.parse(run(PYTHON, ['-c', script, files.cache], { cwd: dir, env })) as { feeds: Record<string, string>; items: NewsboatItem[] }
      const errors = fs.existsSync(files.log) ? fs.readFileSync(files.log, 'utf8') : ''
      return { feeds: new Map(Object.entries(stored.feeds)), items: stored.items, errors }
    },
  }
}

export interface MailMessage {
  /** X-RSS-Feed: the subscription the message came from. */
  readonly feed: string
  /** X-RSS-ID: the item's id as rss2email read it. */
  readonly id: string
  /** The From: header, decoded. */
  readonly from: string
  readonly subject: string
  readonly html: string
}

export interface Rss2emailRun {
  readonly messages: readonly MailMessage[]
  /** rss2email's log lines at WARNING or ERROR: a subscription it could not read. */
  readonly problems: readonly string[]
  /** The subscriptions in its configuration, after the import. */
  readonly feeds: readonly string[]
}

/**
 * rss2email with a temporary configuration that delivers HTML mail into a
 * Maildir (email-protocol = maildir): nothing is sent, every message it
 * would send is a file to count and read.
 */
export function rss2email(dir: string): { importOpml(file: string): void; add(name: string, url: string): void; run(): Rss2emailRun } {
  const home = path.join(dir, 'home')
  const maildir = path.join(dir, 'Maildir')
  for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(maildir, 'INBOX', sub), { recursive: true })
  fs.mkdirSync(home, { recursive: true })
  const config = path.join(dir, 'r2e.cfg')
  fs.writeFileSync(
    config,
    ['[DEFAULT]', 'to = leser@example.invalid', 'email-protocol = maildir', `maildir-path = ${maildir}`, 'maildir-mailbox = INBOX', 'html-mail = True', ''].join('\n'),
  )
  const args = ['-c', config, '-d', path.join(dir, 'data.json')]
  const env = { HOME: home }
  return {
    importOpml(file) {
      run('r2e', [...args, 'opmlimport', file], { cwd: dir, env })
    },
    add(name, url) {
      run('r2e', [...args, 'add', name, url], { cwd: dir, env })
    },
    run() {
      const log = run('r2e', [...args, 'run'], { cwd: dir, env })
      const script = `
import email, email.policy, json, os, sys
out = []
folder = sys.argv[1]
for name in sorted(os.listdir(folder)):
    with open(os.path.join(folder, name), 'rb') as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    out.append(dict(feed=str(m['X-RSS-Feed']), id=str(m['X-RSS-ID']), subject=str(m['Subject']), html=m.get_content(), **{'from': str(m['From'])}))
print(json.dumps(out))
`
      const messages = JSON.parse(run(PYTHON, ['-c', script, path.join(maildir, 'INBOX', 'new')], { cwd: dir, env })) as MailMessage[]
      const feeds = [...fs.readFileSync(config, 'utf8').matchAll(/^url = (.+)$/gm)].map((m) => m[1] as string)
      return { messages, problems: log.split('\n').filter((line) => /\[(WARNING|ERROR|CRITICAL)\]/.test(line)), feeds }
    },
  }
}

export interface SfeedItem {
  readonly title: string
  readonly link: string
  readonly id: string
  readonly author: string
}

/** sfeed's reading of one RSS or Atom document: its TSV fields (sfeed(5)) as objects. */
export function sfeed(dir: string, xml: string): SfeedItem[] {
  return run('sfeed', [], { cwd: dir, env: {}, input: xml })
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [, title = '', link = '', , , id = '', author = ''] = line.split('\t')
      return { title, link, id, author }
    })
}

/** sfeed_opml_import's sfeedrc for an OPML list: the `feed '<name>' '<url>'` lines. */
export function sfeedOpmlImport(dir: string, opml: string): { name: string; url: string }[] {
  return [...run('sfeed_opml_import', [], { cwd: dir, env: {}, input: opml }).matchAll(/^\s*feed '((?:[^']|'\\'')*)' '([^']*)'/gm)].map((m) => ({
    name: m[1] as string,
    url: m[2] as string,
  }))
}

/** rss-parser (npm) on one document: each item's `creator` and `author`, as its users read them. */
export async function rssParserItems(xml: string): Promise<{ title?: string; guid?: string; creator?: string; author?: string }[]> {
  const feed = await new Parser().parseString(xml)
  return feed.items as { title?: string; guid?: string; creator?: string; author?: string }[]
}
