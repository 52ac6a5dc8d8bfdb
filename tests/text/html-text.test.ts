import { describe, expect, it } from 'vitest'
import { normalText, textOfHtml } from '../../src/text/html-text.js'

describe('textOfHtml', () => {
  it('drops tags, quoted attributes holding ">" included, and collapses whitespace', () => {
    expect(textOfHtml('<p>Erster <a href="x?a>b" title=\'1 > 0\'>Satz</a>.</p>\n<p>Zweiter&nbsp;Satz.</p>')).toBe('Erster Satz. Zweiter Satz.')
  })

  it('joins inline elements to their neighbours and parts blocks with a space', () => {
    expect(textOfHtml('<p><strong>Berlin</strong>, 5. Mai: <em>Haus</em>halt</p><p>Neu<br/>Zeile</p><ul><li>a</li><li>b</li></ul>')).toBe('Berlin, 5. Mai: Haushalt Neu Zeile a b')
  })

  it('decodes the references sanitised HTML holds', () => {
    expect(textOfHtml('AT&amp;T &lt;b&gt; &quot;x&quot; &#39;y&#39; &#x20AC; &copy;')).toBe('AT&T <b> "x" \'y\' € &copy;')
  })
})

describe('normalText', () => {
  it('is NFC, with one space for every run of whitespace', () => {
    expect(normalText(' Mu\u0308ller \n\t und\u00a0Söhne ')).toBe('Müller und Söhne')
  })
})
