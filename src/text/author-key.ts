/** The key of a name in the author registry. */
export function authorKey(name: string): string {
  return name.toLocaleLowerCase('de')
}
