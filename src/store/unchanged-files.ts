import { setImmediate as nextTurn } from 'node:timers/promises'
import type { ArticleSource, TakenArticle } from '../content/article-source.js'
import type { ParsedArticle } from '../content/parse-article.js'
import { ArticleError } from '../errors/article-error.js'
import { mapLimit } from '../util/map-limit.js'

/** Milliseconds of taking before the event loop may turn (a signal, a timer), as mapLimit does. */
const TURN_MS = 20

/**
 * Takes from `source` (its index snapshot) every file of `files` unchanged
 * since, in order, each given to `onTaken` with its position; returns the
 * positions of the others, which must be read. One check (a stamp) per file and no promise: at 50,000
 * files a promise and an async call per file in mapLimit cost more than the
 * stat itself. The stamps come in chunks from another thread (stampAll)
 * while this one decodes the snapshot and takes what has come; `onFallback`
 * hears why they are taken here after all. The event loop turns every TURN_MS, so a SIGTERM during the
 * load is heard.
 */
export async function takeUnchangedFiles(
  source: ArticleSource,
  files: readonly string[],
  onTaken: (taken: TakenArticle, index: number) => void,
  onFallback?: (error: Error) => void,
): Promise<number[]> {
  const { takeUnchanged } = source
  if (!takeUnchanged) return files.map((_, index) => index)
  const all = source.stampAll?.(files, { onFallback })[Symbol.asyncIterator]()
  let stamps = all
  let chunk: readonly (string | undefined)[] = []
  let at = 0
  const rest: number[] = []
  let turn = performance.now()
  try {
    for (let index = 0; index < files.length; index++) {
      if (performance.now() - turn > TURN_MS) {
        await nextTurn()
        turn = performance.now()
      }
      if (stamps && at === chunk.length) {
        const next = await stamps.next()
        if (next.done) stamps = undefined // none came for the rest (a first start: no snapshot to check)
        else [chunk, at] = [next.value, 0]
      }
      // No stamp (unreadable, gone, or none came): takeUnchanged takes it itself.
      const taken = takeUnchanged(files[index] as string, stamps ? chunk[at++] : undefined)
      if (taken) onTaken(taken, index)
      else rest.push(index)
    }
  } finally {
    await all?.return?.()
  }
  return rest
}

/**
 * Reads the files of `files` at the positions `toRead` (ascending) for the
 * index, several at a time, and gives each its article (`onRead`) as it comes;
 * then tells each refusal and each article's warnings (`onTold`) in the
 * listing's order. Reads finish out of that order (those read ahead on
 * another thread: read-ahead.ts), and the log must not depend on which
 * thread read what. Other errors than ArticleError end it.
 */
export async function readFilesInOrder(
  source: Pick<ArticleSource, 'readForIndex'>,
  files: readonly string[],
  toRead: readonly number[],
  onRead: (article: ParsedArticle['article'], index: number) => void,
  onTold: (told: ArticleError | Pick<ParsedArticle, 'article' | 'warnings'>) => void,
): Promise<void> {
  // Only the warnings of each read (never its body), and only where there are any.
  const said = new Map<number, ArticleError | ParsedArticle['warnings']>()
  const read = new Map<number, ParsedArticle['article']>()
  await mapLimit(toRead, async (index) => {
    try {
      // Only the metadata is kept; the body is read again when it is rendered.
      const parsed = await source.readForIndex(files[index] as string)
      if (!parsed) return
      onRead(parsed.article, index)
      read.set(index, parsed.article)
      if (parsed.warnings.length > 0) said.set(index, parsed.warnings)
    } catch (error) {
      if (!(error instanceof ArticleError)) throw error
      said.set(index, error)
    }
  })
  for (const index of toRead) {
    const told = said.get(index)
    const article = read.get(index)
    if (told instanceof ArticleError) onTold(told)
    else if (article) onTold({ article, warnings: told ?? [] })
  }
}
