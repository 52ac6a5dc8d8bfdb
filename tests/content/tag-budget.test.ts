import { describe, expect, it } from 'vitest'
import { MAX_HTML_DEPTH, MAX_HTML_TAGS, MAX_MARKUP_STEPS, renderBody } from '../../src/content/render-markdown.js'
import { hasTooManyTags, withoutTags } from '../../src/content/tag-budget.js'

const page = 'https://www.example.de/wirtschaft/zinswende.html'
const TAGS_LEFT_OUT = `has more than ${MAX_HTML_TAGS} HTML tags; published as text without its HTML tags`

describe('hasTooManyTags and withoutTags', () => {
  it('count tags, closing tags, comments, declarations and processing instructions, and no autolink nor a lone `<`', () => {
    const tags = '<b>a</b> <br/> <img src="x.png" alt=\'y\'>\n<span\nclass=z> <!-- c --> <!DOCTYPE html> <?php ?>'
    expect(hasTooManyTags(tags, 7)).toBe(true)
    expect(hasTooManyTags(tags, 8)).toBe(false)
    expect(withoutTags(tags, 8)).toBe('a  \n   ')
    const notTags = 'a < b, <http://a.de>, <a@b.de>, <3, <-, <>, <a'
    expect(hasTooManyTags(notTags, 0)).toBe(false)
    expect(withoutTags(notTags, 0)).toBe(notTags)
  })

  it('escape every `<` that could start a tag when taking them out joined more than the most', () => {
    // `<a <x>>` without `<x>` is `<a >`, a tag.
    expect(withoutTags('<a <x>>'.repeat(2), 2)).toBe('<a ><a >')
    expect(withoutTags('<a <x>> a < b'.repeat(3), 2)).toBe('\\<a > a < b'.repeat(3))
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
