import fs from 'node:fs'

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
 * removed or comes back. It asks the file's status every `intervalMs`
 * (fs.watchFile) rather than waiting for inotify: one stat per interval is
 * nothing, and it follows an editor's save by rename, a removed file and
 * a network file system alike. Returns the function that stops it.
 */
export function watchTextFile(file: string, onChange: (read: TextFileRead) => void, intervalMs = 250): () => void {
  const listener = (current: fs.Stats, previous: fs.Stats): void => {
    const same = current.mtimeMs === previous.mtimeMs && current.size === previous.size && current.ino === previous.ino && current.ctimeMs === previous.ctimeMs
    if (!same) onChange(readTextFile(file))
  }
  // Not persistent: the watch never keeps the process alive on its own.
  fs.watchFile(file, { interval: intervalMs, persistent: false }, listener)
  return () => fs.unwatchFile(file, listener)
}
