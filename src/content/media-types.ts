import mime from 'mime'

/**
 * Types podcast apps expect where the registry says otherwise: Apple's
 * podcast requirements list audio/x-m4a for .m4a files.
 */
const PODCAST_TYPES: Readonly<Record<string, string>> = { m4a: 'audio/x-m4a' }

/** Unregistered names people write, and the registered type they mean. */
const ALIASES: Readonly<Record<string, string>> = {
  'audio/mp3': 'audio/mpeg',
  'audio/x-mp3': 'audio/mpeg',
  'audio/mpeg3': 'audio/mpeg',
  'audio/x-mpeg': 'audio/mpeg',
  'audio/x-mpeg-3': 'audio/mpeg',
  'audio/mpg': 'audio/mpeg',
  'audio/m4a': 'audio/x-m4a',
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'video/mpeg4': 'video/mp4',
}

const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/

/** The media type of a file, by its extension; undefined when unknown. */
export function mediaTypeFor(fileName: string): string | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase()
  if (extension === undefined) return undefined
  return PODCAST_TYPES[extension] ?? mime.getType(extension) ?? undefined
}

/** A MIME type in lower case with aliases replaced; undefined when it is no MIME type at all. */
export function normaliseMediaType(type: string): string | undefined {
  const lower = type.trim().toLowerCase()
  if (!MIME_TYPE.test(lower)) return undefined
  return ALIASES[lower] ?? lower
}
