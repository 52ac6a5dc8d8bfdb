import { describe, expect, it } from 'vitest'
import { ArticleError } from '../../src/errors/article-error.js'

describe('ArticleError.logFields', () => {
  it('gives the file, the field and the problem of a refusal for a JSON log line', () => {
    expect(new ArticleError('2025/kaputt.md', [{ field: 'title', problem: 'is required' }]).logFields()).toEqual({
      file: '2025/kaputt.md',
      field: 'title',
      problem: 'is required',
    })
  })

  it('adds every problem when there are several, the first as field and problem', () => {
    const problems = [
      { field: 'title', problem: 'is required' },
      { field: 'date', problem: 'is required' },
    ]
    expect(new ArticleError('kaputt.md', problems).logFields()).toEqual({ file: 'kaputt.md', field: 'title', problem: 'is required', problems })
  })
})
