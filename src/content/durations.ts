import { quoted } from '../text/display.js'

/**
 * Playing times of enclosures, in whole seconds: what `itunes:duration` and
 * JSON Feed's `duration_in_seconds` carry. Apple's podcast spec takes seconds
 * or HH:MM:SS, H:MM:SS, MM:SS, M:SS, with minutes and seconds below 60.
 */

/** The longest playing time accepted: no episode lasts 1000 hours, and a number beyond it is a slip (`1e300`). */
const MAX_DURATION_SECONDS = 1000 * 3600

/** A duration as the front matter gives it (seconds, or `[H…:]MM:SS`): whole seconds, or the problem in words. */
export function readDuration(value: number | string): { readonly seconds: number } | { readonly problem: string } {
  if (typeof value === 'number') {
    const seconds = Math.round(value)
    if (seconds > MAX_DURATION_SECONDS) return { problem: `is ${value} seconds, more than 1000 hours (${MAX_DURATION_SECONDS} seconds)` }
    return { seconds }
  }
  const parts = value.split(':').map(Number)
  // The first part may be hours (any number of digits) or minutes; the ones after it are below 60.
  if (parts.slice(parts.length === 3 ? 1 : 0).some((part) => part >= 60)) {
    return { problem: `${quoted(value)} has minutes or seconds of 60 or more; write H:MM:SS with both below 60` }
  }
  const seconds = parts.reduce((total, part) => total * 60 + part, 0)
  if (seconds > MAX_DURATION_SECONDS) return { problem: `${quoted(value)} is more than 1000 hours` }
  return { seconds }
}
