import { describe, expect, it } from 'vitest'
import { excerptOf, MAX_HTML_DEPTH, MAX_HTML_GROWTH, MAX_MARKUP_STEPS, MAX_SRCSET_CHARS, MAX_TABLE_CELLS, renderBody, renderMarkdown, renderPlainText } from '../../src/content/render-markdown.js'
import { cutAtWord } from '../../src/content/plain-text.js'
import { escapeHtml } from '../../src/text/escape.js'
import { stripXmlForbidden } from '../../src/text/xml-chars.js'
import { everyString } from '../helpers/every-string.js'

const page = 'https://www.example.de/wirtschaft/zinswende.html'

/** Links and images to schemes no reader may follow, written every way Markdown allows. */
const UNSAFE_LINKS = [
  'Hier [Klick](javascript:alert(1)), [VB](vbscript:msgbox(1)), [D](data:text/html;base64,PHNjcmlwdD4=),',
  '[F](file:///etc/passwd), [JS](JaVaScRiPt&#58;alert(2) "Titel"), [Ref][boese] und ![Grafik](javascript:alert(3)).',
  '<javascript:alert(4)>Ende.',
  '',
  '[boese]: javascript:alert(5)',
].join('\n')

describe('renderMarkdown', () => {
  it('renders Markdown to HTML', () => {
    expect(renderMarkdown('## Zinsen\n\nDie **EZB** senkt „leicht“ – um 0,25 %.', page)).toBe(
      '<h2>Zinsen</h2>\n<p>Die <strong>EZB</strong> senkt „leicht“ – um 0,25 %.</p>',
    )
  })

  it('resolves relative href and src against the article URL', () => {
    const html = renderMarkdown('[Vorher](vorher.html) [Start](/) [Abschnitt](#zahlen) ![Grafik](../media/kurve.png)', page)
    expect(html).toBe(
      '<p><a href="https://www.example.de/wirtschaft/vorher.html">Vorher</a> ' +
        '<a href="https://www.example.de/">Start</a> ' +
        '<a href="https://www.example.de/wirtschaft/zinswende.html#zahlen">Abschnitt</a> ' +
        '<img src="https://www.example.de/media/kurve.png" alt="Grafik" /></p>',
    )
  })

  it('resolves root-relative paths under SITE_URL, so a site below a prefix keeps it, as front-matter paths do', () => {
    const site = 'https://www.example.de/news/'
    const html = renderMarkdown(
      '[Start](/) ![Halle](/media/halle.jpg) [Vorher](vorher.html) <img src="x.jpg" srcset="/media/x-800.jpg 800w"> [CDN](//cdn.example.org/y)',
      'https://www.example.de/news/wirtschaft/zinswende.html',
      site,
    )
    expect(html).toBe(
      '<p><a href="https://www.example.de/news/">Start</a> ' +
        '<img src="https://www.example.de/news/media/halle.jpg" alt="Halle" /> ' +
        '<a href="https://www.example.de/news/wirtschaft/vorher.html">Vorher</a> ' +
        '<img src="https://www.example.de/news/wirtschaft/x.jpg" srcset="https://www.example.de/news/media/x-800.jpg 800w" /> ' +
        '<a href="https://cdn.example.org/y">CDN</a></p>',
    )
  })

  it('resolves every candidate of a srcset, and URLs inside raw HTML', () => {
    const html = renderMarkdown(
      '<figure><img src="bild.jpg" srcset="bild-2x.jpg 2x, /media/bild-800.jpg 800w" alt="Bild" width="400" height="300"><figcaption>Quelle</figcaption></figure>',
      page,
    )
    expect(html).toBe(
      '<figure><img src="https://www.example.de/wirtschaft/bild.jpg" ' +
        'srcset="https://www.example.de/wirtschaft/bild-2x.jpg 2x, https://www.example.de/media/bild-800.jpg 800w" ' +
        'alt="Bild" width="400" height="300" /><figcaption>Quelle</figcaption></figure>',
    )
  })

  it('keeps protocol-relative and absolute links absolute', () => {
    expect(renderMarkdown('[a](//cdn.example.org/x) [b](https://example.org/y?a=1&b=2)', page)).toBe(
      '<p><a href="https://cdn.example.org/x">a</a> <a href="https://example.org/y?a=1&amp;b=2">b</a></p>',
    )
  })

  it('removes scripts, styles, event handlers and forms', () => {
    const html = renderMarkdown(
      'Text<script>alert(1)</script>\n\n<style>p{color:red}</style><p onclick="alert(2)" style="color:red">Klick</p>\n\n<form action="/x"><input name="a"><button>Los</button></form>',
      page,
    )
    expect(html).toBe('<p>Text</p>\n<p>Klick</p>\nLos')
  })

  it('drops javascript:, vbscript: and data: URLs from links and images', () => {
    const html = renderMarkdown(
      '[a](javascript:alert(1)) <a href="JaVaScRiPt:alert(1)">b</a> <a href="vbscript:msgbox">c</a> <a href=" javascript:x">d</a> <img src="data:image/png;base64,AAAA" alt="e">',
      page,
    )
    expect(html).toBe('<p>a <a>b</a> <a>c</a> <a>d</a> <img alt="e" /></p>')
  })

  it('renders only the text of a Markdown link or image to a scheme it does not allow, and nothing of the URL', () => {
    const html = renderMarkdown(UNSAFE_LINKS, page)
    expect(html).toBe('<p>Hier Klick, VB, D,\nF, JS, Ref und Grafik.\nEnde.</p>')
    expect(html).not.toMatch(/alert|msgbox|base64|passwd|javascript|data:|file:/i)
  })

  it('keeps Markdown links to http, https and mailto, and relative ones', () => {
    expect(renderMarkdown('[a](https://x.example/) [b](mailto:red@example.de) [c](zinsen.html) <http://y.example/>', page)).toBe(
      '<p><a href="https://x.example/">a</a> <a href="mailto:red@example.de">b</a> <a href="https://www.example.de/wirtschaft/zinsen.html">c</a> <a href="http://y.example/">http://y.example/</a></p>',
    )
  })

  it('turns iframes and other embedded players into plain links', () => {
    const html = renderMarkdown(
      '<iframe src="https://video.example.org/embed/42" title="Interview"></iframe>\n\n<video src="/media/clip.mp4"></video>\n\n<object data="spiel.swf"></object>',
      page,
    )
    expect(html).toBe(
      '<a href="https://video.example.org/embed/42">Interview</a>\n' +
        '<p><a href="https://www.example.de/media/clip.mp4">https://www.example.de/media/clip.mp4</a></p>\n' +
        '<p><a href="https://www.example.de/wirtschaft/spiel.swf">https://www.example.de/wirtschaft/spiel.swf</a></p>',
    )
  })

  it('drops SVG with its scripts', () => {
    expect(renderMarkdown('<svg onload="alert(1)"><script>alert(2)</script><text>t</text></svg>Rest', page)).toBe('<p>Rest</p>')
  })

  it('keeps tables with their alignment, blockquotes and code', () => {
    const html = renderMarkdown('| A | B |\n|:--|--:|\n| 1 | 2 |\n\n> Zitat\n\n```js\nlet a = 1 < 2\n```', page)
    expect(html).toBe(
      '<table>\n<thead>\n<tr>\n<th style="text-align:left">A</th>\n<th style="text-align:right">B</th>\n</tr>\n</thead>\n' +
        '<tbody>\n<tr>\n<td style="text-align:left">1</td>\n<td style="text-align:right">2</td>\n</tr>\n</tbody>\n</table>\n' +
        '<blockquote>\n<p>Zitat</p>\n</blockquote>\n<pre><code class="language-js">let a = 1 &lt; 2\n</code></pre>',
    )
  })

  it('never lets ]]> through, so no feed that wraps HTML in CDATA can break', () => {
    const html = renderMarkdown('a ]]> b <a title="x]]>y" href="/">c</a> ]]>', page)
    expect(html).not.toContain(']]>')
    expect(html).toBe('<p>a ]]&gt; b <a title="x]]&gt;y" href="https://www.example.de/">c</a> ]]&gt;</p>')
  })

  it('removes characters XML cannot carry', () => {
    expect(renderMarkdown('A\u0001B\uFFFF \uD800C', page)).toBe('<p>AB C</p>')
  })
})

