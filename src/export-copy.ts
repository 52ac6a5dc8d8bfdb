import fs from 'node:fs'

/** Bytes read and written at a time. */
const CHUNK_BYTES = 1 << 20

/** A media file the export was to copy is no regular file now (a FIFO, socket or device was put in its place). */
export class NotRegularFileError extends Error {
  readonly code = 'ENOTREGULAR'
}

/**
 * Copies the regular file at `source` into a new file `target`, saying after
 * each MiB how many bytes are copied (`copied`): one episode's audio of a few
 * GB is most of what a podcast's media take to copy, and copyFile says
 * nothing until it is done. The source is opened with O_NONBLOCK and checked
 * before a byte is read: a FIFO put where a media file was listed opens at
 * once and is refused (a blocking open waited for a writer that never came,
 * and held the export's lock meanwhile), as is a device, which is never
 * opened for reading further. Resolves with the bytes copied.
 */
export async function copyRegularFile(source: string, target: string, copied: (bytes: number) => void = () => {}): Promise<number> {
  const input = await fs.promises.open(source, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)
  try {
    if (!(await input.stat()).isFile()) throw new NotRegularFileError(`${source} is not a regular file`)
    const output = await fs.promises.open(target, 'wx')
    try {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES)
      let total = 0
      for (let read = -1; read !== 0; ) {
        ;({ bytesRead: read } = await input.read(buffer, 0, CHUNK_BYTES, null))
        for (let written = 0; written < read; ) written += (await output.write(buffer, written, read - written)).bytesWritten
        total += read
        if (read > 0) copied(total)
      }
      return total
    } finally {
      await output.close()
    }
  } finally {
    await input.close()
  }
}
