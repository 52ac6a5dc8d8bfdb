/**
 * Writes a corpus of generated economy articles (about 3 KB of Markdown each)
 * for benchmarks and scale tests: `generateCorpus(dir, count)`.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const TOPICS = ['Zinsen', 'Inflation', 'Börse', 'Energie', 'Mittelstand', 'Export', 'KI', 'Immobilien', 'Arbeitsmarkt', 'Handel']
const AUTHORS = ['Silke Mayr', 'Jonas Albrecht', 'Miriam Okafor', 'Paul Lindner', 'Deniz Yılmaz', 'Katharina Brandt']
const SUBJECTS = [
  'Die Europäische Zentralbank', 'Der Mittelstand in Baden-Württemberg', 'Ein Zulieferer aus Schwaben', 'Die Bundesregierung',
  'Ökonominnen des Instituts', 'Der Branchenverband', 'Eine Reederei in Hamburg', 'Die Sparkasse vor Ort', 'Der DAX-Konzern',
  'Ein Start-up aus Leipzig', 'Die Gewerkschaft', 'Der Einzelhandel', 'Verbraucherinnen und Verbraucher', 'Die Bauwirtschaft',
]
const VERBS = [
  'rechnet mit', 'warnt vor', 'meldet', 'erwartet', 'kritisiert', 'begrüßt', 'fordert', 'bestätigt', 'dementiert', 'prüft',
]
const OBJECTS = [
  'steigenden Energiepreisen', 'einem Rückgang der Aufträge', 'höheren Löhnen', 'neuen Zöllen auf Stahl', 'sinkenden Zinsen',
  'Lieferengpässen bei Halbleitern', 'einer Erholung der Nachfrage', 'strengeren Regeln für Banken', 'mehr Investitionen in Schienen',
  'einem Rekord bei den Exporten', 'Kurzarbeit im Winter', 'der Digitalisierung der Verwaltung', 'günstigeren Krediten',
]
const ENDINGS = [
  'im dritten Quartal', 'bis zum Jahresende', 'trotz der schwachen Konjunktur', '– so die jüngsten Zahlen', 'nach Angaben aus Frankfurt',
  'wie aus einer Umfrage hervorgeht', 'für das kommende Jahr', 'in fast allen Branchen', 'vor allem im Osten',
]

/** A small deterministic generator (mulberry32): the same article number gives the same text. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function body(n: number): string {
  const next = random(n)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T
  const sentence = (): string => {
    const figure = (next() * 20).toFixed(1).replace('.', ',')
    return `${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)} ${pick(ENDINGS)}; die Rede ist von ${figure} Prozent.`
  }
  const paragraphs: string[] = []
  let size = 0
  for (let p = 0; size < 2700; p++) {
    const paragraph = (p % 3 === 2 ? `## Abschnitt ${p}\n\n` : '') + Array.from({ length: 4 }, sentence).join(' ')
    paragraphs.push(paragraph)
    size += paragraph.length + 2
  }
  return `${paragraphs.join('\n\n')}\n`
}

/**
 * Hours between two generated articles in a corpus of `count`: one hour up to
 * 50,000 (so those corpora stay as they were, `-v2-`), closer above, so that
 * every article of a 200,000 corpus is dated before 2026 and none is
 * scheduled in the future (one hour apart, article 60,000 would be).
 */
export function hoursApart(count: number): number {
  return Math.min(1, 50_000 / count)
}

/** The folder name of a generated corpus of `count`: v3 where its dates differ from v2's. */
export function corpusName(count: number): string {
  return `wirtschaft-bench-corpus-${hoursApart(count) < 1 ? 'v3' : 'v2'}-${count}`
}

/** The text of generated article number `n` (1 is the oldest), dated `hours` apart from 2020 on. */
export function articleSource(n: number, title = `Meldung ${n}: ${TOPICS[n % TOPICS.length]} im Blick`, hours = 1): string {
  const date = new Date(Date.UTC(2020, 0, 1) + Math.round(n * hours * 3_600_000)).toISOString().replace('.000Z', 'Z')
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

/** The folder of generated article number `n` within a corpus: 500 a folder, 001 on. */
export function corpusFolder(n: number): string {
  return String(Math.ceil(n / 500)).padStart(3, '0')
}

/** The path of generated article number `n` in the corpus at `dir`. */
export function corpusFile(dir: string, n: number): string {
  return path.join(dir, corpusFolder(n), `meldung-${n}.md`)
}

/** Writes `count` articles into `dir`, 500 per sub-folder as a newsroom archive might. */
export function generateCorpus(dir: string, count: number): void {
  const hours = hoursApart(count)
  for (let n = 1; n <= count; n++) {
    if (n % 500 === 1) fs.mkdirSync(path.join(dir, corpusFolder(n)), { recursive: true })
    fs.writeFileSync(corpusFile(dir, n), articleSource(n, undefined, hours))
  }
}

/** A corpus of `count` articles in the system's temporary folder, generated once and kept between runs. */
export function benchCorpus(count: number): string {
  const dir = path.join(os.tmpdir(), corpusName(count))
  const marker = path.join(dir, '.complete')
  if (!fs.existsSync(marker)) {
    fs.rmSync(dir, { recursive: true, force: true })
    generateCorpus(dir, count)
    fs.writeFileSync(marker, '')
  }
  return dir
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const [dir, count] = process.argv.slice(2)
  if (!dir || !count) {
    console.error('usage: tsx bench/generate-corpus.ts DIR COUNT')
    process.exit(2)
  }
  generateCorpus(dir, Number(count))
}
