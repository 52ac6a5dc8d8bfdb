import type { ArticleSource, TakenArticle } from '../content/article-source.js'
import type { ParsedArticle } from '../content/parse-article.js'
import { ArticleError } from '../errors/article-error.js'
import { eventLoopTurns } from '../util/event-loop-turns.js'
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
  const turns = eventLoopTurns(TURN_MS)
  try {
    for (let index = 0; index < files.length; index++) {
      const pause = turns.due()
      if (pause) await pause
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

/** What reading one file for the index gave: its article and warnings (never its body), or why it is refused. */
export type ReadForIndex = ArticleError | Pick<ParsedArticle, 'article' | 'warnings'>

/**
 * Reads the files of `files` at the positions `toRead` (ascending) for the
 * index, several at a time; once all are read, gives each what its read gave
 * (`onRead`; nothing for a file gone), in the listing's order. Reads finish
 * out of that order (those read ahead on another thread: read-ahead.ts), and
 * the log of warnings and refusals must not depend on which thread read
 * what. Other errors than ArticleError end it.
 */
export async function readFilesInOrder(
  source: Pick<ArticleSource, 'readForIndex'>,
  files: readonly string[],
  toRead: readonly number[],
  onRead: (read: ReadForIndex, index: number) => void,
): Promise<void> {
  const reads = new Map<number, ReadForIndex>()
  await mapLimit(toRead, async (index) => {
    try {
      // Only the metadata is kept; the body is read again when it is rendered.
      const parsed = await source.readForIndex(files[index] as string)
      if (parsed) reads.set(index, { article: parsed.article, warnings: parsed.warnings })
    } catch (error) {
      if (!(error instanceof ArticleError)) throw error
      reads.set(index, error)
    }
  })
  for (const index of toRead) {
    const read = reads.get(index)
    if (read) onRead(read, index)
  }
}
