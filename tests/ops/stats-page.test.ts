/// <reference lib="dom" />
/**
 * The German /stats page on the metrics listener, opened in Debian's
 * Chromium (playwright-core): the plot of subscribers is drawn server-side as
 * SVG. The screenshot lands in .tmp/screenshots/stats.png for a look.
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMetricsApp } from '../../src/ops/metrics-app.js'
import { Operations } from '../../src/ops/operations.js'
import { stateFile } from '../../src/ops/state-file.js'
import { listen } from '../helpers/in-process-server.js'
import { makeTempDir } from '../helpers/temp-dir.js'

const SHOTS = fileURLToPath(new URL('../../.tmp/screenshots', import.meta.url))
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const NOW = new Date('2026-12-01T08:00:00Z').getTime()
const DAY = 86_400_000

const temp = makeTempDir('stats-page-')
let server: Awaited<ReturnType<typeof listen>>
let ops: Operations

beforeAll(async () => {
  // Thirty days of history as an earlier run left it: Feedly growing, Inoreader steady with a gap.
  const days: Record<string, Record<string, Record<string, number>>> = {}
  for (let back = 29; back >= 1; back--) {
    const day = new Date(NOW - back * DAY).toISOString().slice(0, 10)
    days[day] = { feedly: { '/wirtschaft/feed.xml': 120 + (29 - back) * 3 } }
    if (back < 20 || back > 24) (days[day] as Record<string, Record<string, number>>).inoreader = { '/wirtschaft/atom.xml': 40 }
  }
  temp.write('subscribers.json', JSON.stringify({ version: 1, days }))
  ops = new Operations({ siteName: 'Beispielzeitung', pollMinIntervalMs: 0, logger: { info: () => {}, warn: (m) => expect.fail(m) }, historyFile: stateFile(temp.dir, 'subscribers.json'), now: () => NOW })
  // Today: the aggregators poll, and two readers fetch directly, one of them conditionally.
  ops.feedPoll('/wirtschaft/feed.xml', 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 210 subscribers; )', '192.0.2.1', true)
  ops.feedPoll('/wirtschaft/atom.xml', 'Inoreader/1.0 (+http://www.inoreader.com/feed-fetcher; 43 subscribers; )', '192.0.2.2', false)
  ops.feedPoll('/wirtschaft/feed.xml', 'newsboat/2.38.0', '198.51.100.1', true)
  ops.feedPoll('/wirtschaft/feed.xml', 'curl/8.5.0', '198.51.100.2', false)
  server = await listen(createMetricsApp(ops))
  fs.mkdirSync(SHOTS, { recursive: true })
})

afterAll(async () => {
  await server?.close()
  // Its history is written a while after the polls: closed first, so the write does not bring back the removed folder.
  ops.close()
  temp.rm()
})

describe('/stats', () => {
  it('shows subscribers, direct pollers and conditional polls in German, with a plot of the last 30 days', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
    try {
      const page = await browser.newPage({ locale: 'de-DE', viewport: { width: 900, height: 1000 } })
      const response = await page.goto(`${server.base}/stats`)
      expect(response?.status()).toBe(200)
      expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8')
      expect(await page.locator('html').getAttribute('lang')).toBe('de')
      expect(await page.locator('h1').textContent()).toBe('Leserstatistik – Beispielzeitung')
      expect(await page.locator('h2').allTextContents()).toEqual(['Abonnenten in den letzten 30 Tagen', 'Abonnenten laut Aggregatoren', 'Direkte Abrufer', 'Bedingte Abrufe'])
      const rows = await page.locator('table').first().locator('tbody tr').allInnerTexts()
      expect(rows.map((row) => row.split('\t'))).toEqual([
        ['Feedly', '/wirtschaft/feed.xml', '210', 'jetzt'],
        ['Inoreader', '/wirtschaft/atom.xml', '43', 'jetzt'],
      ])
      expect((await page.locator('table').nth(1).locator('tbody tr').allInnerTexts()).map((row) => row.split('\t'))).toEqual([['/wirtschaft/feed.xml', '2', '–']])
      // German numbers put a no-break space before the per cent sign.
      const shares = (await page.locator('table').nth(2).locator('tbody tr').allInnerTexts()).map((row) => row.replace(/[\u00a0\u202f]/g, ' ').split('\t'))
      expect(shares).toContainEqual(['Direkte Abrufe', '2', '1', '50 %'])
      expect(shares).toContainEqual(['Feedly', '1', '1', '100 %'])

      // The plot: one path per aggregator, with a point for every day that has a value.
      const svg = page.locator('svg[role="img"]')
      expect(await svg.getAttribute('aria-label')).toBe('Abonnenten je Aggregator in den letzten 30 Tagen')
      const feedly = (await svg.locator('path[data-aggregator="feedly"]').getAttribute('d')) as string
      const points = feedly.match(/[ML]\d+(\.\d+)?,\d+(\.\d+)?/g) ?? []
      expect(points).toHaveLength(30)
      expect(feedly.startsWith('M')).toBe(true)
      const inoreader = (await svg.locator('path[data-aggregator="inoreader"]').getAttribute('d')) as string
      // The five days without a report break the line: two pieces.
      expect(inoreader.match(/M/g)).toHaveLength(2)
      expect(await svg.locator('text').allTextContents()).toEqual(expect.arrayContaining(['0', '125', '250', 'Feedly', 'Inoreader', '2. Nov.', '1. Dez.']))
      const box = await svg.boundingBox()
      expect(box?.width).toBeGreaterThan(600)
      await svg.scrollIntoViewIfNeeded()
      await page.screenshot({ path: `${SHOTS}/stats.png`, fullPage: true })
      expect(fs.statSync(`${SHOTS}/stats.png`).size).toBeGreaterThan(10_000)
    } finally {
      await browser.close()
    }
  }, 60_000)
})
