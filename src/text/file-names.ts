/**
 * File names as the service holds them. On Linux a name is bytes, and not
 * every name is UTF-8 (an old archive, a Windows share, a Latin-1 tool).
 * Node decodes such a name with U+FFFD for the bad bytes: a name that opens
 * nothing, and that two files may share. Here each byte that is not part of
 * a UTF-8 character is held as U+DC80 + byte instead, a lone surrogate that
 * no UTF-8 name decodes to (Python's "surrogateescape"), so the name can be
 * refused, opened again and shown with those bytes escaped.
 */
import { Buffer, isUtf8 } from 'node:buffer'
import { shownName } from './display.js'

/** A lone low surrogate from U+DC80 to U+DCFF: a byte that is not UTF-8. */
const BAD_BYTE = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/
const BAD_BYTES = new RegExp(BAD_BYTE.source, 'g')

/** A name read as bytes (readdir, fs.watch with `encoding: 'buffer'`). */
export function nameFromBytes(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (isUtf8(buffer)) return buffer.toString('utf8')
  let name = ''
  for (let i = 0; i < buffer.length; ) {
    const lead = buffer[i] as number
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0
    const character = length === 0 ? undefined : buffer.subarray(i, i + length)
    if (character !== undefined && character.length === length && isUtf8(character)) {
      name += character.toString('utf8')
      i += length
    } else {
      name += String.fromCharCode(0xdc00 + lead)
      i += 1
    }
  }
  return name
}

/** Whether a name (from nameFromBytes) has bytes that are not UTF-8. */
export function hasBadBytes(name: string): boolean {
  return BAD_BYTE.test(name)
}

/** The bytes of a name from nameFromBytes: what the file system knows it by. */
export function bytesOfName(name: string): Buffer {
  if (!hasBadBytes(name)) return Buffer.from(name, 'utf8')
  const parts = name.split(new RegExp(`(${BAD_BYTE.source})`))
  return Buffer.concat(parts.map((part, index) => (index % 2 === 1 ? Buffer.of(part.charCodeAt(0) - 0xdc00) : Buffer.from(part, 'utf8'))))
}

/**
 * A name for a log line: each byte that is not UTF-8 written as `\xNN`, and
 * then, when it holds a control or another character a message must not
 * show as it is (a line break would start a forged log line), quoted.
 */
export function showFileName(name: string): string {
  return shownName(name.replace(BAD_BYTES, (byte) => `\\x${(byte.charCodeAt(0) - 0xdc00).toString(16).toUpperCase()}`))
}
