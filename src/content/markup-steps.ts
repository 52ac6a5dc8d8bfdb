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
 * a run of text or a character no rule took. A rule that runs first and never
 * matches does the counting: markdown-it runs the first block rule at every
 * block and the first inline rule at every step, the tries that look ahead
 * for a link's end included.
 */
export function countMarkupSteps(md: MarkdownIt): void {
  const step = (state: { env: Record<PropertyKey, unknown> }): boolean => {
    const left = state.env.markupStepsLeft
    if (typeof left === 'number') {
      if (left <= 0) throw new TooMuchMarkup()
      state.env.markupStepsLeft = left - 1
    }
    return false
  }
  md.block.ruler.before('table', 'count_markup_steps', step)
  // Not at a `<`: a run of inline HTML tags is bounded by the nesting check after the parse, and flattened to its
  // text (render-markdown.ts); stopped here, a million `<b>` were published as 6 MB of escaped tags, whose pages held
  // the event loop 108 ms (tests/hardening/stalls.test.ts).
  md.inline.ruler.before('text', 'count_markup_steps', (state: StateInline) => state.src.charCodeAt(state.pos) !== 0x3c && step(state))
}
