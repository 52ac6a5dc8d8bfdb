/**
 * How deep HTML nests, counted in one linear pass before the sanitiser sees
 * it. htmlparser2 (under sanitize-html) keeps its open elements in an array
 * that it shifts and unshifts, and searches it for every closing tag: each
 * step costs time in proportion to the depth, so a body of 300,000 unclosed
 * `<b>` (or as many nested `<div>`s) took minutes. Counting first bounds that
 * work (render-markdown.ts).
 */

/** Elements that never open (htmlparser2's list). */
const VOID = new Set('area base basefont br col command embed frame hr img input isindex keygen link meta param source track wbr'.split(' '))

/** An opening tag of these closes the open elements on top of the stack that it names (htmlparser2's `openImpliesClose`). */
const IMPLIED_CLOSES: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  (
    [
      ['p h1 h2 h3 h4 h5 h6 address article aside blockquote details div dl fieldset figcaption figure footer form header hr main nav ol pre section table ul', 'p'],
      ['tr', 'tr th td'],
      ['th', 'th'],
      ['td', 'thead th td'],
      ['body', 'head link script'],
      ['li', 'li'],
      ['select input output button datalist textarea', 'input option optgroup select button datalist textarea'],
      ['option', 'option'],
      ['optgroup', 'optgroup option'],
      ['dd dt', 'dd dt'],
      ['rt rp', 'rt rp'],
      ['tbody tfoot', 'thead tbody'],
    ] as const
  ).flatMap(([openers, closed]) => {
    const set = new Set(closed.split(' '))
    return openers.split(' ').map((name) => [name, set] as const)
  }),
)

const TAG_START = /<(\/?)([a-zA-Z][^\s/>]*)/y

/**
 * The greatest number of elements open at once while an HTML parser reads
 * `html`, counted as htmlparser2 counts them: void elements never open, some
 * opening tags close others (a `<p>` the previous `<p>`), a closing tag closes
 * everything above the nearest open element of its name and is ignored when
 * there is none. Tags inside comments and scripts count too, which can only
 * make the figure higher. Stops as soon as the depth exceeds `limit`.
 * Linear: each element is pushed and popped once.
 */
export function htmlNestingDepth(html: string, limit: number): number {
  const stack: string[] = []
  const open = new Map<string, number>()
  let deepest = 0
  const pop = (): void => {
    const name = stack.pop() as string
    open.set(name, (open.get(name) ?? 1) - 1)
  }
  for (let at = html.indexOf('<'); at >= 0 && deepest <= limit; at = html.indexOf('<', at + 1)) {
    TAG_START.lastIndex = at
    const tag = TAG_START.exec(html)
    if (!tag) continue
    const end = html.indexOf('>', TAG_START.lastIndex)
    if (end < 0) break // no tag ends after this one: the rest is text
    at = end
    const name = (tag[2] as string).toLowerCase()
    if (VOID.has(name)) continue
    if (tag[1] === '/') {
      if ((open.get(name) ?? 0) === 0) continue
      while (stack[stack.length - 1] !== name) pop()
      pop()
      continue
    }
    const implied = IMPLIED_CLOSES.get(name)
    while (implied && stack.length > 0 && implied.has(stack[stack.length - 1] as string)) pop()
    stack.push(name)
    open.set(name, (open.get(name) ?? 0) + 1)
    deepest = Math.max(deepest, stack.length)
  }
  return deepest
}
