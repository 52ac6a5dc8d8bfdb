import { describe, expect, it } from 'vitest'
import { quoted, shownName, stripBidiControls } from '../../src/text/display.js'

describe('stripBidiControls', () => {
  it('removes every embedding, override and isolate control, and nothing else', () => {
    expect(stripBidiControls('a\u202Ab\u202Bc\u202Cd\u202De\u202Ef\u2066g\u2067h\u2068i\u2069j')).toBe('abcdefghij')
    expect(stripBidiControls('Zölle \u200E\u200F مرحبا 📈')).toBe('Zölle \u200E\u200F مرحبا 📈')
  })
})

describe('quoted', () => {
  it('writes controls, separators, bidirectional controls, non-characters and lone surrogates as \\u escapes', () => {
    expect(quoted('a\nb\u0001\u0085\u2028\u202E\u2066\uFFFE\uD800"')).toBe('"a\\nb\\u0001\\u0085\\u2028\\u202e\\u2066\\ufffe\\ud800\\""')
    expect(quoted('Börse 📈')).toBe('"Börse 📈"')
  })
})

describe('shownName', () => {
  it('leaves a plain name as it is and quotes one a message must not show as it is', () => {
    expect(shownName('Anna Beispiel')).toBe('Anna Beispiel')
    expect(shownName('x\nskipped a.md')).toBe('"x\\nskipped a.md"')
    expect(shownName('\u202Etxt.exe')).toBe('"\\u202etxt.exe"')
  })
})
