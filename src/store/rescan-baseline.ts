import { changedFolder } from '../content/files.js'

/**
 * What a rescan compares the folder with: the stamps the last rescan saw (for
 * files never read for the index) and the folders it could not read; and
 * the comparison itself, which says what to apply.
 */
export class RescanBaseline {
  /** Stamps seen by the last rescan, for files never read for the index (refused before or without reading) and those it found changed. */
  #scanned: ReadonlyMap<string, string> = new Map()
  /** Folders the last rescan could not read. */
  #unreadable: ReadonlySet<string> = new Set()

  /**
   * The files whose stamp differs from what was read (or last seen), the
   * files known but gone (not those in a folder that cannot be read: what it
   * holds is unknown, not gone), and the folders that turned unreadable
   * (holding articles read before) or readable again; remembers this scan.
   */
  changes(
    onDisk: ReadonlyMap<string, string>,
    unreadable: readonly string[],
    readStamp: (file: string) => string | undefined,
    known: readonly string[],
    /** An entry's stamp as its listing refused it (never read): what the first rescan after a load compares it with. */
    listedStamp: (file: string) => string | undefined = () => undefined,
  ): { files: Set<string>; folders: string[] } {
    const previous = this.#scanned
    // Only what is compared next time: at 50,000 files read, the whole scan was 50,000 stamps kept for nothing.
    const scanned = new Map<string, string>()
    const files = new Set<string>()
    for (const [file, stamp] of onDisk) {
      const read = readStamp(file)
      const changed = stamp !== (read ?? previous.get(file) ?? listedStamp(file))
      // A changed one too: applying it may leave no stamp of a read (refused again), and it must not count twice.
      if (read === undefined || changed) scanned.set(file, stamp)
      if (changed) files.add(file)
    }
    this.#scanned = scanned
    const within = (folder: string) => (file: string) => file.startsWith(`${folder}/`)
    for (const file of known) if (!onDisk.has(file) && !unreadable.some((folder) => within(folder)(file))) files.add(file)
    // Applied as a folder: the catalog names it once.
    const wasUnreadable = this.#unreadable
    this.#unreadable = new Set(unreadable)
    const folders = [
      ...unreadable.filter((folder) => !wasUnreadable.has(folder) && known.some(within(folder))),
      ...[...wasUnreadable].filter((folder) => !this.#unreadable.has(folder)),
    ].map(changedFolder)
    return { files, folders }
  }

  /** How many stamps it keeps from the last rescan: those of files never read for the index. */
  get kept(): number {
    return this.#scanned.size
  }

  /** A reload read everything: no folder is known to be unreadable. */
  reloaded(): void {
    this.#unreadable = new Set()
  }
}
