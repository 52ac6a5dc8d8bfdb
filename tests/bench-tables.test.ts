/**
 * The bench's Markdown tables: a header printed with as many cells as its
 * delimiter row. With one cell more (bench/run.ts after a column for the edit
 * sent as Brotli was added) a Markdown renderer shows no table, only lines.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const BENCH = path.join(import.meta.dirname, '..', 'bench')

/** Each header printed as one literal `console.log('| …|')` followed by a literal delimiter row, with its file. */
function tables(): { file: string; header: string; delimiter: string }[] {
  const found: { file: string; header: string; delimiter: string }[] = []
  for (const file of fs.readdirSync(BENCH).filter((name) => name.endsWith('.ts'))) {
    const lines = fs.readFileSync(path.join(BENCH, file), 'utf8').split('\n')
    lines.forEach((line, index) => {
      const delimiter = /console\.log\('(\|(?:---\|)+)'\)/.exec(line)?.[1]
      const header = /console\.log\('(\| .*\|)'\)/.exec(lines[index - 1] ?? '')?.[1]
      if (delimiter && header) found.push({ file, header, delimiter })
    })
  }
  return found
}

describe('the bench tables', () => {
  it('have a delimiter cell for every header cell', () => {
    const all = tables()
    expect(all.map(({ file }) => file)).toEqual(expect.arrayContaining(['run.ts', 'export.ts', 'brotli-window.ts']))
    for (const { file, header, delimiter } of all) {
      // A header's cells are separated by " | "; a concatenated value (' + EDITS + ') holds no bar.
      expect({ file, cells: header.split(' | ').length }).toEqual({ file, cells: delimiter.split('---').length - 1 })
    }
  })
})
