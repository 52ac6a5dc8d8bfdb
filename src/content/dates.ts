import { DateTime } from 'luxon'

/**
 * Reads an ISO 8601 date or date-time from front matter. A value without a
 * zone offset is local time in `timeZone` (docs/contract.md: the site's zone); a
 * date alone is midnight there. YAML's space between date and time is
 * accepted too. Returns undefined when the text is not such a date.
 */
export function parseFrontMatterDate(text: string, timeZone: string): Date | undefined {
  const trimmed = text.trim()
  const exact = parseRfc3339(trimmed)
  if (exact !== undefined) return exact
  // YAML 1.1 timestamps may separate date and time with spaces: 2025-01-28 09:30:00 +01:00
  const iso = /^\d{4}-\d{2}-\d{2}[ \t]+\d/.test(trimmed)
    ? trimmed.replace(/[ \t]+/, 'T').replace(/[ \t]+(?=[Zz+-])/, '')
    : trimmed
  // Only the calendar forms a person writes; week and ordinal dates are refused.
  if (!/^\d{4}-\d{2}-\d{2}(T|$)/.test(iso)) return undefined
  const parsed = DateTime.fromISO(iso, { zone: timeZone, setZone: false })
  return parsed.isValid ? parsed.toJSDate() : undefined
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/

/**
 * The common case, a full date-time with its offset, read without luxon: it
 * needs no time zone rules, and at 50,000 articles luxon's 9–15 µs a date
 * are a second of start-up. Undefined for anything else (luxon decides),
 * including impossible dates such as 2025-02-30, which Date would roll over.
 */
function parseRfc3339(text: string): Date | undefined {
  const m = RFC3339.exec(text)
  if (!m) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const offsetMinutes = m[7] ? 0 : (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]))
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second))
  if (local.getUTCFullYear() !== year || local.getUTCMonth() !== month - 1 || local.getUTCDate() !== day) return undefined
  if (hour > 23 || minute > 59 || second > 59 || Number(m[10] ?? 0) > 59) return undefined
  return new Date(local.getTime() - offsetMinutes * 60_000)
}

/** RFC 3339 in UTC, whole seconds: the form all three formats share. */
export function toRfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * The newest change among dated entries (articles, feed items): the latest
 * of each one's first publication and last update. Both count, because an
 * `updated` earlier than the date is published as written. Undefined when
 * there are no entries.
 */
export function newestChange<T>(entries: readonly T[], datesOf: (entry: T) => readonly [published: Date, updated: Date]): Date | undefined {
  if (entries.length === 0) return undefined
  let newest = -Infinity
  for (const entry of entries) {
    const [published, updated] = datesOf(entry)
    newest = Math.max(newest, updated.getTime(), published.getTime())
  }
  return new Date(newest)
}