describe('excerptOf', () => {
  it('takes the plain text of paragraphs, without headings, markup, HTML or code blocks', () => {
    expect(excerptOf('# Kopf\n\nDie **EZB** &amp; die [Fed](https://x.example).\n\n<div>roh</div>\n\n```\ncode\n```\n\n## Zwischentitel\n\nEnde `x`.')).toBe(
      'Die EZB & die Fed. Ende x.',
    )
  })

  it('falls back to the headings when the body has nothing else', () => {
    expect(excerptOf('# Nur ein Titel\n\n## Und noch einer')).toBe('Nur ein Titel Und noch einer')
  })

  it('cuts near 300 characters at a word boundary and marks the cut', () => {
    const words = Array.from({ length: 80 }, (_, i) => `Wort${i}`).join(' ')
    const excerpt = excerptOf(words)
    expect(excerpt.endsWith(' …')).toBe(true)
    const text = excerpt.slice(0, -2)
    expect(text.length).toBeLessThanOrEqual(300)
    expect(text.length).toBeGreaterThan(250)
    expect(words.startsWith(text)).toBe(true)
    expect(words.charAt(text.length)).toBe(' ')
  })

  it('takes only the text of a link or image to a scheme it does not allow, and nothing of the URL', () => {
    expect(excerptOf(UNSAFE_LINKS)).toBe('Hier Klick, VB, D, F, JS, Ref und Grafik. Ende.')
  })

  it('leaves a short body whole', () => {
    expect(excerptOf('Kurz und „knapp“.')).toBe('Kurz und „knapp“.')
  })
})

