import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig, type Config } from '../../src/config.js'
import { createApp } from '../../src/http/app.js'
import { ContentStore } from '../../src/store/content-store.js'
import type { LogFields, Logger } from '../../src/util/logger.js'
import { makeTempDir } from '../helpers/temp-dir.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const SITE = 'https://www.example.de/'
export const NOW = new Date('2026-06-01T00:00:00Z')

/**
 * The leak marker: a sentence no public document may ever hold. Its ASCII
 * core survives every escaping (XML, HTML, JSON); each plus body carries it
 * first (where an excerpt would come from) and last.
 */
export const MARKER_CORE = 'Zx7PlusLeakMarker'
export const marker = (n: number): string => `Nur für Abonnenten: ${MARKER_CORE}-${n} zählt die Möwen am Leuchtturm „Süd“ für 42 €.`
/** Every marker, bundled articles' included: what a leak test searches every byte for. */
export const MARKERS = [MARKER_CORE, 'Leuchtturm „Süd“', 'Schlüsselsatz der Plus-Redaktion', 'Plus-Hörerschaft exklusiv']

const plusBody = (n: number): string => `${marker(n)}\n\nEin zweiter Absatz mit *Markdown* und einem [Link](https://example.org/).\n\n${marker(n)}\n`

/** A corpus with free and plus articles and episodes, on disk, in a temp folder. */
export function plusCorpus(): { articles: string; media: string; rm: () => void } {
  const temp = makeTempDir('plus-corpus-')
  const articles = path.join(temp.dir, 'articles')
  const media = path.join(temp.dir, 'media')
  fs.cpSync(path.join(ROOT, 'media'), media, { recursive: true })
  const mp3 = fs.readFileSync(path.join(ROOT, 'media', 'geldfragen-folge-12.mp3'))
  for (const name of ['plus-folge-1.mp3', 'plus-folge-2.mp3', 'freie-folge.mp3']) fs.writeFileSync(path.join(media, name), mp3)
  // In the plus/ folder: withheld though no article names it (a plus article refused for want of a summary).
  fs.mkdirSync(path.join(media, 'plus'), { recursive: true })
  fs.writeFileSync(path.join(media, 'plus', 'ungenannt.mp3'), mp3)
  fs.writeFileSync(path.join(media, 'plus-folge-1.vtt'), `WEBVTT\n\n00:00:00.000 --> 00:00:04.000\n${marker(90)}\n`)
  const write = (file: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(articles, file)), { recursive: true })
    fs.writeFileSync(path.join(articles, file), text)
  }
  const head = (fields: string): string => `---\ncategory: wirtschaft\n${fields.trim()}\n---\n`
  write('frei-1.md', `${head('title: "Freier Artikel eins"\ndate: 2026-05-01T08:00:00+02:00\ntags: [Handel]\nauthor: Lea Voigt')}Ein freier Text über den Handel.\n`)
  write('frei-2.md', `${head('title: "Freier Artikel zwei"\ndate: 2026-05-02T08:00:00+02:00\ntags: [Zinsen]\nauthor: Tim Seidel')}Ein freier Text über Zinsen.\n`)
  write(
    'plus-text.md',
    `${head(`title: "Plus: Was die Zinswende für Sparer heißt"\ndate: 2026-05-03T08:00:00+02:00\ntags: [Zinsen, Geheimthema]\nauthor: [Lea Voigt, Geheime Autorin]\naccess: plus\nimage: /media/werkhalle-mittelstand.jpg\nimage_alt: Eine Werkhalle\nsummary: "Sparer bekommen wieder Zinsen – aber nicht überall gleich viel."`)}${plusBody(1)}`,
  )
  write(
    'plus-folge-1.md',
    `${head(`title: "Plus-Folge 1: Geld im Alter"\ndate: 2026-05-04T08:00:00+02:00\ntags: [Podcast, Rente]\nauthor: Paul Lindner\naccess: plus\nsummary: "Paul Lindner spricht über die Rente."\nenclosure: { url: /media/plus-folge-1.mp3, type: audio/mpeg, duration: 12 }\nepisode: 21\ntranscript: /media/plus-folge-1.vtt\nchapters:\n  - { start: 0, title: Anfang }\n  - { start: 5, title: Rente }`)}${plusBody(2)}`,
  )
  write(
    'plus-folge-2.md',
    `${head(`title: "Plus-Folge 2: Erben und Schenken"\ndate: 2026-05-05T08:00:00+02:00\ntags: [Podcast]\nauthor: Paul Lindner\naccess: plus\nsummary: "Was beim Erben zählt."\nenclosure: { url: /media/plus-folge-2.mp3, type: audio/mpeg, duration: 12 }\nepisode: 22\ntranscript: article`)}${plusBody(3)}`,
  )
  write(
    'freie-folge.md',
    `${head(`title: "Freie Folge"\ndate: 2026-05-06T08:00:00+02:00\ntags: [Podcast]\nauthor: Paul Lindner\nenclosure: { url: /media/freie-folge.mp3, type: audio/mpeg, duration: 12 }\nepisode: 23\ntranscript: article\nchapters:\n  - { start: 0, title: Anfang }`)}Die freie Folge zum Nachlesen.\n`,
  )
  write('meinung/plus-kommentar.md', `${head('title: "Plus-Kommentar"\ndate: 2026-05-07T08:00:00+02:00\naccess: plus\nsummary: "Ein Kommentar."').replace('category: wirtschaft', 'category: meinung')}${plusBody(4)}`)
  return { articles, media, rm: temp.rm }
}

/** The configuration over a corpus: the repository's site.yaml (with its podcast), small windows so that archive pages exist. */
export function plusConfig(folder: { articles: string; media: string }, env: Record<string, string> = {}): Config {
  return loadConfig(
    { SITE_URL: SITE, ARTICLES_DIR: folder.articles, MEDIA_DIR: folder.media, SITE_CONFIG: path.join(ROOT, 'site.yaml'), FEED_LIMIT: '3', ARCHIVE_PAGE_SIZE: '2', ...env },
    [],
    ROOT,
    (file) => fs.readFileSync(file, 'utf8'),
  )
}

/** Every line the store logged, for the leak test. */
export interface CapturedLog {
  readonly lines: string[]
}

/** A store and app over `config`, every log line captured; `open`: the store still applies changes (close it then). */
export async function plusInstance(config: Config, log: CapturedLog = { lines: [] }, open = false): Promise<{ store: ContentStore; app: ReturnType<typeof createApp>; log: CapturedLog }> {
  const line = (message: string, fields?: LogFields): void => void log.lines.push(message, JSON.stringify(fields ?? {}))
  const logger: Logger = { info: line, warn: line, error: line }
  const store = new ContentStore({ config, clock: () => NOW, logger })
  await store.load()
  if (!open) store.close()
  return { store, app: createApp({ config, store, logger, now: () => NOW.getTime() }), log }
}
