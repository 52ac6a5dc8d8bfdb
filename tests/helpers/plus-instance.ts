import fs from 'node:fs'
import path from 'node:path'
import type { Config } from '../../src/config.js'
import { fileSource } from '../../src/content/article-source.js'
import { createApp } from '../../src/http/app.js'
import { startPlus, type RunningPlus } from '../../src/plus/start-plus.js'
import { mintToken } from '../../src/plus/token.js'
import { RENDER_IN_THREAD } from '../../src/site/renderer.js'
import { ContentStore } from '../../src/store/content-store.js'
import type { Logger } from '../../src/util/logger.js'
import { bundledConfig, copyBundledSite } from './bundled-site.js'

export const PLUS_SECRET = 'plus-secret-of-the-tests-0123456789abcdef'
/** The sentences only the plus bodies hold: no public document may show them, every subscriber document must. */
export const MARKERS = { text: 'Markersatz-Plus-Text-4f1c steht nur im Volltext.', episode: 'Markersatz-Plus-Folge-9a2e steht nur in den Shownotes.' }
export const PLUS_AUDIO = 'geldfragen-plus-folge-15.mp3'

/** A plus text article and a plus podcast episode, the newest of the section, added to a copy of the bundled site. */
export function addPlusArticles(site: { articles: string; media: string }): void {
  fs.copyFileSync(path.join(site.media, 'geldfragen-folge-13.mp3'), path.join(site.media, PLUS_AUDIO))
  fs.writeFileSync(
    path.join(site.articles, 'plus-analyse-mittelstand.md'),
    [
      '---',
      'title: "Analyse: Was der Mittelstand jetzt plant"',
      'date: 2026-11-30T07:00:00+01:00',
      'category: wirtschaft',
      'tags: [Mittelstand]',
      'author: Lea Voigt',
      'access: plus',
      'summary: "Eine Umfrage unter 400 Betrieben zeigt, wo investiert wird."',
      '---',
      `Erster Absatz der Analyse. ${MARKERS.text}`,
      '',
    ].join('\n'),
  )
  fs.writeFileSync(
    path.join(site.articles, 'podcast-geldfragen-plus-15.md'),
    [
      '---',
      'title: "Geldfragen Plus, Folge 15: Die Rente und die Aktie"',
      'date: 2026-11-29T05:00:00+01:00',
      'category: wirtschaft',
      'tags: [Podcast, Geldanlage]',
      'author: Paul Lindner',
      'access: plus',
      'summary: "Warum eine Aktienrente mehr ist als eine Wette."',
      'enclosure:',
      `  url: /media/${PLUS_AUDIO}`,
      '  type: audio/mpeg',
      '  duration: 15',
      'episode: 15',
      'season: 2',
      '---',
      `Die Shownotes der Plus-Folge. ${MARKERS.episode}`,
      '',
    ].join('\n'),
  )
}

export interface PlusInstance {
  readonly config: Config
  readonly store: ContentStore
  readonly plus: RunningPlus | undefined
  readonly app: ReturnType<typeof createApp>
  readonly site: ReturnType<typeof copyBundledSite>
  readonly logs: string[]
  token(subscriber: string, expires?: number): string
  close(): void
}

/** The bundled site with the plus articles, on the file system, served with subscriber feeds (PLUS_SECRET set unless `env` clears it). */
export async function plusInstance(env: Record<string, string> = {}, logger?: Logger): Promise<PlusInstance> {
  const site = copyBundledSite()
  addPlusArticles(site)
  const config = bundledConfig(site, { PLUS_SECRET, ...env })
  const logs: string[] = []
  const log = logger ?? { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) }
  const store = new ContentStore({ config, logger: log })
  const plus = startPlus({ config, onChange: (listener) => store.onChange(listener), source: fileSource(config.articlesDir, config), renderer: RENDER_IN_THREAD, logger: log })
  await store.load()
  await plus?.feeds.settled()
  const app = createApp({ config, store, logger: log, plus, health: plus?.health ?? [] })
  return {
    config,
    store,
    plus,
    app,
    site,
    logs,
    token: (subscriber, expires) => mintToken(config.plus!.keys, subscriber, expires),
    close: () => {
      plus?.close()
      store.close()
      site.rm()
    },
  }
}
