// A bound on how much Markdown one body may make markdown-it parse, counted while it parses. Its parse, and the
// render and sanitising after it, cost time in proportion to the pieces of markup and the lines it reads, not to the
// file's length: 2 MiB of `*ab* ` took 5.7 s to render, as much prose 0.3 s (render-markdown.ts, MAX_MARKUP_STEPS).
import type { MarkdownIt, StateInline } from 'markdown-it'

/** The `env` a parse is given: how many steps it has left. A type, not an interface, so it is markdown-it's `Env`. */
export type MarkupBudget = { markupStepsLeft: number }

/** Thrown out of a parse whose steps ran out: nothing it made is used. */
export class TooMuchMarkup extends Error {}

/**
 * A parse's budget for `source`: `steps`, less one for each of its lines,
 * which markdown-it's block parser reads (and lays out in arrays) before any
 * rule runs, and its block rules scan again. None left, or less, when the
 * lines are as many: the caller need not parse at all.
 */
export function markupBudget(source: string, steps: number): MarkupBudget {
  let lines = 1
  for (let at = source.indexOf('\n'); at >= 0 && lines <= steps; at = source.indexOf('\n', at + 1)) lines++
  // A CR alone ends a line too (markdown-it makes it one): 2 MiB of them were counted as one line, and took 1.7 s.
  for (let at = source.indexOf('\r'); at >= 0 && lines <= steps; at = source.indexOf('\r', at + 1)) if (source.charCodeAt(at + 1) !== 10) lines++
  return { markupStepsLeft: steps - lines }
}

/**
 * Makes every parse of `md` that is given a MarkupBudget count its steps
 * against it, and throw TooMuchMarkup once they run out: one for each block
 * it starts (paragraph, heading, list item, quote, fence, at every level of
 * nesting) and one for each place its inline parser reads a piece of markup,
 * a run of text or a character no rule took; LINK_STEPS for each link it or
 * linkify-it finds by itself, and for each inline tag with a URL. A rule
 * that runs first and never matches does the counting: markdown-it runs the
 * first block rule at every block and the first inline rule at every step,
 * the tries that look ahead for a link's end included; a core rule before
 * linkify counts what the inline parse took as one run of text or one tag.
 */
export function countMarkupSteps(md: MarkdownIt): void {
  const step = (state: { env: Record<PropertyKey, unknown> }, steps = 1): boolean => {
    const left = state.env.markupStepsLeft
    if (typeof left === 'number') {
      if (left <= 0) throw new TooMuchMarkup()
      state.env.markupStepsLeft = left - steps
    }
    return false
  }
  // Called with more arguments (the lines), which are no count.
  md.block.ruler.before('table', 'count_markup_steps', (state) => step(state))
  md.inline.ruler.before('text', 'count_markup_steps', (state: StateInline) => {
    const src = state.src
    const pos = state.pos
    const code = src.charCodeAt(pos)
    // Not at the `<` of a tag: their number is bounded before the parse (tag-budget.ts), a run of them by the
    // nesting check after it, and flattened to its text (render-markdown.ts); stopped here, a million `<b>` were
    // published as 6 MB of escaped tags, whose pages held the event loop 108 ms (tests/hardening/stalls.test.ts).
    // An autolink may look like one (`<a/b@c.de>`, `<!a@b.de>`): free, 2 MiB of them took 3.4 s.
    if (code === 0x3c) return mayBeAutolink(src, pos + 1) ? step(state, LINK_STEPS) : startsTag(src, pos + 1) ? false : step(state)
    // A bare link's `://` (markdown-it's linkify rule, then linkify-it).
    if (code === 0x3a && src.charCodeAt(pos + 1) === 0x2f && src.charCodeAt(pos + 2) === 0x2f) return step(state, LINK_STEPS)
    return step(state)
  })
  // The links linkify-it finds after the parse in runs of text, which the rule above counts once however long:
  // `//a.de` (no scheme) and `a@b.de`. 2 MiB of ` //a.de` made 300,000 links and took 7.3 s, 700 KB of `a@b.de `
  // (two steps each) 2 s. Each `//` or `@` outside a link costs what a link does, and one for the run it parts. So
  // does an inline tag with a URL, which the sanitiser resolves: free, 2 MiB of `<img src=a>` or `<a href=a></a>`
  // took 1.3–1.6 s.
  md.core.ruler.before('linkify', 'count_markup_steps', (state) => {
    const left = state.env.markupStepsLeft
    if (typeof left !== 'number') return
    let cost = 0
    for (const block of state.tokens) {
      let depth = 0
      for (const token of block.children ?? []) {
        if (token.type === 'link_open') depth++
        else if (token.type === 'link_close') depth--
        else if (token.type === 'text' && depth === 0) cost += (LINK_STEPS + 1) * (occurrences(token.content, '//') + occurrences(token.content, '@'))
        else if (token.type === 'html_inline' && URL_ATTRIBUTE.test(token.content)) cost += LINK_STEPS
        if (cost > left) throw new TooMuchMarkup()
      }
    }
    state.env.markupStepsLeft = left - cost
  })
}

