import type { ArticleSource, TakenArticle } from '../content/article-source.js'

/** Milliseconds of taking before the event loop may turn (a signal, a timer), as mapLimit does. */
const TURN_MS = 20

/**
 * Takes from `source` (its index snapshot) every file of `files` unchanged
 * since, in order, each given to `onTaken` with its position; returns the
 * positions of the others, which must be read. One synchronous check (a stat) per file and no promise: at 50,000
 * files a promise and an async call per file in mapLimit cost more than the
 * stat itself. The event loop turns every TURN_MS, so a SIGTERM during the
 * load is heard.
 */
export async function takeUnchangedFiles(source: ArticleSource, files: readonly string[], onTaken: (taken: TakenArticle, index: number) => void): Promise<number[]> {
  const { takeUnchanged } = source
  if (!takeUnchanged) return files.map((_, index) => index)
  const rest: number[] = []
  let turn = performance.now()
  for (let index = 0; index < files.length; index++) {
    if (performance.now() - turn > TURN_MS) {
      await new Promise((resolve) => setImmediate(resolve))
      turn = performance.now()
    }
    const taken = takeUnchanged(files[index] as string)
    if (taken) onTaken(taken, index)
    else rest.push(index)
  }
  return rest
}
