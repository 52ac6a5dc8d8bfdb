/**
 * File names as bytes and as the service holds them (issue #10, point 10): a
 * name that is not UTF-8 is held with its bad bytes as lone surrogates, so it
 * can be opened again, and shown with those bytes escaped.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { shownName } from '../../src/text/display.js'
import { bytesOfName, hasBadBytes, nameFromBytes, showFileName } from '../../src/text/file-names.js'

describe('nameFromBytes', () => {
  it('reads a UTF-8 name as it is, U+FFFD and characters beyond the BMP included', () => {
    for (const name of ['zoll.md', 'Börse.md', 'Ersatz-\ufffd.md', 'Kurs-📈.md', 'Bo\u0308rse.md']) {
      expect(nameFromBytes(Buffer.from(name))).toBe(name)
      expect(hasBadBytes(nameFromBytes(Buffer.from(name)))).toBe(false)
    }
  })

  it('keeps each byte that is not part of a UTF-8 character as U+DC80 + byte, and decodes the characters around it', () => {
    // Latin-1 ö, then a valid ü, a truncated sequence, an overlong slash and an encoded surrogate.
    const bytes = Buffer.concat([Buffer.from('B\xf6rse-', 'latin1'), Buffer.from('ü'), Buffer.from([0xe2, 0x82, 0x2e, 0xc0, 0xaf, 0xed, 0xa0, 0x80])])
    const name = nameFromBytes(bytes)
    expect(name).toBe('B\udcf6rse-ü\udce2\udc82.\udcc0\udcaf\udced\udca0\udc80')
    expect(hasBadBytes(name)).toBe(true)
    expect(showFileName(name)).toBe('B\\xF6rse-ü\\xE2\\x82.\\xC0\\xAF\\xED\\xA0\\x80')
  })
})

describe('showFileName', () => {
  it('quotes a name holding a line break or another control, so it cannot start a forged log line', () => {
    expect([showFileName('a\nskipped b.md'), showFileName('B\udcf6rse\t.md'), showFileName('Börse.md')]).toEqual([
      '"a\\nskipped b.md"',
      '"B\\\\xF6rse\\t.md"',
      'Börse.md',
    ])
  })
})

describe('bytesOfName', () => {
  it('gives back the bytes of any name, UTF-8 or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(Buffer.compare(bytesOfName(nameFromBytes(Buffer.from(bytes))), Buffer.from(bytes))).toBe(0)
      }),
      { numRuns: 2000 },
    )
  })

  it('gives the UTF-8 bytes of a name that has no bad bytes, and showFileName shows it as any other name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (name) => {
        expect(bytesOfName(name).toString('utf8')).toBe(name)
        expect(showFileName(name)).toBe(shownName(name))
      }),
      { numRuns: 500 },
    )
  })
})
