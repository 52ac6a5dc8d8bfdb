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

  it('counts a table inside a fenced code block too: the scan cannot tell a fence from backticks that open none', () => {
    const [scanned, parsed] = cells(`\`\`\`markdown\n${TABLE}\`\`\`\n\n${TABLE}`)
    expect([scanned >= parsed, parsed]).toEqual([true, 4])
    // Backticks in an indented code block, or in an HTML block, open no fence: markdown-it parses the tables after them.
    const wide = `|${'a|'.repeat(256)}\n|${'-|'.repeat(256)}\n${'x\n'.repeat(9)}`
    for (const opener of ['    ```\n\n', '<div>\n```\n</div>\n\n', '- ```\nx\n\n']) {
      const [count, made] = cells(`${opener}${wide}`)
      expect(made).toBe(2560)
      expect(count).toBeGreaterThanOrEqual(made)
    }
  })

  it('ends lines as markdown-it does: LF, CRLF, or CR alone (a file whose front matter ends its lines with LF keeps them)', () => {
    const wide = `|${'a|'.repeat(256)}\n|${'-|'.repeat(256)}\n${'x\n'.repeat(9)}`
    expect(cells(wide.replaceAll('\n', '\r'))).toEqual([2560, 2560])
    expect(cells(wide.replaceAll('\n', '\r\n'))).toEqual([2560, 2560])
  })

  it('ends a table at a fence (the text in the fence counted, as above)', () => {
    expect(cells(`${TABLE}\`\`\`\n${TABLE}\`\`\`\n`)).toEqual([8, 4])
  })

  it('counts a table inside a quote, in a fence or not', () => {
    expect(cells(`> ${TABLE.replaceAll('\n', '\n> ')}`)).toEqual([4, 4])
    expect(cells(`> \`\`\`\n> |a|b|\n> |-|-|\n\n${TABLE}`)).toEqual([6, 4])
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
