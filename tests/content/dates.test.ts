import { describe, expect, it } from 'vitest'
import { newestChange, parseFrontMatterDate } from '../../src/content/dates.js'

const at = (iso: string): Date => new Date(iso)
const dated = (date: string, updated: string) => ({ date: at(date), updated: at(updated) })

describe('newestChange', () => {
  it('is the latest update among the entries', () => {
    const entries = [dated('2025-01-01T10:00:00Z', '2025-03-01T10:00:00Z'), dated('2025-02-01T10:00:00Z', '2025-02-01T10:00:00Z')]
    expect(newestChange(entries, (e) => [e.date, e.updated])?.toISOString()).toBe('2025-03-01T10:00:00.000Z')
  })

  it('counts the publication date when an update is dated before it', () => {
    const entries = [dated('2025-04-01T10:00:00Z', '2024-12-24T18:00:00Z'), dated('2025-01-01T10:00:00Z', '2025-02-01T10:00:00Z')]
    expect(newestChange(entries, (e) => [e.date, e.updated])?.toISOString()).toBe('2025-04-01T10:00:00.000Z')
  })

  it('is undefined for no entries', () => {
    expect(newestChange([], () => [at('2025-01-01T00:00:00Z'), at('2025-01-01T00:00:00Z')])).toBeUndefined()
  })

  it('gives a new Date, not one of the entries', () => {
    const entry = dated('2025-01-01T10:00:00Z', '2025-01-01T10:00:00Z')
    const newest = newestChange([entry], (e) => [e.date, e.updated])
    expect(newest).not.toBe(entry.updated)
    expect(newest?.getTime()).toBe(entry.updated.getTime())
  })
})

// Issue #10, point 11: every date accepted must be one every format can write (RFC 3339 and RFC 822 carry four-digit years).
describe('parseFrontMatterDate: only dates every feed format can carry', () => {
  const read = (text: string, zone = 'Europe/Berlin') => {
    const date = parseFrontMatterDate(text, zone)
    return date instanceof Date ? date.toISOString() : date
  }

  it('accepts the first and the last second of the years 0001 to 9999, and a year below 100 as written', () => {
    expect([read('0001-01-01T00:00:00Z'), read('9999-12-31T23:59:59Z'), read('0050-06-01T12:00:00+02:00'), read('0050-06-01T12:00:00Z')]).toEqual([
      '0001-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.000Z',
      '0050-06-01T10:00:00.000Z',
      '0050-06-01T12:00:00.000Z',
    ])
  })

  it('names a year of five digits or more as out of range, not as a wrong format (found in review)', () => {
    expect([read('10000-01-01T10:00:00+02:00'), read('12025-01-28')]).toEqual([
      'is in the year 10000; feeds carry the years 0001 to 9999',
      'is in the year 12025; feeds carry the years 0001 to 9999',
    ])
  })

  it('refuses the year 0000 as written', () => {
    expect([read('0000-01-01T00:00:00Z'), read('0000-06-01')]).toEqual([
      'is in the year 0000; feeds carry the years 0001 to 9999',
      'is in the year 0000; feeds carry the years 0001 to 9999',
    ])
  })

  it('refuses a date that leaves the years 0001 to 9999 once converted to UTC, from its offset or from the site time zone', () => {
    expect([read('0001-01-01T00:30:00+01:00'), read('9999-12-31T23:30:00-01:00'), read('0001-01-01'), read('9999-12-31T20:00:00', 'America/Los_Angeles')]).toEqual([
      'is in the year 0000 once converted to UTC; feeds carry the years 0001 to 9999',
      'is in the year 10000 once converted to UTC; feeds carry the years 0001 to 9999',
      'is in the year 0000 once converted to UTC; feeds carry the years 0001 to 9999',
      'is in the year 10000 once converted to UTC; feeds carry the years 0001 to 9999',
    ])
  })

  it('accepts offsets up to ±14:00 and refuses larger ones, in every way of writing them', () => {
    expect([read('2025-01-01T00:00:00+14:00'), read('2025-01-01T00:00:00-14:00'), read('2025-01-01 00:00:00 +14:00')]).toEqual([
      '2024-12-31T10:00:00.000Z',
      '2025-01-01T14:00:00.000Z',
      '2024-12-31T10:00:00.000Z',
    ])
    expect([read('2025-01-01T00:00:00+14:01'), read('2025-01-01T00:00:00-23:59'), read('2025-01-01T00:00+1500'), read('2025-01-01T00:00:00.5+15'), read('2025-01-01T00:00-14:30')]).toEqual([
      'has the offset +14:01; offsets go from -14:00 to +14:00',
      'has the offset -23:59; offsets go from -14:00 to +14:00',
      'has the offset +15:00; offsets go from -14:00 to +14:00',
      'has the offset +15:00; offsets go from -14:00 to +14:00',
      'has the offset -14:30; offsets go from -14:00 to +14:00',
    ])
  })

  it('still gives undefined for text that is no date at all', () => {
    expect([read('31.12.2025'), read('2025-02-30T00:00:00Z'), read('+012025-01-01')]).toEqual([undefined, undefined, undefined])
  })
})
