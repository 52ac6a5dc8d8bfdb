import fs from 'node:fs'
import path from 'node:path'

/**
 * The service's small state files under STATE_DIR (the subscriber history):
 * the only file-system code of src/ops/. A file is written whole to a
 * temporary name in the same folder, flushed, then renamed over the old one,
 * so a crash leaves either the old or the new file, never half of one.
 */
export interface StateFile {
  /** The file's text; undefined when there is none. Throws on any other error. */
  read(): string | undefined
  /** The file's bytes; undefined when there is none. Throws on any other error. */
  readBytes(): Buffer | undefined
  /** Replaces the file atomically, creating STATE_DIR when needed; chunks are written one after the other, never joined in memory. */
  write(text: string | Uint8Array | readonly Uint8Array[]): void
  /**
   * Replaces the file as `write` does, its chunks written as they come, the event loop turning meanwhile; resolves
   * false, and leaves the file as it was, when `cancelled()` says so before the rename (a `write` since, at a close).
   */
  writeInTurns(chunks: AsyncIterable<Uint8Array>, cancelled: () => boolean): Promise<boolean>
  /**
   * Empties the file in place, when `write` cannot replace it (a full disk: emptying takes no block; STATE_DIR no longer
   * writable, the file still is), so that it is no longer read as what it said. No file: nothing. Throws on any other error.
   */
  empty(): void
  readonly path: string
}

/** The most a state file may hold unless its owner says otherwise: the subscriber history is a few hundred KB. */
export const STATE_FILE_MAX_BYTES = 64 * 1024 * 1024
/** A temporary file this old is one a killed process left (a write takes seconds at most). */
const STALE_TEMPORARY_MS = 60 * 60 * 1000

/** `maxBytes`: a larger file is not read at all (an error), so a file that is not ours cannot fill the memory at a start. */
export function stateFile(stateDir: string, name: string, maxBytes = STATE_FILE_MAX_BYTES): StateFile {
  const file = path.join(stateDir, name)
  let writes = 0
  return {
    path: file,
    read: () => readIfThere(file, maxBytes)?.toString('utf8'),
    readBytes: () => readIfThere(file, maxBytes),
    write: (text) => {
      makeFolder(stateDir)
      // Before the write: on a full disk it is what frees the space the write needs.
      removeStaleTemporaries(stateDir, name)
      const temporary = `${file}.${process.pid}.tmp`
      try {
        const fd = fs.openSync(temporary, 'w', 0o644)
        try {
          if (typeof text === 'string' || text instanceof Uint8Array) fs.writeFileSync(fd, text)
          else for (const chunk of text) fs.writeFileSync(fd, chunk)
          fs.fsyncSync(fd)
        } finally {
          fs.closeSync(fd)
        }
        fs.renameSync(temporary, file)
      } catch (cause) {
        // A full disk or a rename that fails leaves no `.tmp` file behind.
        fs.rmSync(temporary, { force: true })
        throw cause
      }
    },
    empty: () => {
      try {
        fs.truncateSync(file, 0)
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause
      }
    },
    writeInTurns: async (chunks, cancelled) => {
      makeFolder(stateDir)
      removeStaleTemporaries(stateDir, name)
      // A name of its own: a `write` meanwhile (a close) uses the pid's, and renames it first.
      const temporary = `${file}.${process.pid}.${++writes}.tmp`
      let replaced = false
      // An exit meanwhile (a stop: the close's write in one go, then process.exit) never comes back here: the part
      // written stayed for an hour, up to the whole file (18 MB at 50,000 articles), with another name at each stop.
      const removeAtExit = (): void => {
        try {
          fs.rmSync(temporary, { force: true })
        } catch {
          // Not removable now (STATE_DIR made read-only): a later write removes it once it is an hour old.
        }
      }
      process.once('exit', removeAtExit)
      try {
        const handle = await fs.promises.open(temporary, 'w', 0o644)
        try {
          for await (const chunk of chunks) {
            if (cancelled()) return false
            await handle.writeFile(chunk)
          }
          await handle.sync()
        } finally {
          await handle.close()
        }
        // Checked and renamed in one turn: a `write` of a close cannot come between, and be replaced by an older file.
        if (cancelled()) return false
        fs.renameSync(temporary, file)
        replaced = true
        return true
      } finally {
        process.off('exit', removeAtExit)
        if (!replaced) fs.rmSync(temporary, { force: true })
      }
    },
  }
}

/** The `.tmp` files of `name` that a process killed while writing left (each pid its own name: under systemd one more each time). */
function removeStaleTemporaries(stateDir: string, name: string): void {
  const prefix = `${name}.`
  for (const entry of fs.readdirSync(stateDir)) {
    if (!entry.startsWith(prefix) || !/^\d+(\.\d+)?\.tmp$/.test(entry.slice(prefix.length))) continue
    const stats = fs.lstatSync(path.join(stateDir, entry), { throwIfNoEntry: false })
    if (stats?.isFile() && Date.now() - stats.mtimeMs > STALE_TEMPORARY_MS) fs.rmSync(path.join(stateDir, entry), { force: true })
  }
}

/** STATE_DIR, made when missing; a file in its place is ENOTDIR (as a read says), not mkdir's EEXIST, which reads as if all were well. */
function makeFolder(stateDir: string): void {
  try {
    fs.mkdirSync(stateDir, { recursive: true })
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw cause
    throw Object.assign(new Error(`ENOTDIR: ${stateDir} is not a folder`), { code: 'ENOTDIR', cause })
  }
}

/**
 * The file's bytes, or undefined when there is none. Only a regular file of
 * at most `maxBytes` is read: a link to /dev/zero grew the start's memory
 * without end, and a FIFO held it for good (its open blocks; here it does
 * not), both deaf to SIGTERM. Such a file is an error, which its reader
 * reports as one it cannot read.
 */
function readIfThere(file: string, maxBytes: number): Buffer | undefined {
  let fd: number
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw cause
  }
  try {
    const stats = fs.fstatSync(fd)
    if (!stats.isFile()) throw refusal(`not a regular file but ${kindOf(stats)}`)
    if (stats.size > maxBytes) throw refusal(`${stats.size} bytes, more than the ${maxBytes} it may hold`)
    return fs.readFileSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/** An error whose code says what is wrong, as the readers show a code (`cannot read … (CODE)`). */
const refusal = (problem: string): NodeJS.ErrnoException => Object.assign(new Error(problem), { code: problem })

function kindOf(stats: fs.Stats): string {
  return stats.isDirectory() ? 'a folder' : stats.isFIFO() ? 'a FIFO' : stats.isCharacterDevice() ? 'a character device' : stats.isBlockDevice() ? 'a block device' : stats.isSocket() ? 'a socket' : 'something else'
}
