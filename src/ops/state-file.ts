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
  readonly path: string
}

export function stateFile(stateDir: string, name: string): StateFile {
  const file = path.join(stateDir, name)
  return {
    path: file,
    read: () => readIfThere(file)?.toString('utf8'),
    readBytes: () => readIfThere(file),
    write: (text) => {
      makeFolder(stateDir)
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

function readIfThere(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw cause
  }
}
