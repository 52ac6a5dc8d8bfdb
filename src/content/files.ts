/**
 * The folder-tree walks of the service: the articles folder (listing,
 * stamping, watching) and the media folder (what the export copies). One
 * rule for all of them: names starting with `.` are hidden (`.git`, an
 * editor's `.x.md.swp`) and neither reported nor entered, and a folder is
 * entered only when readdir says it is one, so a symbolic link to a folder
 * is reported as a link and never followed (it may lead outside, or round).
 */
import fs from 'node:fs'
import path from 'node:path'
import { eventLoopTurns, fullTurn } from '../util/event-loop-turns.js'
import { bytesOfName, hasBadBytes, nameFromBytes } from '../text/file-names.js'

/** Called for each entry a walk finds that is not a folder: its path relative to the root (`/`-separated), and readdir's entry (a link is a link, not what it leads to). */
export type VisitEntry = (file: string, entry: fs.Dirent) => void

/** Whether a file or folder name is hidden: never listed, read, served or watched. */
export function isHidden(name: string): boolean {
  return name.startsWith('.')
}

/**
 * A folder's identity (device, inode, birth time), which changes when another
 * folder takes its place (a deploy: `mv new articles`); undefined when there
 * is no folder there.
 */
export async function folderId(dir: string): Promise<string | undefined> {
  return fs.promises.stat(dir).then(
    (stat) => (stat.isDirectory() ? `${stat.dev}:${stat.ino}:${stat.birthtimeMs}` : undefined),
    () => undefined,
  )
}

/**
 * Why `dir` cannot be the articles folder at start, in words for the
 * operator (`/srv/artikel does not exist (ENOENT)`); undefined when it is a
 * folder this process may list. At start there is no content to keep
 * publishing, so the entry points stop with this as a configuration error;
 * a folder that goes missing later is waited for (live-updates.ts).
 */
export function articlesFolderProblem(dir: string): string | undefined {
  try {
    if (!fs.statSync(dir).isDirectory()) return `${dir} is a file, not a folder (ENOTDIR)`
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.X_OK)
    return undefined
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return `${dir} does not exist (ENOENT)`
    if (code === 'EACCES' || code === 'EPERM') return `${dir} cannot be read by this user (${code})`
    return `${dir} cannot be used (${code ?? (cause as Error).message})`
  }
}

