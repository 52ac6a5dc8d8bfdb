import { describe, expect, it } from 'vitest'
import { bylineOf } from '../../src/content/article.js'

describe('bylineOf', () => {
  it('credits the authors the article names, in their order', () => {
    expect(bylineOf({ authors: ['Lea Voigt', 'Jonas Albrecht'] }, 'Wirtschaftsredaktion')).toEqual(['Lea Voigt', 'Jonas Albrecht'])
  })

  it('credits the desk when the article names nobody', () => {
    expect(bylineOf({ authors: [] }, 'Wirtschaftsredaktion')).toEqual(['Wirtschaftsredaktion'])
  })
})
