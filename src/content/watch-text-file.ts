import fs from 'node:fs'
import { stampOf } from './load-articles.js'

/** A small text file as read now: its text, or the error code that kept it from being read. */
export type TextFileRead = { readonly text: string } | { readonly code: string }

/** Reads a small text file (UTF-8) now. */
export function readTextFile(file: string): TextFileRead {
  try {
    return { text: fs.readFileSync(file, 'utf8') }
  } catch (error) {
    return { code: (error as NodeJS.ErrnoException).code ?? 'error' }
  }
}

/**
 * Calls `onChange` with the file as read again whenever it changes, is
 * removed or comes back. It asks for the file's status every `intervalMs`
 * rather than waiting for inotify: one stat per interval is nothing, and it
 * follows an editor's save by rename, a removed file and a network file
 * system alike. (fs.watchFile, tried first, missed a file written again
 * after a removal in 2 of 13 runs of tests/plus/revocation.test.ts.)
 * Returns the function that stops it.
 */
export function watchTextFile(file: string, onChange: (read: TextFileRead) => void, intervalMs = 250): () => void {
  let last = statusOf(() => fs.statSync(file))
  let asking = false
  const timer = setInterval(() => {
    if (asking) return
    asking = true
    fs.stat(file, (error, stats) => {
      asking = false
      const now = error ? `gone ${error.code ?? ''}` : stampOf(stats)
      if (now === last) return
      last = now
      onChange(readTextFile(file))
    })
  }, intervalMs)
  // The watch never keeps the process alive on its own.
  timer.unref()
  return () => clearInterval(timer)
}

function statusOf(stat: () => fs.Stats): string {
  try {
    return stampOf(stat())
  } catch (error) {
    return `gone ${(error as NodeJS.ErrnoException).code ?? ''}`
  }
}
