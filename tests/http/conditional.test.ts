import { describe, expect, it } from 'vitest'
import { isNotModified, parseHttpDate } from '../../src/http/conditional.js'

const etag = '"abc"'
const modified = new Date('2025-06-05T15:00:00Z')

describe('isNotModified (RFC 9110 §13.2.2)', () => {
  it('matches If-None-Match against the current tag, weakly, in a list, or *', () => {
    expect(isNotModified('"abc"', undefined, etag, modified)).toBe(true)
    expect(isNotModified('W/"abc"', undefined, etag, modified)).toBe(true)
    expect(isNotModified('"x", "abc"', undefined, etag, modified)).toBe(true)
    expect(isNotModified('*', undefined, etag, modified)).toBe(true)
    expect(isNotModified('"abcd"', undefined, etag, modified)).toBe(false)
  })

  it('lets If-None-Match win: a stale tag means 200 even with a current date', () => {
    expect(isNotModified('"alt"', 'Thu, 05 Jun 2025 15:00:00 GMT', etag, modified)).toBe(false)
  })

  it('uses If-Modified-Since only without If-None-Match, at one-second resolution', () => {
    expect(isNotModified(undefined, 'Thu, 05 Jun 2025 15:00:00 GMT', etag, modified)).toBe(true)
    expect(isNotModified(undefined, 'Thu, 05 Jun 2025 16:00:00 GMT', etag, modified)).toBe(true)
    expect(isNotModified(undefined, 'Thu, 05 Jun 2025 14:59:59 GMT', etag, modified)).toBe(false)
    expect(isNotModified(undefined, 'Thu, 05 Jun 2025 15:00:00 GMT', etag, new Date('2025-06-05T15:00:00.900Z'))).toBe(true)
    expect(isNotModified(undefined, 'Thu, 05 Jun 2025 15:00:00 GMT', etag, undefined)).toBe(false)
  })

  it('ignores an If-Modified-Since that is not an HTTP date', () => {
    expect(isNotModified(undefined, '2030-01-01', etag, modified)).toBe(false)
    expect(isNotModified(undefined, 'gestern', etag, modified)).toBe(false)
  })
})

describe('parseHttpDate (RFC 9110 §5.6.7)', () => {
  it('reads the three forms a recipient must accept, as UTC', () => {
    const expected = Date.UTC(1994, 10, 6, 8, 49, 37)
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(expected)
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(expected)
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(expected)
    expect(parseHttpDate('1994-11-06T08:49:37Z')).toBeUndefined()
  })
})
