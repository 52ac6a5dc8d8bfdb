import { DateTime } from 'luxon'

/** The first and the last instant every format can write: RFC 3339 and RFC 822 have four-digit years, and no year 0000. */
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00Z')
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z')
/** The largest offset from UTC in use (Kiribati, +14:00); RFC 3339 would allow ±23:59, which no place has. */
const MAX_OFFSET_MINUTES = 14 * 60

/**
 * Reads an ISO 8601 date or date-time from front matter. A value without a
 * zone offset is local time in `timeZone` (docs/contract.md: the site's zone); a
 * date alone is midnight there. YAML's space between date and time is
 * accepted too. Returns undefined when the text is not such a date, and the
 * problem in words for a date no feed can carry: a year outside 0001–9999,
 * as written or once converted to UTC, or an offset beyond ±14:00.
 */
export function parseFrontMatterDate(text: string, timeZone: string): Date | string | undefined {
  const trimmed = text.trim()
  if (trimmed.startsWith('0000-')) return 'is in the year 0000; feeds carry the years 0001 to 9999'
  const long = /^(\d{5,})-\d{2}-\d{2}/.exec(trimmed)
  if (long) return `is in the year ${long[1]}; feeds carry the years 0001 to 9999`
  const exact = parseRfc3339(trimmed)
  if (exact !== undefined) return checked(exact.date, exact.offsetMinutes)
  // YAML 1.1 timestamps may separate date and time with spaces: 2025-01-28 09:30:00 +01:00
  const iso = /^\d{4}-\d{2}-\d{2}[ \t]+\d/.test(trimmed)
    ? trimmed.replace(/[ \t]+/, 'T').replace(/[ \t]+(?=[Zz+-])/, '')
    : trimmed
  // Only the calendar forms a person writes; week and ordinal dates are refused.
  if (!/^\d{4}-\d{2}-\d{2}(T|$)/.test(iso)) return undefined
  // setZone: the offset the text gives is kept, to be checked; without one, the zone is the site's.
  const parsed = DateTime.fromISO(iso, { zone: timeZone, setZone: true })
  if (!parsed.isValid) return undefined
  return checked(parsed.toJSDate(), parsed.zone.type === 'fixed' ? parsed.offset : 0)
}

function checked(date: Date, offsetMinutes: number): Date | string {
  if (Math.abs(offsetMinutes) > MAX_OFFSET_MINUTES) {
    const hours = Math.floor(Math.abs(offsetMinutes) / 60)
    const offset = `${offsetMinutes < 0 ? '-' : '+'}${String(hours).padStart(2, '0')}:${String(Math.abs(offsetMinutes) % 60).padStart(2, '0')}`
    return `has the offset ${offset}; offsets go from -14:00 to +14:00`
  }
  const time = date.getTime()
  if (time < FIRST_INSTANT || time > LAST_INSTANT) {
    return `is in the year ${String(date.getUTCFullYear()).padStart(4, '0')} once converted to UTC; feeds carry the years 0001 to 9999`
  }
  return date
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/

/**
 * The common case, a full date-time with its offset, read without luxon: it
 * needs no time zone rules, and at 50,000 articles luxon's 9–15 µs a date
 * are a second of start-up. Undefined for anything else (luxon decides),
 * including impossible dates such as 2025-02-30, which Date would roll over.
 */
function parseRfc3339(text: string): { date: Date; offsetMinutes: number } | undefined {
  const m = RFC3339.exec(text)
  if (!m) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const offsetMinutes = m[7] ? 0 : (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]))
  if (!isCalendarDate(year, month, day)) return undefined
  const local = new Date(Date.UTC(2000, month - 1, day, hour, minute, second))
  // Date.UTC reads the years 0–99 as 1900–1999: the year is set on its own.
  local.setUTCFullYear(year)
  if (hour > 23 || minute > 59 || second > 59 || Number(m[10] ?? 0) > 59) return undefined
  return { date: new Date(local.getTime() - offsetMinutes * 60_000), offsetMinutes }
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

/** Whether year, month and day name a day of the calendar (not 2025-02-30), for any year from 1 to 9999. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(2000, month - 1, day))
  date.setUTCFullYear(year)
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}
