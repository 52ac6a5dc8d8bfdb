// How many cells the GFM tables of a Markdown text would have, found by a scan of its lines, before markdown-it
// parses it: it writes every row out to its header's columns (a row of `x` under 256 columns is 256 cells), and
// parsing the cells is what costs (render-markdown.ts, MAX_TABLE_CELLS).

/** A fence's opening (CommonMark §4.5): three or more backticks or tildes, at any indentation (a list item's too). */
const FENCE = /^\s*(`{3,}|~{3,})(.*)$/
/**
 * Whether the line is a fence's opening or closing. The expression is tried only on a line that starts with ` or ~:
 * on every line, 2 MiB of them took 0.73 s, 0.31 s so (markdown-it's parse 1.9 s). An info string with a backtick
 * opens no backtick fence (§4.5): the line is an inline code span.
 */
function isFence(line: string): boolean {
  const first = line.trimStart().charCodeAt(0)
  const match = first === 0x60 || first === 0x7e ? FENCE.exec(line) : null
  return match !== null && !(match[1]?.startsWith('`') && match[2]?.includes('`'))
}

/** A delimiter row's cell, as markdown-it's table rule reads it: dashes, each end perhaps a colon. */
const ALIGNMENT = /^:?-+:?$/

/**
 * The cells of every table in `markdown`, header rows included: for each
 * header line with a `|` followed by a delimiter row (`|---|:-:|`), its
 * columns times its rows up to the next blank line or fence. An estimate,
 * never below what markdown-it makes: a row that ends a table otherwise (a
 * heading, a quote) is counted, and so is one past markdown-it's own limit
 * of 65,536 missing cells in a table. A table in a fenced code block counts
 * too: the scan cannot tell a fence from a line of backticks that opens
 * none (an indented code block's text, an HTML block's), and skipping those
 * let 24 KB of tables after a line of four spaces and three backticks take 5.6 s and 770 MB to parse (a
 * hostile review). Lines end as markdown-it ends them: LF, CRLF or CR alone.
 */
export function countTableCells(markdown: string): number {
  const lines = markdown.split(/\r\n?|\n/)
  let cells = 0
  for (let index = 0; index < lines.length; index++) {
    const line = unquoted(lines[index] as string)
    const next = lines[index + 1]
    if (!line.includes('|') || next === undefined) continue
    const columns = delimiterColumns(unquoted(next))
    if (columns === 0) continue
    // The rows: up to a blank line, or a fence (markdown-it ends a table there).
    let end = index + 2
    while (end < lines.length) {
      const row = unquoted(lines[end] as string)
      if (row.trim() === '' || isFence(row)) break
      end++
    }
    cells += columns * (end - index - 1)
    index = end - 1
  }
  return cells
}

/**
 * The line without its blockquote markers (`> > `, each after up to three spaces): a table or a fence inside a quote
 * is one all the same. A loop, not a regular expression: 2 MiB of `>` took 0.46 s as one.
 */
function unquoted(line: string): string {
  let start = 0
  for (;;) {
    let at = start
    while (at < start + 3 && line.charCodeAt(at) === 0x20) at++
    if (line.charCodeAt(at) !== 0x3e) break
    at += line.charCodeAt(at + 1) === 0x20 ? 2 : 1
    start = at
  }
  return start === 0 ? line : line.slice(start)
}

/** The columns of a delimiter row (`|---|:-:|`, `--|--`), or 0 when the line is none (markdown-it's table rule). */
function delimiterColumns(line: string): number {
  const text = line.trim()
  // `- ` starts a list item; a row of only `|`, `-`, `:` and spaces, anything else.
  if (text.length < 2 || text.startsWith('- ') || !/^[|:-][|:\- \t]*$/.test(text)) return 0
  const parts = text.split('|')
  let columns = 0
  for (const [position, part] of parts.entries()) {
    const cell = part.trim()
    if (cell === '' && (position === 0 || position === parts.length - 1)) continue
    if (!ALIGNMENT.test(cell)) return 0
    columns++
  }
  return columns
}
