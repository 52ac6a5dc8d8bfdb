import { stampFiles, type StampFilesOptions } from './file-stamps.js'
import { folderId } from './files.js'
import type { ParseArticleOptions, ParsedArticle } from './parse-article.js'
import { parsedOf, readAhead, type ReadAhead, type ReadAheadOptions } from './read-ahead.js'
import { listArticleFiles, readArticleFile, stampArticleFiles, readableStamp, type FolderListing, type FolderStamps } from './load-articles.js'

/**
 * Where the store's article files come from: the file system (fileSource),
 * or a fake in tests. The only code that reads article files for the store.
 */
export interface ArticleSource {
  /** Every article file under the root, or under `folder` of it. */
  list(folder?: string): Promise<FolderListing>
  /**
   * One file parsed, for the index: its stamp is recorded (readStamp), so a
   * rescan knows the version that was read. Undefined when the file does not
   * exist (any more); throws ArticleError when it is not valid.
   */
  readForIndex(file: string): Promise<ParsedArticle | undefined>
  /**
   * One file parsed, for its body. Records no stamp: if the file changed
   * since it was indexed, a change the watcher missed is still found by the
   * next rescan. Undefined and ArticleError as readForIndex.
   */
  readBody(file: string): Promise<ParsedArticle | undefined>
  /**
   * The root folder's identity (device, inode, birth time), which changes when
   * another folder takes its place; undefined when there is none.
   */
  rootId(): Promise<string | undefined>
  /** Every article file under the root with its stamp, a value that changes whenever the file does; and the folders that cannot be read. */
  stamps(): Promise<FolderStamps>
  /** The stamp of a file when it was last read for the index; undefined if it could not be opened. */
  readStamp(file: string): string | undefined
  /** The stamp of an entry the last listing of its folder refused (never read: a FIFO, a link leading out), as listed: what a rescan compares it with. */
  listedStamp?(file: string): string | undefined
  /** Records `files` (listed, and refused unread: beyond MAX_ARTICLES) with their stamps now, as listedStamp gives them. */
  stampUnread?(files: readonly string[]): void
  /** The stamp of a file as it is now, without reading it (undefined when this process may not read it or it cannot be stat'ed): an index snapshot checks its entries so. */
  stampNow?(file: string): string | undefined
  /** Records `stamp` as the version of `file` read for the index: its article came from an index snapshot, not a read. */
  adoptStamp?(file: string, stamp: string): void
  /**
   * At a load: the file's article as an index snapshot holds it, when the
   * file is unchanged since (its stamp recorded as readForIndex would);
   * undefined when it must be read. Synchronous: no promise per file.
   * `stamp`: its stampNow, when the caller has it (stampAll); else it is taken.
   */
  takeUnchanged?(file: string, stamp?: string): TakenArticle | undefined
  /**
   * stampNow of each of `files`, in order, in chunks, taken on another thread
   * while this one goes on (file-stamps.ts); a load gives each to takeUnchanged.
   * `onFallback` hears why they are taken on this thread after all; `signal` stops the threads.
   */
  stampAll?(files: readonly string[], options?: Pick<StampFilesOptions, 'onFallback' | 'signal'>): AsyncIterable<readonly (string | undefined)[]>
  /**
   * The files a load is about to read for the index, in its order: the source may read some of them ahead on
   * another thread (read-ahead.ts), which readForIndex then gives. Returns what ends it, once the load is over.
   */
  readAhead?(files: readonly string[], onFallback?: (error: Error) => void): () => void
  /** Stops what the source does on its own (an index snapshot's write after a quiet moment): the store is closed. */
  close?(): void
}

/** What takeUnchanged gives: the article, its warnings and its body's version, as readForIndex would. */
export type TakenArticle = Pick<ParsedArticle, 'article' | 'warnings'> & { readonly bodyDigest: string }

/** Article files on disk, under `articlesDir`. */
export function fileSource(articlesDir: string, options: ParseArticleOptions, aheadOptions: ReadAheadOptions = {}): ArticleSource {
  const readStamps = new Map<string, string>()
  const listedStamps = new Map<string, string>()
  const recordStamp = (file: string, stamp: string | undefined): void => void (stamp === undefined ? readStamps.delete(file) : readStamps.set(file, stamp))
  let ahead: ReadAhead | undefined
  const readHere = (file: string) => readArticleFile(articlesDir, file, options, (stamp) => recordStamp(file, stamp))
  return {
    list: async (folder = '') => {
      const listing = listArticleFiles(articlesDir, folder)
      // The whole folder (a load): what was read of a file gone since is kept for nothing, and a reload of another folder left it all.
      if (folder === '' && readStamps.size > 0) {
        const listed = new Set(listing.files)
        for (const file of readStamps.keys()) if (!listed.has(file)) readStamps.delete(file)
      }
      // Never read, so never stamped by a read (a read of one records none): their stamps as listed, for the rescan.
      for (const file of listing.files) listedStamps.delete(file)
      for (const { file } of listing.refused) listedStamps.delete(file)
      for (const [file, stamp] of listing.refusedStamps ?? []) listedStamps.set(file, stamp)
      return listing
    },
    readForIndex: async (file) => {
      // Read in this call when no worker has it: after an await, each of mapLimit's 64 reads in flight ran past its
      // turns (article-catalog.ts), and a bulk import's reads held requests 30-60 ms a turn.
      const taking = ahead?.take(file)
      const outcome = taking && (await taking)
      if (outcome === undefined || outcome.kind === 'failed') return readHere(file)
      // What a read here records (readStamp), then gives or throws.
      recordStamp(file, outcome.stamp)
      return parsedOf(file, outcome)
    },
    readAhead: (files, onFallback) => {
      ahead?.stop()
      const started = readAhead(articlesDir, files, options, { onFallback, ...aheadOptions })
      ahead = started
      return () => {
        started?.stop()
        if (ahead === started) ahead = undefined
      }
    },
    readBody: async (file) => readArticleFile(articlesDir, file, options),
    rootId: () => folderId(articlesDir),
    stamps: () => stampArticleFiles(articlesDir),
    readStamp: (file) => readStamps.get(file),
    listedStamp: (file) => listedStamps.get(file),
    stampUnread: (files) => {
      for (const file of files) {
        const stamp = readableStamp(articlesDir, file)
        if (stamp !== undefined) listedStamps.set(file, stamp)
      }
    },
    stampNow: (file) => readableStamp(articlesDir, file),
    adoptStamp: (file, stamp) => void readStamps.set(file, stamp),
    stampAll: (files, options) => stampFiles(articlesDir, files, options),
  }
}
