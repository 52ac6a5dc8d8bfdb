/** How often the feeds change, as readers are told (RSS `ttl`, `sy:updatePeriod`, `sy:updateFrequency`). */
export interface UpdateHints {
  readonly period: UpdatePeriod
  /** Times per period. */
  readonly frequency: number
}

export type UpdatePeriod = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly'

/** Minutes in each update period (a month of 30 days, a year of 365): RSS `ttl` is the period over the frequency. */
export const PERIOD_MINUTES: Readonly<Record<UpdatePeriod, number>> = { hourly: 60, daily: 1440, weekly: 10080, monthly: 43200, yearly: 525600 }

/** RSS `ttl`: minutes between updates, the period over the frequency (hourly, once: 60). */
export function updateMinutes(hints: UpdateHints): number {
  return Math.max(1, Math.round(PERIOD_MINUTES[hints.period] / hints.frequency))
}
