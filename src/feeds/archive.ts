/**
 * Archived feeds (RFC 5005 §4). The articles not in the current window are
 * cut into pages counted from the oldest: page 1 holds the oldest
 * `pageSize` articles, and so on; only the newest page may be short. A full
 * page therefore never changes when new articles are published, and a reader
 * that follows the links from the current document sees every article once.
 */

/** How many archive pages there are for `total` articles, `windowSize` of them current. */
export function archivePageCount(total: number, windowSize: number, pageSize: number): number {
  return total > windowSize ? Math.ceil((total - windowSize) / pageSize) : 0
}

export interface ArchivePage<T> {
  readonly number: number
  /** Newest first, as in every feed document. */
  readonly items: readonly T[]
  /** Whether the page holds `pageSize` items and will not grow. */
  readonly full: boolean
}

/**
 * Page `number` (1 = oldest) of the archive of `newestFirst`, or undefined
 * when there is no such page.
 */
export function archivePage<T>(newestFirst: readonly T[], windowSize: number, pageSize: number, number: number): ArchivePage<T> | undefined {
  const total = newestFirst.length
  const count = archivePageCount(total, windowSize, pageSize)
  if (!Number.isInteger(number) || number < 1 || number > count) return undefined
  const archived = total - windowSize
  const oldestIndex = (number - 1) * pageSize // counted from the oldest
  const newestIndex = Math.min(number * pageSize, archived) // exclusive
  return {
    number,
    items: newestFirst.slice(total - newestIndex, total - oldestIndex),
    full: number * pageSize <= archived,
  }
}
