import { describe, expect, it } from 'vitest'
import { MAX_HTML_DEPTH, MAX_HTML_TAGS, MAX_MARKUP_STEPS, renderBody } from '../../src/content/render-markdown.js'
import { hasTooManyTags, withNoTagStart, withoutTags } from '../../src/content/tag-budget.js'

const page = 'https://www.example.de/wirtschaft/zinswende.html'
const TAGS_LEFT_OUT = `has more than ${MAX_HTML_TAGS} HTML tags; published as text without its HTML tags`

describe('hasTooManyTags and withoutTags', () => {
  it('count tags, closing tags, comments, declarations and processing instructions, and no autolink nor a lone `<`', () => {
    const tags = '<b>a</b> <br/> <img src="x.png" alt=\'y\'>\n<span\nclass=z> <!-- c --> <!DOCTYPE html> <?php ?>'
    expect(hasTooManyTags(tags, 7)).toBe(true)
    expect(hasTooManyTags(tags, 8)).toBe(false)
    expect(withoutTags(tags)).toBe('a  \n   ')
    const notTags = 'a < b, <http://a.de>, <a@b.de>, <3, <-, <>, '
    expect(hasTooManyTags(notTags, 0)).toBe(false)
    expect(withoutTags(notTags)).toBe(notTags)
    // Autolinks, one that begins as a tag would among them (markdown-it reads them before inline tags).
    const autolinks = '<a/b@c.de> <a@b.de> <http://a.de>'
    expect(hasTooManyTags(autolinks, 0)).toBe(false)
    expect(withoutTags(autolinks)).toBe(autolinks)
    // Not one that begins `<!` or `<?`: at a line's start it opens an HTML block (helper-124).
    expect(hasTooManyTags('<!a@b.de>\n<?a@b.de>\n<!--a@b.de>', 2)).toBe(true)
    expect(withoutTags('<!a@b.de>\n<?a@b.de>\n<!--a@b.de>')).toBe('\n\n')
  })

  it('count every `<` that may start a tag, also in what markdown-it may read as one tag or not at all (helper-123)', () => {
    // A declaration, a processing instruction, a comment and attribute values that hold a `<`: counted as one tag
    // each (a regex from `<` to the next `>` with no `<` between counted none: 2 MiB of `<!A<>` took 0.9 s), or more.
    expect(hasTooManyTags('a<!A<> <?<x?> <!--<--> <a title="<b>"> <![CDATA[<]]>', 4)).toBe(true)
    // After a `\`, markdown-it reads no comment, and each tag in it.
    expect(hasTooManyTags('\\<!--<x><x><x>-->', 3)).toBe(true)
    expect(hasTooManyTags('\\<!--<x><x><x>-->', 4)).toBe(false)
    // None starts after the last `>`.
    expect(hasTooManyTags('<x>' + '<a '.repeat(10), 1)).toBe(false)
  })

  it('leave no tag to read: what taking them out joins, and what follows the last `>`, shown as text', () => {
    expect(withoutTags('a<!A<> <?<x?> <!--<--> <a title="<b>"> <![CDATA[<]]>')).toBe('a   "> ')
    // `<a <x>>` is taken out to its first `>`; `<<x>a>` without `<x>` would be `<a>`.
    expect(withoutTags('<a <x>>'.repeat(3))).toBe('>>>')
    expect(withoutTags('<<x>a>'.repeat(3))).toBe('<a>'.repeat(3))
    expect(withNoTagStart('<a>'.repeat(3))).toBe('&lt;a>'.repeat(3))
    expect(withNoTagStart(withoutTags('\\<a<x>> <x> <a b'))).toBe('\\>  &lt;a b')
    for (const left of ['<a <x>>', '<<x>a>', '<<<x>a>b>', '\\<!--<x><x>-->', '<a title="x>y">', '<x>' + '<a'.repeat(5)]) {
      expect(hasTooManyTags(withNoTagStart(withoutTags(left.repeat(4))), 0)).toBe(false)
    }
  })
})