describe('renderBody', () => {
  const nested = (depth: number, tag = 'b') => `<${tag}>`.repeat(depth) + 'Tief' + `</${tag}>`.repeat(depth)

  it('renders HTML and excerpt from one parse, with no problem for an ordinary body', () => {
    expect(renderBody('Die **EZB** senkt.\n\n<div>roh</div>', page)).toEqual({
      html: '<p>Die <strong>EZB</strong> senkt.</p>\nroh',
      excerpt: 'Die EZB senkt.',
      problem: undefined,
    })
  })

  it(`keeps HTML that nests ${MAX_HTML_DEPTH} elements deep, the paragraph included`, () => {
    const { html, problem } = renderBody(nested(MAX_HTML_DEPTH - 1), page)
    expect(problem).toBeUndefined()
    expect(html).toBe(`<p>${nested(MAX_HTML_DEPTH - 1)}</p>`)
  })

  it('publishes a body that nests deeper as text: its HTML tags left out, its Markdown kept, with the problem named', () => {
    const body = `${nested(MAX_HTML_DEPTH)}\n\nZweiter **Absatz** mit [Link](/x.html).\n\n<div>\n<b>Block</b> &amp; mehr\n</div>`
    expect(renderBody(body, page)).toEqual({
      html:
        '<p>Tief</p>\n<p>Zweiter <strong>Absatz</strong> mit <a href="https://www.example.de/x.html">Link</a>.</p>\n<p>Block &amp; mehr</p>',
      excerpt: 'Tief Zweiter Absatz mit Link.',
      problem: `nests HTML elements more than ${MAX_HTML_DEPTH} deep; published as text without its HTML tags`,
    })
  })

  it('flattens hundreds of thousands of unclosed tags followed by as many stray closing tags, in about a second', () => {
    const body = '<b>'.repeat(150_000) + 'x' + '</b>'.repeat(150_000)
    const started = performance.now()
    const { html, problem } = renderBody(body, page)
    // Before the depth check this took minutes; the margin is for a loaded machine.
    expect(performance.now() - started).toBeLessThan(10_000)
    expect(html).toBe('<p>x</p>')
    expect(problem).toMatch(/^nests HTML elements more than 100 deep/)
  })

  it('does not count sloppy paragraphs and list items that close each other as nesting', () => {
    const body = '<div>\n' + '<p>Absatz'.repeat(300) + '\n<ul>' + '<li>Punkt'.repeat(300) + '</ul>\n</div>'
    expect(renderBody(body, page).problem).toBeUndefined()
  })

  const TOO_LONG = `its HTML would be more than ${MAX_HTML_GROWTH} times as long as its text; published as plain text`

  it('publishes a body as plain text when a reference repeats a long URL: its HTML would be many times its length', () => {
    // 103 KB of Markdown; rendered, 40 MB of HTML (the hostile review's 39 KB made 50 MB feeds).
    const body = `Die [Quelle][r] nennt Zahlen.\n\n${'[x][r] '.repeat(400)}\n\n[r]: https://example.org/${'a'.repeat(100_000)}\n`
    const started = performance.now()
    const rendered = renderBody(body, page)
    expect(rendered).toEqual({ ...renderPlainText(body), problem: TOO_LONG })
    expect(rendered.html.length).toBeLessThan(body.length + 100)
    // Known before it is rendered (the margin is for a loaded machine).
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('publishes a body as plain text when its HTML is too long for what the URLs say: short links each made absolute', () => {
    const site = 'https://www.example.de/ein/sehr/langer/pfad/unter/dem/die/seite/liegt/und/noch/weiter/'
    const body = '[a](/b)'.repeat(20_000)
    expect(renderBody(body, `${site}wirtschaft/x.html`, site)).toEqual({ ...renderPlainText(body), problem: TOO_LONG })
  })

  it('publishes a table of thousands of empty cells as plain text: each is written out', () => {
    const body = `|${'a|'.repeat(100)}\n|${':-:|'.repeat(100)}\n${'x\n'.repeat(100)}`
    expect(renderBody(body, page)).toEqual({ ...renderPlainText(body), problem: TOO_LONG })
  })

  const TOO_MANY_CELLS = `its tables would have more than ${MAX_TABLE_CELLS} cells; published as plain text`
  /** A table of `columns` under a header, `rows` rows of numbers. */
  const table = (columns: number, rows: number) =>
    `| ${Array.from({ length: columns }, (_, n) => `Spalte ${n}`).join(' | ')} |\n|${'---|'.repeat(columns)}\n` +
    `| ${Array.from({ length: columns }, (_, n) => `${n},5 %`).join(' | ')} |\n`.repeat(rows)

  it('publishes 16 tables of 256 columns over rows of one cell as plain text, before markdown-it parses their million cells', () => {
    // 33 KB of Markdown, 1.05 million cells: parsed, 8 s and 1 GB of heap (the hostile review's 25 KB took 8.5 s in a worker).
    const body = Array.from({ length: 16 }, () => `|${'a|'.repeat(256)}\n|${':-:|'.repeat(256)}\n${'x\n'.repeat(257)}`).join('\n')
    const started = performance.now()
    expect(renderBody(body, page)).toEqual({ ...renderPlainText(body), problem: TOO_MANY_CELLS })
    // Known before the parse (the margin is for a loaded machine).
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('renders an article’s tables as HTML: three of 12 columns by 100 rows, and a table in a code fence as code', () => {
    const body = `Zinsen.\n\n${table(12, 100)}\nMieten.\n\n${table(12, 100)}\n${table(12, 100)}\nSo:\n\n\`\`\`markdown\n${table(12, 100)}\`\`\`\n`
    const { html, problem } = renderBody(body, page)
    expect(problem).toBeUndefined()
    expect(html.match(/<table>/g)).toHaveLength(3)
    expect(html.match(/<td>/g)).toHaveLength(3 * 12 * 100)
    expect(html).toContain('<pre><code class="language-markdown">| Spalte 0 | Spalte 1 |')
  })

  it('renders the most an article’s tables hold as HTML: three of 20 columns by 200 rows, 12,060 cells', () => {
    const { html, problem } = renderBody([table(20, 200), table(20, 200), table(20, 200)].join('\n'), page)
    expect(problem).toBeUndefined()
    expect(html.match(/<t[dh]>/g)).toHaveLength(3 * 20 * 201)
  })

  const TOO_MUCH_MARKUP = `its Markdown has more than ${MAX_MARKUP_STEPS} lines and pieces of markup (blocks, links, emphasis, runs of text); published as plain text`

  it.each([
    ['emphasis', '*ab* '],
    ['list items', '- a\n'],
    ['bare links', 'http://a.de '],
    ['autolinks', '<http://a.de>'],
    ['e-mail autolinks', '<a@b.c>'],
    ['`<` that start no tag', '<'],
    ['e-mail autolinks that begin like a tag', '<a/b@c.de>'],
    ['links without a scheme', ' //a.de'],
    ['inline images', '<img src=a>'],
    ['inline links as HTML', '<a href=a></a>'],
  ])('publishes 2 MiB of %s as plain text, its parse stopped at MAX_MARKUP_STEPS', (_, unit) => {
    // Parsed through, 2 MiB of `*ab* ` took 5.7 s to render, of `- a` 7 s, of `<a@b.c>` 5 s, of `<` 2.4 s, of
    // `<a/b@c.de>` 3.4 s, of ` //a.de` (300,000 links, in one run of text) 7.3 s, of `<img src=a>` 1.3–1.6 s.
    const body = unit.repeat(Math.floor((2 * 1024 * 1024) / unit.length))
    expect(renderBody(body, page)).toEqual({ ...renderPlainText(body), problem: TOO_MUCH_MARKUP })
  })

  it('counts a body’s lines, blank ones too, ended by LF, CR or both, against MAX_MARKUP_STEPS before it parses it', () => {
    // markdown-it lays out every line, and its rules scan them: 2 MiB of `> a` lines took 1.7–2.1 s to stop, 0.85 s so.
    for (const end of ['\n', '\r', '\r\n']) {
      const blank = `${end.repeat(MAX_MARKUP_STEPS)}Ende`
      expect(renderBody(blank, page)).toEqual({ ...renderPlainText(blank), problem: TOO_MUCH_MARKUP })
    }
    // One paragraph of lines ending in hard breaks, two steps a line besides the line itself.
    const lines = MAX_MARKUP_STEPS / 4
    const { html, problem } = renderBody(`${'Zeile\\\n'.repeat(lines - 1)}Ende`, page)
    expect(problem).toBeUndefined()
    expect(html.match(/<br \/>/g)).toHaveLength(lines - 1)
  })

  it('renders emphasis just under MAX_MARKUP_STEPS as HTML, and just over as plain text (4 steps each)', () => {
    const under = Math.floor(MAX_MARKUP_STEPS / 4) - 1_000
    const rendered = renderBody('*ab* '.repeat(under), page)
    expect(rendered.problem).toBeUndefined()
    expect(rendered.html.match(/<em>ab<\/em>/g)).toHaveLength(under)
    expect(renderBody('*ab* '.repeat(under + 2_000), page).problem).toBe(TOO_MUCH_MARKUP)
    // A stopped parse leaves nothing behind for the next.
    expect(renderBody('Die **EZB** senkt.', page)).toEqual({ html: '<p>Die <strong>EZB</strong> senkt.</p>', excerpt: 'Die EZB senkt.', problem: undefined })
  })

  it('counts an autolink or a bare link as four steps, as a link in brackets takes, and a tag’s `<` as none', () => {
    // Five steps each with the space after it: 39,000 fit, 41,000 do not (one step each before, and 5 s for 2 MiB).
    const autolinks = renderBody('<http://a.de> '.repeat(39_000), page)
    expect(autolinks.problem).toBeUndefined()
    expect(autolinks.html.match(/<a href="http:\/\/a.de\/">http:\/\/a.de<\/a>/g)).toHaveLength(39_000)
    expect(renderBody('<a@b.c> '.repeat(41_000), page).problem).toBe(TOO_MUCH_MARKUP)
    expect(renderBody('Siehe http://a.de '.repeat(41_000), page).problem).toBe(TOO_MUCH_MARKUP)
    // Tags are left to the nesting check: 100,000 of them, and 60,000 runs of text between them, are 60,000 steps.
    const tags = renderBody('<b>a</b><br/><span class="x">b</span><!-- c --> '.repeat(20_000), page)
    expect(tags.problem).toBeUndefined()
    expect(tags.html.match(/<b>a<\/b><br \/>b /g)).toHaveLength(19_999)
  })

  it('counts an e-mail address or a `//` link in a run of text as a link', () => {
    // linkify-it finds them after the parse, in runs of text counted once: two steps an address, one a whole line of
    // `//` links. Now five each, the run after it included: 39,000 fit, 41,000 do not.
    const links = renderBody('Siehe //a.de '.repeat(39_000), page)
    expect(links.problem).toBeUndefined()
    expect(links.html.match(/<a href="https:\/\/a.de\/">\/\/a.de<\/a>/g)).toHaveLength(39_000)
    expect(renderBody('Siehe //a.de '.repeat(41_000), page).problem).toBe(TOO_MUCH_MARKUP)
    const mails = renderBody('a@b.de '.repeat(28_000), page)
    expect(mails.problem).toBeUndefined()
    expect(mails.html.match(/<a href="mailto:a@b.de">a@b.de<\/a>/g)).toHaveLength(28_000)
    expect(renderBody('a@b.de '.repeat(30_000), page).problem).toBe(TOO_MUCH_MARKUP)
  })

  it('counts an autolink that begins as a tag or a declaration does (`<a/`, `<!a`) as a link, not as a tag', () => {
    // Free as tags, 2 MiB of `<a/b@c.de>` took 3.4 s.
    for (const autolink of ['<a/b@c.de>', '<!a@b.de>']) {
      expect(renderBody(`Siehe ${autolink} `.repeat(39_000), page).html.match(/<a href="mailto:/g)).toHaveLength(39_000)
      expect(renderBody(`Siehe ${autolink} `.repeat(41_000), page).problem).toBe(TOO_MUCH_MARKUP)
    }
  })

  it('counts an inline tag with a URL, which the sanitiser resolves, as a link, and one without as nothing', () => {
    const images = renderBody('<img src=a>'.repeat(49_000), page)
    expect(images.problem).toBeUndefined()
    expect(images.html.match(/<img src="https:\/\/www.example.de\/wirtschaft\/a" \/>/g)).toHaveLength(49_000)
    expect(renderBody('<img src=a>'.repeat(51_000), page).problem).toBe(TOO_MUCH_MARKUP)
    expect(renderBody('<abbr title="Europäische Zentralbank">EZB</abbr> '.repeat(40_000), page).problem).toBeUndefined()
  })

  it('counts a `<` that starts no tag nor link as one step', () => {
    // As text a `<` costs what a step does (2 MiB of `<` took 2.4 s uncounted, 0.15 s stopped so): counted as a link,
    // prose with a comparison every few words reached the bound at 340 KB. Two steps each with the text after it.
    const comparisons = 'a < b '.repeat(60_000)
    expect(renderBody(comparisons, page)).toEqual({ html: `<p>${comparisons.trim().replaceAll('<', '&lt;')}</p>`, excerpt: cutAtWord(comparisons.trim(), 300), problem: undefined })
  })

  it('leaves out an image’s srcset of 2 MiB in one HTML block, which no step counts, keeping its src', () => {
    // Parsed and resolved candidate by candidate, twice, it took 3.3 s (a review).
    expect(renderBody(`<div>\n<img src="/a.jpg" srcset="${'a ,'.repeat(699_000)}">\n</div>\n`, page)).toEqual({
      html: '<img src="https://www.example.de/a.jpg" />',
      excerpt: '',
      problem: `its srcset lists pass ${MAX_SRCSET_CHARS} characters in all; 1 left out, their images keep their src`,
    })
  })

  it('keeps the srcset lists of a body’s images up to MAX_SRCSET_CHARS in all, the first ones, and leaves out the rest', () => {
    const list = Array.from({ length: 40 }, (_, n) => `/media/bild-${n}.jpg ${n + 1}00w`).join(', ') // 1,019 characters
    const body = Array.from({ length: 100 }, (_, n) => `<img src="/media/b${n}.jpg" srcset="${list}">`).join('\n\n')
    const { html, problem } = renderBody(body, page)
    const kept = Math.floor(MAX_SRCSET_CHARS / list.length) // 64
    expect(html.match(/<img [^>]*srcset=/g)).toHaveLength(kept)
    expect(html.match(/<img /g)).toHaveLength(100)
    expect(html).toContain(`<img src="https://www.example.de/media/b${kept}.jpg" />`)
    expect(html).toContain('srcset="https://www.example.de/media/bild-0.jpg 100w, https://www.example.de/media/bild-1.jpg 200w,')
    expect(problem).toBe(`its srcset lists pass ${MAX_SRCSET_CHARS} characters in all; ${100 - kept} left out, their images keep their src`)
  })

  it('renders long bodies full of links and images as HTML: prose, link lists, a reference used a hundred times', () => {
    const prose = 'Die [Zinsen](https://example.org/zinsen) steigen, ![Grafik](/media/grafik.png) zeigt es. '.repeat(20_000)
    const links = '- [Bericht](/wirtschaft/bericht.html)\n'.repeat(20_000)
    const reference = `${'Siehe [Bericht][b]. '.repeat(100)}\n\n[b]: https://example.org/${'b'.repeat(500)}\n`
    for (const body of [prose, links, reference]) {
      const { html, problem } = renderBody(body, page)
      expect(problem).toBeUndefined()
      expect(html).toMatch(/^<(p|ul)>/)
      expect(html).toContain('<a href="https://')
    }
  })
})

describe('renderPlainText', () => {
  it('publishes the text as written, paragraph by paragraph, escaped, with its excerpt', () => {
    expect(renderPlainText('Erster *Absatz* <b>\nzweite Zeile\n\n  \nZweiter & letzter\u0001')).toEqual({
      html: '<p>Erster *Absatz* &lt;b&gt; zweite Zeile</p>\n<p>Zweiter &amp; letzter</p>',
      excerpt: 'Erster *Absatz* <b> zweite Zeile Zweiter & letzter',
      problem: undefined,
    })
  })

  /** What renderPlainText is, paragraph by paragraph: it does the same in one pass over the whole text per step. */
  const byParagraph = (body: string) => {
    const paragraphs = stripXmlForbidden(body)
      .split(/\n[ \t\r\f\v]*\n/)
      .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
      .filter((paragraph) => paragraph !== '')
    return {
      html: paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph).replaceAll('&quot;', '"')}</p>`).join('\n').replaceAll(']]>', ']]&gt;'),
      excerpt: cutAtWord(paragraphs.join(' '), 300),
      problem: undefined,
    }
  }

  it('gives what its definition paragraph by paragraph gives, for every short text and long ones', () => {
    // U+0000 is what parts paragraphs inside it: one in the body must not.
    for (const body of everyString(['a', ' ', '\n', '\t\r', '&"', '<', '\u0000', ']]>', '\u00a0'], 5)) expect(renderPlainText(body)).toEqual(byParagraph(body))
    const word = (n: number) => `Wort${n}`
    for (const body of [
      Array.from({ length: 400 }, (_, n) => word(n)).join(' \n'),
      Array.from({ length: 400 }, (_, n) => word(n)).join('\n \n'),
      `${'ä'.repeat(299)}📈${'x'.repeat(400)}`,
      `\n\n  ${'a&b '.repeat(200)}\n\n\n${'<c> '.repeat(200)}  \n`,
    ]) {
      expect(renderPlainText(body)).toEqual(byParagraph(body))
    }
  })

  it('publishes 2 MiB of words between single spaces in milliseconds', () => {
    // Its white space collapsed with `/\s+/g`, a match and a space put back at every space, it took 0.35–0.45 s.
    const body = 'a '.repeat(1024 * 1024)
    let best = Number.POSITIVE_INFINITY
    for (let round = 0; round < 3; round++) {
      const started = performance.now()
      expect(renderPlainText(body).html).toHaveLength(2 * 1024 * 1024 - 1 + '<p></p>'.length)
      best = Math.min(best, performance.now() - started)
    }
    expect(best).toBeLessThan(100)
  })
})
