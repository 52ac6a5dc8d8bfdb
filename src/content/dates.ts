import { DateTime } from 'luxon'

/**
 * Reads an ISO 8601 date or date-time from front matter. A value without a
 * zone offset is local time in `timeZone` (CONTRACT.md: the site's zone); a
 * date alone is midnight there. YAML's space between date and time is
 * accepted too. Returns undefined when the text is not such a date.
 */
export function parseFrontMatterDate(text: string, timeZone: string): Date | undefined {
  const trimmed = text.trim()
  // YAML 1.1 timestamps may separate date and time with spaces: 2025-01-28 09:30:00 +01:00
  const iso = /^\d{4}-\d{2}-\d{2}[ \t]+\d/.test(trimmed)
    ? trimmed.replace(/[ \t]+/, 'T').replace(/[ \t]+(?=[Zz+-])/, '')
    : trimmed
  // Only the calendar forms a person writes; week and ordinal dates are refused.
  if (!/^\d{4}-\d{2}-\d{2}(T|$)/.test(iso)) return undefined
  const parsed = DateTime.fromISO(iso, { zone: timeZone, setZone: false })
  return parsed.isValid ? parsed.toJSDate() : undefined
}

/** RFC 3339 in UTC, whole seconds: the form all three formats share. */
export function toRfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
