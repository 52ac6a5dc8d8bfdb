import { escapeHtml } from '../text/escape.js'
import type { PollCount, PollerCount, SubscriberCount } from './readers.js'
import { HISTORY_DAYS, type HistorySeries } from './subscriber-history.js'
import type { PollerKind } from './user-agents.js'

export interface StatsPageData {
  readonly siteName: string
  /** Milliseconds since the epoch. */
  readonly now: number
  readonly subscribers: readonly SubscriberCount[]
  readonly pollers: readonly PollerCount[]
  readonly polls: readonly PollCount[]
  readonly history: readonly HistorySeries[]
}

/** Names as readers know them. */
const NAMES: Record<PollerKind, string> = {
  feedly: 'Feedly',
  inoreader: 'Inoreader',
  newsblur: 'NewsBlur',
  feedbin: 'Feedbin',
  theoldreader: 'The Old Reader',
  other: 'Andere Aggregatoren',
  direct: 'Direkte Abrufe',
}
/** One colour per aggregator, distinguishable in print and for most colour-blind readers (Okabe–Ito). */
const COLOURS: Record<PollerKind, string> = {
  feedly: '#009e73',
  inoreader: '#0072b2',
  newsblur: '#e69f00',
  feedbin: '#cc79a7',
  theoldreader: '#d55e00',
  other: '#56b4e9',
  direct: '#000000',
}

const WIDTH = 720
const HEIGHT = 300
const LEFT = 56
const RIGHT = 16
const TOP = 16
const BOTTOM = 36
const DAY_MS = 86_400_000

const dayLabel = new Intl.DateTimeFormat('de-DE', { day: 'numeric', month: 'short', timeZone: 'UTC' })
const relative = new Intl.RelativeTimeFormat('de', { numeric: 'auto' })
const number = new Intl.NumberFormat('de-DE')
const percent = new Intl.NumberFormat('de-DE', { style: 'percent', maximumFractionDigits: 1 })

/**
 * The German /stats page: subscriber counts the aggregators report, direct
 * pollers, the share of conditional polls, and a plot of subscribers over
 * the last 30 days, drawn here as SVG (no script, no client framework).
 */
export function renderStatsPage(data: StatsPageData): string {
  const e = escapeHtml
  const subscriberRows = data.subscribers.map(
    (count) =>
      `<tr><td>${e(NAMES[count.aggregator])}</td><td><code>${e(count.feed)}</code></td><td class="zahl">${number.format(count.subscribers)}</td><td>${e(age(data.now - count.at))}</td></tr>`,
  )
  const pollerRows = data.pollers.map(
    (count) =>
      `<tr><td><code>${e(count.feed)}</code></td><td class="zahl">${count.capped ? 'mindestens ' : ''}${number.format(count.today)}</td><td class="zahl">${count.yesterday === undefined ? '–' : number.format(count.yesterday)}</td></tr>`,
  )
  const pollRows = data.polls.map(
    (count) =>
      `<tr><td>${e(NAMES[count.kind])}</td><td class="zahl">${number.format(count.polls)}</td><td class="zahl">${number.format(count.conditional)}</td><td class="zahl">${percent.format(count.conditional / count.polls)}</td></tr>`,
  )
  const table = (head: string[], rows: string[], empty: string) =>
    rows.length === 0 ? `<p>${empty}</p>` : `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`
  return `<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Leserstatistik – ${e(data.siteName)}</title>
<style>
body { font-family: Georgia, serif; margin: 2rem auto; max-width: 48rem; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border-bottom: 1px solid #ccc; padding: 0.25rem 0.75rem 0.25rem 0; text-align: left; }
td.zahl { text-align: right; font-variant-numeric: tabular-nums; }
svg { max-width: 100%; height: auto; font-family: sans-serif; }
</style>
</head>
<body>
<h1>Leserstatistik – ${e(data.siteName)}</h1>
<h2>Abonnenten in den letzten ${HISTORY_DAYS} Tagen</h2>
${plot(data.history, data.now)}
<h2>Abonnenten laut Aggregatoren</h2>
${table(['Aggregator', 'Feed', 'Abonnenten', 'Gemeldet'], subscriberRows, 'Noch hat kein Aggregator eine Abonnentenzahl gemeldet.')}
<h2>Direkte Abrufer</h2>
<p>Verschiedene Abrufer (Adresse und Programm, gesalzen gehasht; das Salz wechselt täglich um 0 Uhr UTC und wird nie gespeichert).</p>
${table(['Feed', 'Heute', 'Gestern'], pollerRows, 'Noch keine direkten Abrufe.')}
<h2>Bedingte Abrufe</h2>
<p>Anteil der Abrufe mit <code>If-None-Match</code> oder <code>If-Modified-Since</code>: sie kosten meist nur eine Antwort 304.</p>
${table(['Abrufer', 'Abrufe', 'Davon bedingt', 'Anteil'], pollRows, 'Noch keine Abrufe seit dem Start.')}
</body>
</html>
`
}

