import { describe, expect, it } from 'vitest'
import { escapeContent, escapeHtml } from '../../src/text/escape.js'

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

describe('escapeContent', () => {
  it('escapes what would start markup in element content, and leaves quotes and every other character', () => {
    expect(escapeContent('a "b" & <c> \u0000]]>')).toBe('a "b" &amp; &lt;c&gt; \u0000]]&gt;')
    expect(escapeContent('Zölle, „Zinsen“')).toBe('Zölle, „Zinsen“')
  })
})
