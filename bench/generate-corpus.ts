/**
 * Writes a corpus of generated economy articles (about 3 KB of Markdown each)
 * for benchmarks and scale tests: `generateCorpus(dir, count)`.
 */
import fs from 'node:fs'
import path from 'node:path'

const TOPICS = ['Zinsen', 'Inflation', 'Börse', 'Energie', 'Mittelstand', 'Export', 'KI', 'Immobilien', 'Arbeitsmarkt', 'Handel']
const AUTHORS = ['Silke Mayr', 'Jonas Albrecht', 'Miriam Okafor', 'Paul Lindner', 'Deniz Yılmaz', 'Katharina Brandt']
const SENTENCES = [
  'Die Europäische Zentralbank beobachtet die Entwicklung der Verbraucherpreise genau.',
  'Viele Unternehmen berichten von höheren Kosten für Energie und Vorprodukte.',
  'An der Börse in Frankfurt schwankten die Kurse am Nachmittag deutlich.',
  'Ökonominnen und Ökonomen rechnen für das kommende Jahr mit einem leichten Wachstum.',
  'Der Mittelstand fordert verlässliche Rahmenbedingungen und weniger Bürokratie.',
  'Im Außenhandel zeigten sich die Folgen neuer Zölle schneller als erwartet.',
  '„Wir müssen jetzt investieren“, sagte die Geschäftsführerin eines Zulieferers.',
  'Die Zahl der offenen Stellen ist im Vergleich zum Vorjahr gesunken – um 4,2 %.',
  'Für Sparerinnen und Sparer lohnt sich der Vergleich von Tagesgeldangeboten.',
  'Ein Liter Diesel kostete zuletzt im Schnitt 1,69 €.',
]

function body(n: number): string {
  const paragraphs: string[] = []
  let size = 0
  for (let p = 0; size < 2700; p++) {
    const sentences = Array.from({ length: 5 }, (_, s) => SENTENCES[(n + p * 5 + s) % SENTENCES.length])
    const paragraph = (p % 3 === 2 ? `## Abschnitt ${p}\n\n` : '') + sentences.join(' ')
    paragraphs.push(paragraph)
    size += paragraph.length + 2
  }
  return `${paragraphs.join('\n\n')}\n`
}

/** The text of generated article number `n` (1 is the oldest), dated one hour apart from 2020 on. */
export function articleSource(n: number, title = `Meldung ${n}: ${TOPICS[n % TOPICS.length]} im Blick`): string {
  const date = new Date(Date.UTC(2020, 0, 1) + n * 3_600_000).toISOString().replace('.000Z', 'Z')
  return `---
title: "${title}"
date: ${date}
category: wirtschaft
tags: [${TOPICS[n % TOPICS.length]}, ${TOPICS[(n * 7) % TOPICS.length]}]
author: ${AUTHORS[n % AUTHORS.length]}
summary: "Zusammenfassung der Meldung ${n} über ${TOPICS[n % TOPICS.length]}."
---
${body(n)}`
}

/** Writes `count` articles into `dir`, 500 per sub-folder as a newsroom archive might. */
export function generateCorpus(dir: string, count: number): void {
  for (let n = 1; n <= count; n++) {
    const folder = path.join(dir, String(Math.ceil(n / 500)).padStart(3, '0'))
    if (n % 500 === 1) fs.mkdirSync(folder, { recursive: true })
    fs.writeFileSync(path.join(folder, `meldung-${n}.md`), articleSource(n))
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const [dir, count] = process.argv.slice(2)
  if (!dir || !count) {
    console.error('usage: tsx bench/generate-corpus.ts DIR COUNT')
    process.exit(2)
  }
  generateCorpus(dir, Number(count))
}
