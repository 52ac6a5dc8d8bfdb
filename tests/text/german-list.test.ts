import { describe, expect, it } from 'vitest'
import { listInGerman } from '../../src/text/german-list.js'

describe('listInGerman', () => {
  it('joins names as German writes a list: commas, and "und" before the last, without a comma', () => {
    expect(listInGerman([])).toBe('')
    expect(listInGerman(['Lea Voigt'])).toBe('Lea Voigt')
    expect(listInGerman(['Jonas Albrecht', 'Miriam Okafor'])).toBe('Jonas Albrecht und Miriam Okafor')
    expect(listInGerman(['Jonas Albrecht', 'Miriam Okafor', 'Deniz Yılmaz'])).toBe('Jonas Albrecht, Miriam Okafor und Deniz Yılmaz')
    expect(listInGerman(['A', 'B', 'C', 'D'])).toBe('A, B, C und D')
  })
})
