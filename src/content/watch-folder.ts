import fs from 'node:fs'
import path from 'node:path'
import { nameFromBytes } from '../text/file-names.js'
import { changedFolder, isGone, isHidden, joinRelative, pathUnder, walkFolders } from './files.js'
import { mapLimit } from '../util/map-limit.js'

export interface FolderWatcherOptions {
  readonly root: string
  /**
   * Called with the paths (relative to root, `/`-separated) that may have
   * changed since the last call: files, or folders that appeared or vanished
   * (a folder named `*.md` also with a trailing `/`: changedFolder).
   */
  readonly onChange: (paths: ReadonlySet<string>) => void
  readonly onError?: (error: Error) => void
  /** Quiet time that ends a burst of events. */
  readonly debounceMs?: number
  /** Longest wait from a burst's first event to its report. */
  readonly maxDelayMs?: number
}

/**
 * Watches a folder tree with one non-recursive `fs.watch` per folder. Node
 * 20's recursive mode places an inotify watch per file (10,000 files: 10,025
 * watches, 63 MB, 170–260 ms blocked at start); one per folder costs almost
 * nothing and fires within a millisecond. Events are collected and reported
 * in batches, so an editor's save in several steps is one change.
 */
export class FolderWatcher {
  readonly #options: Required<Omit<FolderWatcherOptions, 'onError'>> & Pick<FolderWatcherOptions, 'onError'>
  readonly #watchers = new Map<string, fs.FSWatcher>()
  #pending = new Set<string>()
  #timer: NodeJS.Timeout | undefined
  #firstEvent = 0
  #closed = false

  constructor(options: FolderWatcherOptions) {
    this.#options = { debounceMs: 20, maxDelayMs: 100, ...options }
  }

  /** Starts watching every folder under the root. */
  async start(): Promise<void> {
    await this.#watchTree('')
  }

  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
    for (const watcher of this.#watchers.values()) watcher.close()
    this.#watchers.clear()
  }

  /** Watches `relative` and every folder under it that is not watched yet. */
  async #watchTree(relative: string): Promise<void> {
    await walkFolders(this.#options.root, relative, (folder) => this.#watch(folder))
  }

  /** Places the watch on one folder; false when it is not (to be) watched, so the walk does not go into it. */
  #watch(relative: string): boolean {
    if (this.#closed || this.#watchers.has(relative)) return false
    let watcher: fs.FSWatcher
    try {
      // Names as bytes: one that is not UTF-8 is reported as the listing names it (nameFromBytes).
      watcher = fs.watch(pathUnder(this.#options.root, relative), { persistent: false, encoding: 'buffer' }, (_event, name) => {
        this.#note(name === null ? relative : joinRelative(relative, nameFromBytes(name)))
      })
    } catch (error) {
      // Gone, or not ours to read: the listing names a folder the service may not read (inotify needs read permission too).
      const code = (error as NodeJS.ErrnoException).code
      if (!isGone(code) && code !== 'EACCES' && code !== 'EPERM') this.#options.onError?.(error as Error)
      return false
    }
    watcher.on('error', (error: Error) => {
      // Only while it is the folder's watch: one closed since (the folder watched anew) must not end its successor.
      if (this.#watchers.get(relative) !== watcher) return
      this.#unwatch(relative)
      // The root's watch gone: no change anywhere is reported any more (a sub-folder's usually vanished).
      if (relative === '') this.#options.onError?.(error)
    })
    this.#watchers.set(relative, watcher)
    return true
  }

  #unwatch(relative: string): void {
    for (const [folder, watcher] of this.#watchers) {
      if (folder === relative || folder.startsWith(`${relative}/`) || relative === '') {
        watcher.close()
        this.#watchers.delete(folder)
      }
    }
  }

  #note(relative: string): void {
    if (this.#closed || relative.split('/').some(isHidden)) return
    const now = Date.now()
    if (this.#pending.size === 0) this.#firstEvent = now
    this.#pending.add(relative)
    clearTimeout(this.#timer)
    const wait = Math.max(0, Math.min(this.#options.debounceMs, this.#firstEvent + this.#options.maxDelayMs - now))
    this.#timer = setTimeout(() => void this.#flush(), wait)
  }

  async #flush(): Promise<void> {
    const paths = this.#pending
    this.#pending = new Set()
    // A folder that appeared is watched (with what it holds), one named again watched anew, one gone let go.
    // With mapLimit's turns: a chmod -R names every folder and file, and their continuations (a folder's watches placed
    // anew) held requests for 1.1 s at 4,000 folders when all ran in one turn (tests/store/folder-storm.test.ts).
    await mapLimit(
      [...paths],
      async (relative) => {
        // lstat: a link to a folder is not watched through, as no walk follows one (files.ts throughLink).
        const where = pathUnder(this.#options.root, relative)
        const stat = await (relative === '' ? fs.promises.stat(where) : fs.promises.lstat(where)).catch(() => undefined)
        const wasFolder = this.#watchers.has(relative)
        // Named by its parent (made, removed, moved, its mode changed): whatever is there now is watched anew. The old
        // watch may be on a folder moved away (a deploy's `mv site site.old; mv neu site`) or removed and made again
        // (`rm -rf site; mkdir site`, often with the same inode), and would see nothing of the new one.
        if (wasFolder && (relative !== '' || !stat?.isDirectory())) this.#unwatch(relative)
        if (stat?.isDirectory()) await this.#watchTree(relative)
        // Named as a folder too (changedFolder): a folder `x.md` moved in or out is no event inside it.
        if (stat?.isDirectory() || wasFolder) paths.add(changedFolder(relative))
      },
    )
    if (!this.#closed) this.#options.onChange(paths)
  }
}
