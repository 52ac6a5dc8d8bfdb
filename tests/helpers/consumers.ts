/**
 * Consumers we did not write: lxml's strict XML parser and Python's
 * feedparser (Debian packages), the feedsmith npm parser, and a JSON Schema
 * for JSON Feed 1.1 checked by ajv. Tests read every format back through
 * these, never through our own code.
 */
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { parseJsonFeed } from 'feedsmith'

const SCRIPT = fileURLToPath(new URL('./read_feeds.py', import.meta.url))
/** Debian's interpreter, where python3-feedparser and python3-lxml live. */
const PYTHON = process.env.FEED_TEST_PYTHON ?? '/usr/bin/python3'

export interface ParsedText {
  readonly value: string
  readonly type: string | null
  /** The text a reader shows: HTML values unescaped and without tags. */
  readonly text?: string
}

export interface ParsedEntry {
  readonly id: string | null
  readonly link: string | null
  readonly title: ParsedText | null
  readonly summary: ParsedText | null
  readonly content: readonly ParsedText[]
  readonly published: string | null
  readonly updated: string | null
  readonly authors: readonly string[]
  /** feedparser's one `author` string, which rss2email and feed2exec show. */
  readonly author: string | null
  readonly tags: readonly string[]
  readonly enclosures: readonly { href: string; type: string | null; length: string | null }[]
  readonly media: readonly { url: string; type: string | null; medium: string | null }[]
  readonly links: readonly { rel: string; href: string; type: string | null }[]
  readonly guidIsLink: boolean | null
}

export interface ParsedFeed {
  readonly wellFormed: boolean
  readonly xmlError?: string
  readonly bozo: boolean
  readonly bozoException: string | null
  readonly version: string
  readonly feed: {
    readonly title: string | null
    readonly link: string | null
    readonly language: string | null
    readonly updated: string | null
    readonly authors: readonly string[]
    readonly links: readonly { rel: string; href: string; type: string | null }[]
    readonly subtitle: string | null
    readonly id: string | null
  }
  readonly entries: readonly ParsedEntry[]
}

export interface XmlDocumentInput {
  readonly body: string
  readonly contentType: string
  readonly url?: string
}

/** Strict XML parse and feedparser, for several documents in one Python run. */
export function readXmlFeeds(documents: readonly XmlDocumentInput[]): ParsedFeed[] {
  const run = spawnSync(PYTHON, [SCRIPT], {
    input: JSON.stringify(documents.map((d) => ({ url: '', ...d }))),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  if (run.error || run.status !== 0) {
    throw new Error(
      `${PYTHON} ${SCRIPT} failed (install Debian's python3-feedparser and python3-lxml): ${run.error?.message ?? run.stderr}`,
    )
  }
  return JSON.parse(run.stdout) as ParsedFeed[]
}

export function readXmlFeed(body: string, contentType: string, url = ''): ParsedFeed {
  const [parsed] = readXmlFeeds([{ body, contentType, url }])
  if (!parsed) throw new Error('no result from feedparser')
  return parsed
}

/**
 * A Python reader kept running, for property tests that read thousands of
 * feeds: one line of JSON out, one line back, in order.
 */
export class FeedReaderProcess {
  readonly #child = spawn(PYTHON, [SCRIPT, '--serve'], { stdio: ['pipe', 'pipe', 'pipe'] })
  readonly #waiting: ((line: string) => void)[] = []
  #buffer = ''
  #stderr = ''

  constructor() {
    this.#child.stdout.setEncoding('utf8')
    this.#child.stdout.on('data', (chunk: string) => {
      this.#buffer += chunk
      let newline: number
      while ((newline = this.#buffer.indexOf('\n')) >= 0) {
        const line = this.#buffer.slice(0, newline)
        this.#buffer = this.#buffer.slice(newline + 1)
        this.#waiting.shift()?.(line)
      }
    })
    this.#child.stderr.on('data', (chunk: Buffer) => (this.#stderr += chunk.toString()))
  }

  read(documents: readonly XmlDocumentInput[]): Promise<ParsedFeed[]> {
    return new Promise((resolve, reject) => {
      if (this.#child.exitCode !== null) return reject(new Error(`feed reader exited: ${this.#stderr}`))
      this.#waiting.push((line) => resolve(JSON.parse(line) as ParsedFeed[]))
      this.#child.stdin.write(`${JSON.stringify(documents.map((d) => ({ url: '', ...d })))}\n`)
    })
  }

  close(): void {
    this.#child.stdin.end()
    this.#child.kill()
  }
}

const schema = JSON.parse(
  readFileSync(fileURLToPath(new URL('../fixtures/jsonfeed-1.1.schema.json', import.meta.url)), 'utf8'),
) as object
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false })
addFormats.default(ajv)
const validate = ajv.compile(schema)

/** Schema errors of a JSON Feed 1.1 document, as readable lines; empty when valid. */
export function jsonFeedSchemaErrors(document: unknown): string[] {
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
}

/** The feedsmith npm parser's reading of a JSON Feed. */
export function readJsonFeed(text: string): ReturnType<typeof parseJsonFeed> {
  return parseJsonFeed(JSON.parse(text))
}
