import { describe, expect, it } from 'vitest'
import { escapeHtml } from '../../src/text/escape.js'

describe('escapeHtml', () => {
  it('escapes the characters that would start markup or end a double-quoted attribute', () => {
    expect(escapeHtml(`<a href="x">Zölle & Co</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Zölle &amp; Co&lt;/a&gt;')
  })

  it('escapes an ampersand that already starts an entity, so the text shows as written', () => {
    expect(escapeHtml('&amp; &#38;')).toBe('&amp;amp; &amp;#38;')
  })

  it('leaves apostrophes and other text as it is', () => {
    expect(escapeHtml("Börse's Woche – 5 % mehr")).toBe("Börse's Woche – 5 % mehr")
  })

  it('drops the characters XML cannot carry: controls, U+FFFE and lone surrogates', () => {
    expect(escapeHtml('Rhein\u0001post\u0085 \uFFFE<Aktuell>\uD800')).toBe('Rheinpost &lt;Aktuell&gt;')
  })
})