/** `folder/name`, or `name` in the root (`''`). */
export function joinRelative(folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`
}

/** Whether a folder on the way to `relative` (not `relative` itself, nor the root) is one of `folders`. */
export function inFolder(relative: string, folders: ReadonlySet<string>): boolean {
  for (let slash = relative.indexOf('/'); slash !== -1; slash = relative.indexOf('/', slash + 1)) if (folders.has(relative.slice(0, slash))) return true
  return false
}

/**
 * Adds to `into` each of the `known` files that is inside one of `folders`
 * (inFolder), the event loop let go every few milliseconds: at 60,000
 * files, looking at each in one go took 8-16 ms, at the start of a bulk
 * import's hold of 50 ms (ArticleCatalog, a folder appeared or vanished).
 */
export async function addInFolders(into: Set<string>, folders: ReadonlySet<string>, ...known: Iterable<string>[]): Promise<void> {
  if (folders.size === 0) return
  const turns = eventLoopTurns(IN_FOLDERS_TURN_MS, 1024)
  for (const files of known) {
    for (const file of files) {
      if (inFolder(file, folders)) into.add(file)
      const pause = turns.due()
      if (pause) await pause
    }
  }
}
const IN_FOLDERS_TURN_MS = 10

/**
 * How a changed folder is named to the catalog (ArticleCatalog.applyFiles):
 * one named `*.md` gets a trailing `/`, since by its name alone it is taken
 * for an article file; any other path not ending in `.md` is a folder.
 */
export function changedFolder(relative: string): string {
  return relative.endsWith('.md') ? `${relative}/` : relative
}

/**
 * Whether a folder on the way to `relative` under `root` is a symbolic link
 * (`relative` itself too, unless `parentsOnly`). The walks never follow a
 * linked folder (to them it is an entry that is not a folder), so neither
 * may a listing of one folder or a read of one file, which a change names:
 * else a link made while the service runs publishes what it leads to,
 * outside ARTICLES_DIR too, until the next rescan.
 */
export function throughLink(root: string, relative: string, parentsOnly = false): boolean {
  if (relative === '') return false
  const names = relative.split('/')
  for (let count = 1; count <= names.length - (parentsOnly ? 1 : 0); count++) {
    try {
      if (fs.lstatSync(pathUnder(root, names.slice(0, count).join('/')), { throwIfNoEntry: false })?.isSymbolicLink()) return true
    } catch {
      // A file on the way (ENOTDIR), a folder that may not be searched (EACCES): no link, and the read or listing
      // that follows fails as it says (gone; cannot be read).
      return false
    }
  }
  return false
}

const byName = (a: fs.Dirent, b: fs.Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

/** Whether readdir's or open's error code says the thing is gone (or was never a folder): not an error to report. */
export function isGone(code: string | undefined): boolean {
  return code === 'ENOENT' || code === 'ENOTDIR'
}

/**
 * Where `relative` (`/`-separated, names as nameFromBytes gives them) is
 * under `root`, for file-system calls: as bytes when a name is not UTF-8.
 */
export function pathUnder(root: string, relative: string): string | Buffer {
  return hasBadBytes(relative) ? Buffer.concat([Buffer.from(path.join(root, '/')), bytesOfName(relative)]) : path.join(root, relative)
}

/**
 * readdir's entries with every name as nameFromBytes gives it. Node decodes a
 * name that is not UTF-8 with U+FFFD, which opens nothing: only a folder
 * holding a U+FFFD is read again, as bytes, so the common case costs nothing.
 */
const hasReplacement = (entry: fs.Dirent): boolean => entry.name.includes('\uFFFD')
const withNamesFromBytes = (entries: fs.Dirent<Buffer>[]): fs.Dirent[] =>
  entries.map((entry) => Object.assign(entry, { name: nameFromBytes(entry.name) }) as unknown as fs.Dirent)

/**
 * A folder's entries, in readdir's order. A folder below the root that
 * cannot be read goes to `onUnreadable` (undefined); with `skipUnreadable`
 * any folder that cannot be read, the root too, is undefined; else readdir's
 * error is thrown.
 */
function readFolder(root: string, relative: string, { skipUnreadable = false, onUnreadable }: WalkOptions): fs.Dirent[] | undefined {
  try {
    const folder = pathUnder(root, relative)
    const entries = fs.readdirSync(folder, { withFileTypes: true })
    return entries.some(hasReplacement) ? withNamesFromBytes(fs.readdirSync(folder, { withFileTypes: true, encoding: 'buffer' })) : entries
  } catch (error) {
    // A sub-folder is skipped only when the root can be read: else the failure is the root's (a folder swapped in that
    // cannot be read yet), which the caller reports as such, not as a sub-folder that cannot be read.
    if (onUnreadable && relative !== '' && articlesFolderProblem(root) === undefined) {
      onUnreadable(relative, error as NodeJS.ErrnoException)
      return undefined
    }
    if (skipUnreadable) return undefined
    throw error
  }
}

/**
 * Called for a folder below the root that a walk cannot read: one the
 * service's user may not open (a root-owned `lost+found`, mode 700, on every
 * ext4 volume), or one gone since its parent was read. The walk goes on
 * without it.
 */
export type OnUnreadable = (folder: string, error: NodeJS.ErrnoException) => void

export interface WalkOptions {
  /** The sub-folder to walk, relative to the root; `''` (the default) is the root. */
  readonly folder?: string
  /** Leave out folders that cannot be read (the root too) instead of throwing readdir's error. */
  readonly skipUnreadable?: boolean
  /** Leave out folders below the root that cannot be read (`folder` too, unless it is the root), and say which. */
  readonly onUnreadable?: OnUnreadable
}

/**
 * Visits every entry under `root` that is not a folder, depth-first in name
 * order (UTF-16 code units; a folder's entries where its name sorts), so the
 * same tree always gives the same order.
 *
 * Synchronous on purpose: for 50,000 small files synchronous file-system
 * calls are 3–6 times faster than callbacks or promises (measured: 0.3 s
 * against 1.0–1.8 s to read them all), and each one takes microseconds.
 */
export function walkTreeSync(root: string, visit: VisitEntry, options: WalkOptions = {}): void {
  // A linked folder is not walked into, whichever folder the walk starts at.
  if (options.folder !== undefined && throughLink(root, options.folder)) return
  const walk = (relative: string): void => {
    const entries = readFolder(root, relative, options)
    if (entries === undefined) return
    entries.sort(byName)
    for (const entry of entries) {
      if (isHidden(entry.name)) continue
      const file = joinRelative(relative, entry.name)
      if (entry.isDirectory()) walk(file)
      else visit(file, entry)
    }
  }
  walk(options.folder ?? '')
}

/**
 * The same walk for scans that run beside requests: it yields to the event
 * loop after every `perTurn` entries visited or folders read, so a scan of
 * 50,000 files holds requests for a few milliseconds at a time, not for the
 * whole scan. The reads themselves stay synchronous (see walkTreeSync).
 * Entries come in no set order (readdir's; a folder's files before its
 * sub-folders, the last sub-folder found first): a caller that needs one
 * sorts. The root must be readable; a sub-folder that cannot be read, or
 * vanishes while the walk runs, is skipped (and told to `onUnreadable`).
 */
export async function walkTreeYielding(root: string, visit: VisitEntry, perTurn: number, onUnreadable: OnUnreadable = () => {}): Promise<void> {
  const folders = ['']
  let sinceTurn = 0
  const turn = async (): Promise<void> => {
    if (++sinceTurn < perTurn) return
    sinceTurn = 0
    await fullTurn()
  }
  for (let relative = folders.pop(); relative !== undefined; relative = folders.pop()) {
    const entries = readFolder(root, relative, { onUnreadable })
    if (entries === undefined) continue
    for (const entry of entries) {
      if (isHidden(entry.name)) continue
      const file = joinRelative(relative, entry.name)
      if (entry.isDirectory()) folders.push(file)
      else {
        visit(file, entry)
        await turn()
      }
    }
    await turn()
  }
}

/**
 * Walks the folders (not the files) under `root` from `folder`, for placing
 * watches: `enter` is called with each folder before it is read, and says
 * whether to go into it. Calling it first means a file created while the
 * folder is being read is still seen by what `enter` set up.
 *
 * Asynchronous, unlike the other walks, and the sub-folders of a folder are
 * read side by side: watches are placed while the service answers requests
 * (at start, and whenever a folder appears), and one slow folder must not
 * hold up the others.
 */
export async function walkFolders(root: string, folder: string, enter: (folder: string) => boolean): Promise<void> {
  if (!enter(folder)) return
  let entries: fs.Dirent[]
  try {
    const where = pathUnder(root, folder)
    entries = await fs.promises.readdir(where, { withFileTypes: true })
    if (entries.some(hasReplacement)) entries = withNamesFromBytes(await fs.promises.readdir(where, { withFileTypes: true, encoding: 'buffer' }))
  } catch {
    return
  }
  await Promise.all(
    entries.filter((entry) => entry.isDirectory() && !isHidden(entry.name)).map((entry) => walkFolders(root, joinRelative(folder, entry.name), enter)),
  )
}

/**
 * What changed under `root` at or after `sinceMs` (epoch milliseconds), by status-change time, which no `touch -d`,
 * `cp -p` or rsync sets back: the files (relative, `/`-separated; a link by what it leads to), and whether a folder
 * did, whose entries came, went or were renamed (a removed file leaves nothing else behind). For the media a start
 * purges (cdn/purge-record.ts). Hidden names are skipped, as /media/ never serves them; what cannot be read counts as
 * changed.
 */
export async function changedSince(root: string, sinceMs: number, folder = ''): Promise<{ files: string[]; folders: boolean }> {
  const changed = { files: [] as string[], folders: false }
  const where = pathUnder(root, folder)
  let entries: fs.Dirent[]
  try {
    if ((await fs.promises.stat(where)).ctimeMs >= sinceMs) changed.folders = true
    entries = await fs.promises.readdir(where, { withFileTypes: true }).catch(async (error: unknown) => {
      // One this process may not enter (lost+found, root's, at the top of a volume): /media/ serves nothing under it.
      // Unchanged since, it held nothing the CDN may keep; else it counted as changed, and every start purged every file.
      if (!changed.folders && (await fs.promises.access(where, fs.constants.X_OK).then(() => false, () => true))) return []
      throw error
    })
    if (entries.some(hasReplacement)) entries = withNamesFromBytes(await fs.promises.readdir(where, { withFileTypes: true, encoding: 'buffer' }))
  } catch {
    return { files: [], folders: true }
  }
  for (const entry of entries) {
    if (isHidden(entry.name)) continue
    const relative = joinRelative(folder, entry.name)
    if (entry.isDirectory()) {
      const inner = await changedSince(root, sinceMs, relative)
      // Not spread into push: more than about 120,000 arguments overflow the stack.
      for (const file of inner.files) changed.files.push(file)
      changed.folders ||= inner.folders
      continue
    }
    const file = pathUnder(root, relative)
    const stat = await fs.promises.stat(file).catch(() => fs.promises.lstat(file).catch(() => undefined))
    if (stat === undefined || stat.ctimeMs >= sinceMs) changed.files.push(relative)
  }
  return changed
}