/** "vor 5 Minuten", "gestern": how long ago a count was reported. */
function age(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000))
  if (seconds < 60) return relative.format(-seconds, 'second')
  if (seconds < 3600) return relative.format(-Math.floor(seconds / 60), 'minute')
  if (seconds < 86_400) return relative.format(-Math.floor(seconds / 3600), 'hour')
  return relative.format(-Math.floor(seconds / 86_400), 'day')
}

/** The plot: one line per aggregator, a value per day; gaps where nothing was reported. */
function plot(history: readonly HistorySeries[], now: number): string {
  const width = WIDTH - LEFT - RIGHT
  const height = HEIGHT - TOP - BOTTOM
  const max = niceCeiling(Math.max(1, ...history.flatMap((series) => series.values.filter((v): v is number => v !== undefined))))
  const x = (index: number) => LEFT + (index * width) / (HISTORY_DAYS - 1)
  const y = (value: number) => TOP + height - (value * height) / max
  const round = (n: number) => Math.round(n * 10) / 10
  const ticks = [0, max / 2, max]
    .map((value) => `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${round(y(value))}" y2="${round(y(value))}" stroke="#ddd"/><text x="${LEFT - 6}" y="${round(y(value)) + 4}" text-anchor="end" font-size="12">${number.format(value)}</text>`)
    .join('')
  const days = [0, Math.floor((HISTORY_DAYS - 1) / 2), HISTORY_DAYS - 1]
    .map((index, at) => `<text x="${round(x(index))}" y="${HEIGHT - 12}" text-anchor="${['start', 'middle', 'end'][at]}" font-size="12">${dayLabel.format(now - (HISTORY_DAYS - 1 - index) * DAY_MS)}</text>`)
    .join('')
  const lines = history
    .map((series) => {
      let d = ''
      let pen = 'M'
      series.values.forEach((value, index) => {
        if (value === undefined) {
          pen = 'M'
          return
        }
        d += `${pen}${round(x(index))},${round(y(value))} `
        pen = 'L'
      })
      const last = series.values.findLastIndex((value) => value !== undefined)
      const dot = `<circle cx="${round(x(last))}" cy="${round(y(series.values[last] as number))}" r="3" fill="${COLOURS[series.aggregator]}"/>`
      return `<path class="reihe" data-aggregator="${series.aggregator}" d="${d.trim()}" fill="none" stroke="${COLOURS[series.aggregator]}" stroke-width="2"/>${dot}`
    })
    .join('')
  const legend = history
    .map((series, index) => `<g transform="translate(${LEFT + 8 + index * 120},${TOP + 4})"><rect width="12" height="12" fill="${COLOURS[series.aggregator]}"/><text x="16" y="11" font-size="12">${NAMES[series.aggregator]}</text></g>`)
    .join('')
  const empty = history.length === 0 ? `<text x="${LEFT + width / 2}" y="${TOP + height / 2}" text-anchor="middle" font-size="14">Noch keine Meldungen</text>` : ''
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="Abonnenten je Aggregator in den letzten ${HISTORY_DAYS} Tagen">${ticks}${days}${lines}${legend}${empty}</svg>`
}

/** A round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) at least `value`: axis labels read at a glance, the plot not squashed. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value))
  return ([1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((step) => step * power >= value) as number) * power
}
