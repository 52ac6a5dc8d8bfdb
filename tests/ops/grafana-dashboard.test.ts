/**
 * ops/grafana-dashboard.json: every panel's PromQL names only series the
 * service exports, taken from a real exposition read back with Prometheus's
 * own parser.
 */
import fs from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createApp } from '../../src/http/app.js'
import { Operations } from '../../src/ops/operations.js'
import { ContentStore } from '../../src/store/content-store.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'
import { parseExposition } from './prometheus-parse.js'

interface Panel {
  readonly id: number
  readonly title: string
  readonly type: string
  readonly targets: readonly { readonly expr: string; readonly refId: string }[]
}
const dashboard = JSON.parse(fs.readFileSync(new URL('../../ops/grafana-dashboard.json', import.meta.url), 'utf8')) as { title: string; uid: string; panels: Panel[] }
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset'])

/** The series a PromQL expression names: identifiers that are not functions, keywords, label names or Grafana variables. */
function seriesNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\$\w+/g, '')
  return [...bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)]
    .filter((match) => !/^\s*\(/.test(bare.slice((match.index as number) + match[0].length)) && !KEYWORDS.has(match[0]))
    .map((match) => match[0])
}

let exported: Set<string>

beforeAll(async () => {
  const config = loadConfig({ SITE_URL: 'https://www.example.de/' })
  const files = new Map([['a.md', articleText({ title: 'A', date: '2025-03-01T10:00:00+01:00', category: 'wirtschaft' })]])
  const ops = new Operations({ siteName: config.siteName, pollMinIntervalMs: 0, logger: { info: () => {}, warn: () => {} } })
  const store = new ContentStore({ config, source: memorySource(files, config), logger: { info: () => {}, warn: () => {} } })
  ops.watch(store)
  await store.load()
  store.close()
  const app = createApp({ config, store, traffic: ops })
  await app.request('/wirtschaft/feed.xml', { headers: { 'User-Agent': 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 52 subscribers; )' } })
  await app.request('/wirtschaft/feed.xml', { headers: { 'User-Agent': 'newsboat/2.38.0' } })
  exported = new Set(parseExposition(await ops.metrics()).map((sample) => sample.name))
})

describe('the Grafana dashboard', () => {
  it('has the panels an on-call editor needs', () => {
    expect(dashboard.uid).toBe('wirtschaft-feeds')
    expect(dashboard.panels.map((panel) => panel.title)).toEqual([
      'Anfragen pro Sekunde nach Bereich',
      'Anteil 304 an den Feed-Abrufen',
      'Antwortzeit p50 / p95',
      'Veröffentlichungsverzögerung (Speichern bis sichtbar)',
      'Zeit seit dem letzten Laden / der letzten Änderung',
      'Abgelehnte Dateien',
      'Abonnenten je Aggregator',
      'Direkte Abrufer je Feed (heute)',
      'Anteil bedingter Abrufe je Aggregator',
      'WebSub: Versuche und Fehlschläge',
      'Event-Loop-Verzögerung p50 / p99',
      'Gesendete Bytes je Kodierung',
    ])
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length)
  })

  it('names in every query only series the service exports', () => {
    const unknown: string[] = []
    for (const panel of dashboard.panels) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0)
      for (const target of panel.targets) {
        const names = seriesNames(target.expr)
        expect(names.length, target.expr).toBeGreaterThan(0)
        for (const name of names) if (!exported.has(name)) unknown.push(`${panel.title} ${target.refId}: ${name}`)
      }
    }
    expect(unknown).toEqual([])
  })

  it('reads the names out of PromQL as Prometheus would: functions, labels and ranges are not series', () => {
    expect(seriesNames('histogram_quantile(0.95, sum by (le) (rate(wirtschaft_feeds_http_request_duration_seconds_bucket{family="feed"}[$__rate_interval])))')).toEqual([
      'wirtschaft_feeds_http_request_duration_seconds_bucket',
    ])
    expect(seriesNames('time() - wirtschaft_feeds_last_load_timestamp_seconds')).toEqual(['wirtschaft_feeds_last_load_timestamp_seconds'])
    // A misspelt series is caught.
    expect(exported.has(seriesNames('rate(wirtschaft_feeds_http_request_total[5m])')[0] as string)).toBe(false)
  })
})
