import { describe, expect, it } from 'vitest'
import { collapseWhiteSpace } from '../../src/text/white-space.js'
import { everyString } from '../helpers/every-string.js'

describe('collapseWhiteSpace', () => {
  it('makes every run of white space one space, as /\\s+/g does, a lone space left as it is', () => {
    expect(collapseWhiteSpace(' Die\u00a0 EZB\t\tsenkt \n die\u2028Zinsen ')).toBe(' Die EZB senkt die Zinsen ')
    for (const text of everyString(['a', ' ', '\t', '\n', '\u00a0', '\u2028'], 6)) expect(collapseWhiteSpace(text)).toBe(text.replace(/\s+/g, ' '))
  })

  it('collapses 2 MiB of words between single spaces in milliseconds, replacing nothing', () => {
    // `/\s+/g` took 0.3–0.45 s: a match, and a space put back, at every space.
    const text = 'a '.repeat(1024 * 1024)
    let best = Number.POSITIVE_INFINITY
    for (let round = 0; round < 3; round++) {
      const started = performance.now()
      expect(collapseWhiteSpace(text)).toBe(text)
      best = Math.min(best, performance.now() - started)
    }
    expect(best).toBeLessThan(100)
  })
})
