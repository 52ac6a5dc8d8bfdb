/** Every string of at most `length` symbols of `alphabet`, each once: for checking a function against its definition. */
export function* everyString(alphabet: readonly string[], length: number): Generator<string> {
  yield ''
  // Each string of k symbols is one of k - 1 symbols and one more.
  if (length > 0) for (const shorter of everyString(alphabet, length - 1)) for (const symbol of alphabet) yield shorter + symbol
}
