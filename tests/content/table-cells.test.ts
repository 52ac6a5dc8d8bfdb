import MarkdownIt from 'markdown-it'
import { describe, expect, it } from 'vitest'
import { countTableCells } from '../../src/content/table-cells.js'

/** The cells markdown-it makes of `markdown` (as render-markdown.ts configures it): what the count estimates. */
const markdownItCells = (markdown: string): number =>
  new MarkdownIt({ html: true, linkify: true }).parse(markdown, {}).filter((token) => token.type === 'th_open' || token.type === 'td_open').length

/** `markdown`'s cells as both count them: the estimate must match markdown-it here. */
const cells = (markdown: string): [number, number] => [countTableCells(markdown), markdownItCells(markdown)]

const TABLE = '|a|b|\n|-|-|\n|1|2|\n'

describe('countTableCells', () => {
  it('counts a table as its delimiter row’s columns times its rows, header included, up to the blank line', () => {
    expect(cells('Vorher\n\n| Land | Zins | Trend |\n|:--|--:|:-:|\n| DE | 2,5 | ↓ |\n| FR | 3,0 | → |\n\nNachher | nein')).toEqual([9, 9])
  })

  it('counts a row of one cell as many cells as its header has columns: markdown-it writes the missing ones out', () => {
    expect(cells(`|${'a|'.repeat(256)}\n|${'-|'.repeat(256)}\n${'x\n'.repeat(9)}`)).toEqual([2560, 2560])
  })

  it('adds up every table, with or without outer pipes', () => {
    expect(cells(`a | b\n--|--\n1 | 2\n\nText\n\n|a|b|c|\n|---|---|---|\n|1|2|3|\n`)).toEqual([10, 10])
  })

  it('counts no table inside a fenced code block, of backticks or tildes, and counts again after the fence closes', () => {
    expect(cells(`\`\`\`markdown\n${TABLE}\`\`\`\n\n~~~~\n${TABLE}~~~\n\`\`\`\n${TABLE}~~~~\n\n${TABLE}`)).toEqual([4, 4])
    // A fence inside a list item is indented; one never closed runs to the end.
    expect(cells(`- Beispiel:\n\n  \`\`\`\n  ${TABLE.replaceAll('\n', '\n  ')}\`\`\`\n\n\`\`\`\n${TABLE}`)).toEqual([0, 0])
  })

  it('ends a table at a fence, whose text is no table', () => {
    expect(cells(`${TABLE}\`\`\`\n${TABLE}\`\`\`\n`)).toEqual([4, 4])
  })

  it('counts a table inside a quote, and ends a fence opened in a quote with the quote', () => {
    expect(cells(`> ${TABLE.replaceAll('\n', '\n> ')}`)).toEqual([4, 4])
    expect(cells(`> \`\`\`\n> |a|b|\n> |-|-|\n\n${TABLE}`)).toEqual([4, 4])
  })

  it('counts no table where markdown-it sees none: no pipe in the header, a list item or text below it', () => {
    expect(cells('Kopf ohne Strich\n|---|---|\n|1|2|\n')).toEqual([0, 0])
    expect(cells('a | b\n- c | d\n\na | b\nc | d\n')).toEqual([0, 0])
    expect(cells('a | b\n- |-\n')).toEqual([0, 0])
  })

  it('opens no fence with a backtick in its info string: that line is an inline code span', () => {
    expect(cells(`\`\`\` \`code\` \`\`\`\n${TABLE}`)).toEqual([4, 4])
  })
})
