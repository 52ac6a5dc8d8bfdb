import { describe, expect, it } from 'vitest'
import { newestChange } from '../../src/content/dates.js'

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