/** An attribute the sanitiser reads as a URL and resolves (render-markdown.ts), or as the URL of an embed. */
const URL_ATTRIBUTE = /\s(?:href|src|srcset|cite|poster|data)\s*=/i

/** How often `part` occurs in `text`, not overlapping. */
function occurrences(text: string, part: string): number {
  let count = 0
  for (let at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length)) count++
  return count
}

/**
 * What a link markdown-it or linkify-it finds by itself costs: an autolink
 * (`<http://…>`, `<name@host>`), a bare URL's `://`, a `//a.de` or an e-mail
 * address in text; and an inline tag with a URL the sanitiser resolves.
 * Parsed and rendered, a link of any kind costs 8 to 11 µs, about four
 * ordinary steps: a link written `[text](url)` takes four (its brackets, its
 * text, the run after it), these one step or none. Counted so, 2 MiB of
 * `<a@b.c>` stopped where it took 5 s to render, of ` //a.de` where it took
 * 7.3 s, 1.1 MiB of bare links where they took 2 s.
 */
const LINK_STEPS = 4

/**
 * Whether `<` at `at - 1` starts what markdown-it's html_inline rule reads
 * (a tag, `</`, `<!`, `<?`): a letter, more letters, digits or `-`, then a
 * space, `/>` or `>`. Anything else is an autolink, or a `<` as text. The
 * name is read up to its first other character, and a name holds no `<`: a
 * run of `<abc<abc…` is read once.
 */
function startsTag(src: string, at: number): boolean {
  const first = src.charCodeAt(at)
  if (first === 0x2f || first === 0x21 || first === 0x3f) return true
  if (!isLetter(first)) return false
  let end = at + 1
  while (end < src.length && isNameCharacter(src.charCodeAt(end))) end++
  const after = src.charCodeAt(end)
  return after === 0x3e || (after === 0x2f && src.charCodeAt(end + 1) === 0x3e) || after === 0x20 || after === 0x09 || after === 0x0a || after === 0x0d || after === 0x0c
}

const isLetter = (code: number): boolean => (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)
const isNameCharacter = (code: number): boolean => isLetter(code) || (code >= 0x30 && code <= 0x39) || code === 0x2d

/**
 * Whether `<` at `at - 1` may start an autolink (markdown-it's autolink rule,
 * which runs before the one for tags): up to the next `>`, no `<` nor white
 * space, and a `:` or an `@`. Read up to the first `<`, `>` or white space,
 * so each character once however many `<` there are.
 */
function mayBeAutolink(src: string, at: number): boolean {
  let link = false
  for (let end = at; end < src.length; end++) {
    const code = src.charCodeAt(end)
    if (code === 0x3e) return link
    if (code === 0x3c || code <= 0x20) return false
    if (code === 0x3a || code === 0x40) link = true
  }
  return false
}