describe('renderBody with more than MAX_HTML_TAGS tags', () => {
  it('renders as many as HTML (deep nesting flattened), and one more as text without its HTML tags, its Markdown kept', () => {
    const half = MAX_HTML_TAGS / 2
    expect(renderBody(`${'<b>'.repeat(half)}x${'</b>'.repeat(half)}`, page)).toEqual({
      html: '<p>x</p>',
      excerpt: 'x',
      problem: `nests HTML elements more than ${MAX_HTML_DEPTH} deep; published as text without its HTML tags`,
    })
    const body = `Die **EZB** <i>senkt</i> <http://a.de> <a@b.de>\n\n${'<b>'.repeat(half + 1)}x${'</b>'.repeat(half)}`
    expect(renderBody(body, page)).toEqual({
      html: '<p>Die <strong>EZB</strong> senkt <a href="http://a.de/">http://a.de</a> <a href="mailto:a@b.de">a@b.de</a></p>\n<p>x</p>',
      excerpt: 'Die EZB senkt http://a.de a@b.de x',
      problem: TAGS_LEFT_OUT,
    })
  })

  it('leaves no HTML block that an autolink-like `<!--a@b.de>` opened, which took the rest of the body (helper-124)', () => {
    expect(renderBody(`${'<x>'.repeat(MAX_HTML_TAGS + 1)}\n\n<!--a@b.de>\n\nkept words\n`, page)).toEqual({ html: '<p>kept words</p>', excerpt: 'kept words', problem: TAGS_LEFT_OUT })
  })

  it('publishes the text without its tags as plain text, a `<` left in it as typed, not as `&lt;`', () => {
    // Without `<x>`, `<<x>a>` is `<a>`: written `&lt;a>` for the parse, 300,001 entities are more steps than it may take.
    const { html, problem } = renderBody('<<x>a>'.repeat(MAX_HTML_TAGS + 1), page)
    expect(problem).toMatch(/^has more than 300000 HTML tags, left out, and its Markdown has more than 200000 lines/)
    expect(html).toBe(`<p>${'&lt;a&gt;'.repeat(MAX_HTML_TAGS + 1)}</p>`)
  })

  it('counts a declaration holding a `<` as the tag markdown-it reads (helper-123: 0.9 s for 2 MiB, uncounted)', () => {
    expect(renderBody(`Die EZB ${'<!A<>'.repeat(MAX_HTML_TAGS + 1)}`, page)).toEqual({ html: '<p>Die EZB</p>', excerpt: 'Die EZB', problem: TAGS_LEFT_OUT })
  })

  it('takes 2 MiB of bare tags, or of short bold words, in milliseconds (1.2–2 s before)', () => {
    const bare = '<x>'.repeat(Math.floor((2 * 1024 * 1024) / 3))
    const bold = '<b>a</b> '.repeat(Math.floor((2 * 1024 * 1024) / 9))
    expect(renderBody(bare, page)).toEqual({ html: '', excerpt: '', problem: TAGS_LEFT_OUT })
    const words = 'a '.repeat(Math.floor((2 * 1024 * 1024) / 9)).trim()
    expect(renderBody(bold, page)).toEqual({ html: `<p>${words}</p>`, excerpt: expect.stringMatching(/^a a a .* …$/), problem: TAGS_LEFT_OUT })
    // The best of three, with a wide margin for a loaded machine: each took 1.0 s and more before.
    const times = [bare, bold].map((body) =>
      Math.min(
        ...[0, 1, 2].map(() => {
          const started = performance.now()
          renderBody(body, page)
          return performance.now() - started
        }),
      ),
    )
    expect(times.filter((ms) => ms > 500)).toEqual([])
  })

  it('publishes what is left as plain text, its tags left out, when it still has too much markup', () => {
    const body = '<b>*a*</b> '.repeat(MAX_MARKUP_STEPS)
    const { html, problem } = renderBody(body, page)
    expect(problem).toBe(
      `has more than ${MAX_HTML_TAGS} HTML tags, left out, and its Markdown has more than ${MAX_MARKUP_STEPS} lines and pieces of markup (blocks, links, emphasis, runs of text); published as plain text`,
    )
    expect(html).toBe(`<p>${'*a* '.repeat(MAX_MARKUP_STEPS).trim()}</p>`)
  })
})
