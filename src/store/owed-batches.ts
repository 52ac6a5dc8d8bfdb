// The batches ChangeQueue owes (change-queue.ts): taken out once published, split when they fail again, named in a problem.

/** Files named in a problem; the rest are counted. */
const NAMED = 3

/** The batches less the paths in `gone`, those left empty dropped (the same objects otherwise: a retry is known by it). */
export function without(batches: readonly Set<string>[], gone: ReadonlySet<string>): Set<string>[] {
  return batches.filter((batch) => {
    if (batch === gone) return false
    for (const p of gone) batch.delete(p)
    return batch.size > 0
  })
}

/** A batch that failed again, in two (one file stays whole). */
export function halves(batch: ReadonlySet<string>): Set<string>[] {
  const paths = [...batch]
  if (paths.length < 2) return [new Set(paths)]
  const middle = Math.ceil(paths.length / 2)
  return [new Set(paths.slice(0, middle)), new Set(paths.slice(middle))]
}

/** `a.md`, `a.md, b.md and c.md`, `a.md, b.md, c.md and 4 other file(s)`. */
export function named(batches: readonly Set<string>[]): string {
  const paths = [...new Set(batches.flatMap((batch) => [...batch]))].sort()
  if (paths.length <= 1) return paths.join('')
  if (paths.length <= NAMED) return `${paths.slice(0, -1).join(', ')} and ${paths.at(-1)}`
  return `${paths.slice(0, NAMED).join(', ')} and ${paths.length - NAMED} other file(s)`
}
