import { describe, expect, it } from 'vitest'
import { describeFilter, filterQuery, MAX_FILTER_VALUES, parseFeedFilter, type FeedFilter } from '../../src/feeds/filter.js'

const from = (query: string) => {
  const params = new URLSearchParams(query)
  return parseFeedFilter((name) => params.getAll(name), 500)
}

describe('parseFeedFilter', () => {
  it(`reads up to ${MAX_FILTER_VALUES} values of a parameter, dropping repeats regardless of case`, () => {
    expect(MAX_FILTER_VALUES).toBe(50)
    const tags = Array.from({ length: MAX_FILTER_VALUES / 2 }, (_, n) => `Thema ${String(n).padStart(2, '0')}`)
    const query = [...tags, ...tags.map((tag) => tag.toUpperCase())].map((tag) => `tag=${encodeURIComponent(tag)}`).join('&')
    expect(from(query)).toEqual({ limit: undefined, authors: [], tags })
  })

  it('reads limit and repeated tags, dropping repeats regardless of case, in a stable order', () => {
    expect(from('limit=10&tag=KI&tag=Börse&tag=ki')).toEqual({ limit: 10, authors: [], tags: ['Börse', 'KI'] })
    expect(filterQuery({ limit: 10, authors: [], tags: ['Börse', 'KI'] })).toBe('limit=10&tag=B%C3%B6rse&tag=KI')
  })

  it('refuses bidirectional override and isolate controls in a tag or author, showing them escaped', () => {
    expect(from('tag=%E2%80%AEexe.txt')).toEqual({ problem: 'tag: "\\u202eexe.txt" holds control characters' })
    expect(from('author=Lea%E2%81%A6Voigt%E2%81%A9')).toEqual({ problem: 'author: "Lea\\u2066Voigt\\u2069" holds control characters' })
    for (const code of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      expect(from(`tag=${encodeURIComponent(`K${String.fromCharCode(code)}I`)}`)).toEqual({ problem: `tag: "K\\u${code.toString(16)}I" holds control characters` })
    }
  })

  it('reads repeated authors like tags, and writes them between limit and tags', () => {
    const filter = from('tag=KI&author=Lea Voigt&author=  Jonas Albrecht &author=lea voigt')
    expect(filter).toEqual({ limit: undefined, authors: ['Jonas Albrecht', 'Lea Voigt'], tags: ['KI'] })
    expect(filterQuery(filter as FeedFilter)).toBe('author=Jonas%20Albrecht&author=Lea%20Voigt&tag=KI')
    expect(describeFilter(filter as FeedFilter)).toBe('von Jonas Albrecht, Lea Voigt · Thema KI')
  })

  it.each([
    ['limit=0', 'limit: "0" is not a whole number from 1 to 500'],
    ['limit=501', 'limit: "501" is not a whole number from 1 to 500'],
    ['limit=zehn', 'limit: "zehn" is not a whole number from 1 to 500'],
    ['limit=-1', 'limit: "-1" is not a whole number from 1 to 500'],
    ['limit=1&limit=2', 'limit: give it once'],
    ['tag=', 'tag: "" is not a tag (1 to 200 characters)'],
    ['author=', 'author: "" is not an author (1 to 200 characters)'],
  ])('refuses %s: %s', (query, problem) => {
    expect(from(query)).toEqual({ problem })
  })

  it('shows at most 80 characters of a refused value, escaped, with its length; a control character is never sent back as it is', () => {
    const long = 'Zinsen'.repeat(2000)
    expect(from(`tag=${long}`)).toEqual({ problem: `tag: "${long.slice(0, 80)}"… (12000 characters) is not a tag (1 to 200 characters)` })
    expect(from(`content=${'x'.repeat(500)}`)).toEqual({ problem: `content: "${'x'.repeat(80)}"… (500 characters) is not full or excerpt` })
    expect(from(`limit=${'9'.repeat(100)}`)).toEqual({ problem: `limit: "${'9'.repeat(80)}"… (100 characters) is not a whole number from 1 to 500` })
    expect(from('limit=1%0ASet-Cookie:%20a')).toEqual({ problem: 'limit: "1\\nSet-Cookie: a" is not a whole number from 1 to 500' })
    // A cut that would split a surrogate pair keeps it whole or leaves it out.
    expect(from(`tag=${'a'.repeat(79)}${'😀'.repeat(100)}`)).toEqual({ problem: `tag: "${'a'.repeat(79)}"… (279 characters) is not a tag (1 to 200 characters)` })
  })

  it.each([
    ['tag', 51, 'tag: give at most 50 values (51 given)'],
    ['author', 3000, 'author: give at most 50 values (3000 given)'],
  ])('refuses %s with %i values: %s', (name, count, problem) => {
    expect(from(Array.from({ length: count }, (_, n) => `${name}=v${n}`).join('&'))).toEqual({ problem })
  })
})
