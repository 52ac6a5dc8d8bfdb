import fs from 'node:fs'
import path from 'node:path'
import { ArticleError } from '../errors/article-error.js'
import { parseArticle, type ParseArticleOptions, type ParsedArticle } from './parse-article.js'

/** Larger files are refused before they are parsed (a documented limit). */
export const MAX_ARTICLE_BYTES = 2 * 1024 * 1024

/** Reads in flight while loading a whole folder. */
const READ_CONCURRENCY = 64

export interface ArticleFile {
  /** Path relative to the articles folder, `/`-separated. */
  readonly file: string
  /** Absolute path to read (may be a symbolic link inside the folder). */
  readonly absolute: string
}

export interface FolderListing {
  readonly files: readonly ArticleFile[]
  /** Entries that look like articles but are not read (links leading out of the folder). */
  readonly refused: readonly ArticleError[]
}

/**
 * Every `*.md` file under `root`, sub-folders included, in a stable order.
 * Symbolic links to files inside `root` are read; links that lead outside,
 * and linked folders, are never followed.
 */
export async function listArticleFiles(root: string): Promise<FolderListing> {
  const realRoot = await fs.promises.realpath(root)
  const files: ArticleFile[] = []
  const refused: ArticleError[] = []
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.promises.readdir(dir, { withFileTypes: true })
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      const absolute = path.join(dir, entry.name)
      const file = path.relative(root, absolute).split(path.sep).join('/')
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.')) await walk(absolute)
      } else if (entry.name.endsWith('.md') && !entry.name.startsWith('.')) {
        if (entry.isSymbolicLink()) {
          const problem = await checkLink(absolute, realRoot)
          if (problem) {
            refused.push(new ArticleError(file, [{ field: 'file', problem }]))
            continue
          }
        } else if (!entry.isFile()) continue
        files.push({ file, absolute })
      }
    }
  }
  await walk(root)
  return { files, refused }
}

async function checkLink(absolute: string, realRoot: string): Promise<string | undefined> {
  let target: string
  try {
    target = await fs.promises.realpath(absolute)
  } catch {
    return 'is a symbolic link to nothing'
  }
  if (target !== realRoot && !target.startsWith(realRoot + path.sep)) {
    return 'is a symbolic link leading outside ARTICLES_DIR; not followed'
  }
  const stat = await fs.promises.stat(target)
  return stat.isFile() ? undefined : 'is a symbolic link to something other than a file'
}

/**
 * Reads and parses one article file. Throws an ArticleError naming the file
 * when it cannot be read, is too large, is not UTF-8 or fails validation.
 */
export async function readArticleFile(entry: ArticleFile, options: ParseArticleOptions): Promise<ParsedArticle> {
  const text = await readText(entry)
  return parseArticle(text, entry.file, options)
}

/** The file's text: at most MAX_ARTICLE_BYTES, strictly UTF-8 (a BOM is allowed). */
export async function readText(entry: ArticleFile): Promise<string> {
  let bytes: Buffer
  try {
    bytes = await readLimited(entry.absolute)
  } catch (cause) {
    if (cause instanceof ArticleError) throw new ArticleError(entry.file, cause.problems)
    const code = (cause as NodeJS.ErrnoException).code ?? 'error'
    throw new ArticleError(entry.file, [{ field: 'file', problem: `cannot be read (${code})` }], { cause })
  }
  try {
    // Never guess another encoding: mojibake would reach every reader.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (cause) {
    throw new ArticleError(entry.file, [{ field: 'file', problem: 'is not valid UTF-8; save it as UTF-8' }], { cause })
  }
}

/** Callback-style reads: several times faster than fs.promises.readFile for many small files. */
function readLimited(absolute: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    fs.stat(absolute, (statError, stat) => {
      if (statError) return reject(statError)
      if (stat.size > MAX_ARTICLE_BYTES) {
        return reject(
          new ArticleError('', [{ field: 'file', problem: `is ${stat.size} bytes, more than the limit of ${MAX_ARTICLE_BYTES}` }]),
        )
      }
      fs.readFile(absolute, (readError, data) => (readError ? reject(readError) : resolve(data)))
    })
  })
}

/** Runs `task` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], task: (item: T) => Promise<R>, limit = READ_CONCURRENCY): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
