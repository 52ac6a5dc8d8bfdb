/**
 * Names as one German list: `A`, `A und B`, `A, B und C` (Duden: no comma
 * before "und"). For a field that holds one value where an item has several,
 * such as RSS's `dc:creator`.
 */
export function listInGerman(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? ''
  return `${names.slice(0, -1).join(', ')} und ${names[names.length - 1]}`
}
