import { FolderWatcher } from '../content/watch-folder.js'

/** A folder watch: started once, closed once; reports changed paths relative to its root. */
export interface Watch {
  start(): Promise<void>
  close(): void
}

export type WatchFactory = (root: string, onChange: (paths: ReadonlySet<string>) => void, onError: (error: Error) => void) => Watch

/** Timers, so that tests can drive them with a fake clock. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** How often ARTICLES_DIR and MEDIA_DIR themselves are looked at: gone, back, or another folder in their place (a deploy). */
export const ROOT_CHECK_MS = 1000

/** The real watch: one fs.watch per folder (content/watch-folder.ts). */
export const folderWatch: WatchFactory = (root, onChange, onError) => new FolderWatcher({ root, onChange, onError })

/** The real timers; they never keep the process alive. */
export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}
